package io.calbridge.calendly.internal.webhook;

/** A delivery made due again by a replay, and the status it had before. */
public record ReplayResult(long inboxId, String previousStatus) {
}
