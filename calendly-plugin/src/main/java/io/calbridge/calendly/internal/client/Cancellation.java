package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/** Why and by whom an invitee or event was canceled; {@code reason} may be null or empty. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Cancellation(String canceledBy, String reason, String cancelerType, Instant createdAt) {
}
