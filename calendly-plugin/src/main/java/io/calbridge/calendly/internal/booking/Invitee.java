package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calendly's invitee payload (invitee.created, invitee.canceled, invitee_no_show.*), read
 * tolerantly: every field may be missing or null, unknown fields are ignored.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Invitee(
        String uri,
        String email,
        String name,
        String firstName,
        String lastName,
        String status,
        String timezone,
        String textReminderNumber,
        Boolean rescheduled,
        String oldInvitee,
        String newInvitee,
        Instant createdAt,
        Instant updatedAt,
        String cancelUrl,
        String rescheduleUrl,
        List<Answer> questionsAndAnswers,
        Tracking tracking,
        Cancellation cancellation,
        NoShow noShow,
        ScheduledEvent scheduledEvent) {

    Invitee {
        questionsAndAnswers = questionsAndAnswers == null ? List.of() : questionsAndAnswers;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Answer(String question, String answer, Integer position) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Tracking(String utmCampaign, String utmSource, String utmMedium, String utmContent, String utmTerm,
                    String salesforceUuid) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Cancellation(String canceledBy, String reason, String cancelerType, Instant createdAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record NoShow(String uri, Instant createdAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ScheduledEvent(
            String uri,
            String name,
            String status,
            Instant startTime,
            Instant endTime,
            String eventType,
            JsonNode location,
            List<Membership> eventMemberships,
            Cancellation cancellation) {
        ScheduledEvent {
            eventMemberships = eventMemberships == null ? List.of() : eventMemberships;
        }

        /** Where the meeting is, as one string: a join URL, an address or a phone number. */
        String where() {
            if (location == null || !location.isObject()) {
                return null;
            }
            for (String key : new String[] {"join_url", "location"}) {
                JsonNode v = location.get(key);
                if (v != null && v.isTextual() && !v.asText().isBlank()) {
                    return v.asText().strip();
                }
            }
            JsonNode type = location.get("type");
            return type != null && type.isTextual() ? type.asText() : null;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Membership(String user, String userEmail, String userName) {
    }

    String eventName() {
        return scheduledEvent == null || scheduledEvent.name() == null ? null : scheduledEvent.name().strip();
    }

    Instant startTime() {
        return scheduledEvent == null ? null : scheduledEvent.startTime();
    }

    Instant endTime() {
        return scheduledEvent == null ? null : scheduledEvent.endTime();
    }

    String eventTypeUri() {
        return scheduledEvent == null ? null : scheduledEvent.eventType();
    }

    List<Membership> memberships() {
        return scheduledEvent == null ? List.of() : scheduledEvent.eventMemberships();
    }

    Membership firstHost() {
        return memberships().isEmpty() ? null : memberships().get(0);
    }

    /** The invitee's zone when it is a real one (sample payloads carry {@code "string"}). */
    String validTimeZone() {
        if (timezone == null) {
            return null;
        }
        try {
            return ZoneId.of(timezone).getId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Questions and answers and UTM parameters as contact fields: the question (trimmed) is the
     * field name; UTM parameters are {@code utm_source}, ...; empty values are left out so a later
     * booking never erases what an earlier one recorded.
     */
    Map<String, String> contactFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Answer a : questionsAndAnswers) {
            if (a != null && a.question() != null && !a.question().isBlank() && a.answer() != null && !a.answer().isBlank()) {
                fields.put(a.question().strip(), a.answer());
            }
        }
        fields.putAll(utm());
        return fields;
    }

    Map<String, String> utm() {
        Map<String, String> utm = new LinkedHashMap<>();
        if (tracking != null) {
            putIfPresent(utm, "utm_source", tracking.utmSource());
            putIfPresent(utm, "utm_medium", tracking.utmMedium());
            putIfPresent(utm, "utm_campaign", tracking.utmCampaign());
            putIfPresent(utm, "utm_content", tracking.utmContent());
            putIfPresent(utm, "utm_term", tracking.utmTerm());
            putIfPresent(utm, "salesforce_uuid", tracking.salesforceUuid());
        }
        return utm;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    /** The last path segment of an invitee or no-show URI: short and unique enough for keys. */
    static String idOf(String uri) {
        if (uri == null) {
            return null;
        }
        String s = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
