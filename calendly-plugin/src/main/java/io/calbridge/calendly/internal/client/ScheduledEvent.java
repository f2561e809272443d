package io.calbridge.calendly.internal.client;

import java.time.Instant;
import java.util.List;

/** A booked meeting ({@code GET /scheduled_events}, {@code /scheduled_events/{uuid}}). */
public record ScheduledEvent(
        String uri,
        String name,
        String status,
        Instant startTime,
        Instant endTime,
        String eventType,
        Location location,
        InviteesCounter inviteesCounter,
        Instant createdAt,
        Instant updatedAt,
        List<Membership> eventMemberships,
        List<Guest> eventGuests,
        CalendarEvent calendarEvent,
        Cancellation cancellation,
        String meetingNotesPlain,
        String meetingNotesHtml) {

    public record InviteesCounter(Integer total, Integer active, Integer limit) {
    }

    /** A host of the event; {@code userName} is missing in older responses. */
    public record Membership(String user, String userEmail, String userName, Instant bufferedStartTime,
                             Instant bufferedEndTime) {
    }

    public record Guest(String email, Instant createdAt, Instant updatedAt) {
    }

    public record CalendarEvent(String kind, String externalId) {
    }
}
