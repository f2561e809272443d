package io.calbridge.calendly.internal.settings;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.UUID;

/** A Calendly event type with the id of its mapping, if it has one (settings API and settings UI). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventTypeView(String uri, String name, Boolean active, String slug, String schedulingUrl, Integer duration,
                            String kind, String type, String ownerName, String ownerUri, UUID mappingId) {
}
