package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What a caller may set on a mapping (ids and tenant come from the path and the session, never
 * from here).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MappingInput(String eventTypeUri, String eventTypeName, MappingRules rules) {
    public MappingInput {
        rules = rules == null ? MappingRules.none() : rules;
    }
}
