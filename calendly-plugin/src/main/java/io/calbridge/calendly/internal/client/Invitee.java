package io.calbridge.calendly.internal.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An invitee of a scheduled event ({@code GET /scheduled_events/{uuid}/invitees}), the same shape
 * as the webhook invitee payload without {@code scheduled_event}.
 */
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
        String inviteeScheduledBy) {

    public record QuestionAndAnswer(String question, String answer, Integer position) {
    }

    public record Tracking(String utmCampaign, String utmSource, String utmMedium, String utmContent,
                           String utmTerm, String salesforceUuid) {
    }

    public record Payment(String externalId, String provider, BigDecimal amount, String currency, String terms,
                          Boolean successful) {
    }

    public record NoShowRef(String uri, Instant createdAt) {
    }

    public record Reconfirmation(Instant createdAt, Instant confirmedAt) {
    }
}
