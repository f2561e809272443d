package io.calbridge.calendly.internal.client;

import java.time.Instant;

/** Why and by whom an invitee or event was canceled; {@code reason} may be null or empty. */
public record Cancellation(String canceledBy, String reason, String cancelerType, Instant createdAt) {
}
