package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one model of a Calendly invitee: the API's ({@code GET /scheduled_events/{uuid}/invitees}) and
 * the webhook payload of {@code invitee.created}, {@code invitee.canceled} and
 * {@code invitee_no_show.*}, which is the same shape plus the embedded {@code scheduled_event} (null
 * from the API). Read tolerantly: every field may be missing or null, unknown fields are ignored.
 * snake_case on the wire whatever mapper reads it, so booking reads stored payloads with the same type.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Invitee(
        String uri,
        String email,
        String name,
        String firstName,
        String lastName,
        String status,
        String timezone,
        String event,
        Instant createdAt,
        Instant updatedAt,
        String cancelUrl,
        String rescheduleUrl,
        Boolean rescheduled,
        String oldInvitee,
        String newInvitee,
        List<QuestionAndAnswer> questionsAndAnswers,
        Tracking tracking,
        String textReminderNumber,
        Cancellation cancellation,
        Payment payment,
        NoShowRef noShow,
        Reconfirmation reconfirmation,
        String routingFormSubmission,
        String schedulingMethod,
        String inviteeScheduledBy,
        ScheduledEvent scheduledEvent) {

    public Invitee {
        questionsAndAnswers = questionsAndAnswers == null ? List.of() : questionsAndAnswers;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record QuestionAndAnswer(String question, String answer, Integer position) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Tracking(String utmCampaign, String utmSource, String utmMedium, String utmContent,
                           String utmTerm, String salesforceUuid) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Payment(String externalId, String provider, BigDecimal amount, String currency, String terms,
                          Boolean successful) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NoShowRef(String uri, Instant createdAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Reconfirmation(Instant createdAt, Instant confirmedAt) {
    }

    /** The meeting's name, trimmed (Calendly's may end in a space); null without an embedded event. */
    public String eventName() {
        return scheduledEvent == null || scheduledEvent.name() == null ? null : scheduledEvent.name().strip();
    }

    public Instant startTime() {
        return scheduledEvent == null ? null : scheduledEvent.startTime();
    }

    public Instant endTime() {
        return scheduledEvent == null ? null : scheduledEvent.endTime();
    }

    public String eventTypeUri() {
        return scheduledEvent == null ? null : scheduledEvent.eventType();
    }

    public List<ScheduledEvent.Membership> memberships() {
        return scheduledEvent == null || scheduledEvent.eventMemberships() == null ? List.of() : scheduledEvent.eventMemberships();
    }

    public ScheduledEvent.Membership firstHost() {
        return memberships().isEmpty() ? null : memberships().get(0);
    }

    /** The invitee's zone when it is a real one (sample payloads carry {@code "string"}). */
    public String validTimeZone() {
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
    public Map<String, String> contactFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (QuestionAndAnswer a : questionsAndAnswers) {
            if (a != null && a.question() != null && !a.question().isBlank() && a.answer() != null && !a.answer().isBlank()) {
                fields.put(a.question().strip(), a.answer());
            }
        }
        fields.putAll(utm());
        return fields;
    }

    public Map<String, String> utm() {
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
    public static String idOf(String uri) {
        if (uri == null) {
            return null;
        }
        String s = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
