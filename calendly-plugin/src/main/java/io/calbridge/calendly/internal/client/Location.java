package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a scheduled event takes place. {@code type} is one of Calendly's kinds ({@code custom},
 * {@code zoom}, {@code google_conference}, {@code physical}, {@code outbound_call}, ...);
 * provider-specific extras stay in {@code data} as JSON.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Location(
        String type,
        String location,
        String joinUrl,
        String status,
        String additionalInfo,
        JsonNode data) {
}
