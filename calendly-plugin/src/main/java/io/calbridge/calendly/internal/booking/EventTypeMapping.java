package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.UUID;

/**
 * A stored event-type mapping.
 *
 * @param eventTypeUri  Calendly's event type URI, e.g. {@code https://api.calendly.com/event_types/...}
 * @param eventTypeName for people; not used for matching
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventTypeMapping(
        UUID id,
        UUID integrationId,
        String eventTypeUri,
        String eventTypeName,
        MappingRules rules,
        Instant createdAt,
        Instant updatedAt) {
}
