package io.calbridge.calendly.internal.webhook;

import java.util.List;

/** A page of the webhook log, newest first; {@code hasMore} says whether a next page exists. */
public record WebhookLogPage(List<WebhookLogEntry> items, int offset, int limit, boolean hasMore) {
}
