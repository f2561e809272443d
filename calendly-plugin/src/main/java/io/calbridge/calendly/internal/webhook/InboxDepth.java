package io.calbridge.calendly.internal.webhook;

/** Deliveries per unfinished status over all tenants: a point-in-time snapshot. */
public record InboxDepth(long pending, long processing, long dead) {
}
