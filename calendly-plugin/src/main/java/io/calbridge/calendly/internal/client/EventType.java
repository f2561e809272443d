package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A Calendly event type ({@code GET /event_types}, {@code /event_types/{uuid}}). */
public record EventType(
        String uri,
        String name,
        Boolean active,
        String bookingMethod,
        String slug,
        String schedulingUrl,
        Integer duration,
        List<Integer> durationOptions,
        String kind,
        String poolingType,
        String type,
        String color,
        Instant createdAt,
        Instant updatedAt,
        String internalNote,
        Boolean isPaid,
        String descriptionPlain,
        String descriptionHtml,
        Profile profile,
        Boolean secret,
        Instant deletedAt,
        Boolean adminManaged,
        List<JsonNode> locations,
        Integer position,
        List<CustomQuestion> customQuestions,
        String locale) {

    /** Who the event type belongs to: {@code type} "User" or "Team", {@code owner} its URI. */
    public record Profile(String type, String name, String owner) {
    }

    public record CustomQuestion(
            String name,
            String type,
            Integer position,
            Boolean enabled,
            Boolean required,
            List<String> answerChoices,
            Boolean includeOther) {
    }
}
