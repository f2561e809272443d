package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * A booked meeting ({@code GET /scheduled_events}, {@code /scheduled_events/{uuid}}), also embedded as
 * {@code scheduled_event} in an invitee webhook payload. snake_case on the wire whatever mapper reads it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
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

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InviteesCounter(Integer total, Integer active, Integer limit) {
    }

    /** A host of the event; {@code userName} is missing in older responses. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Membership(String user, String userEmail, String userName, Instant bufferedStartTime,
                             Instant bufferedEndTime) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Guest(String email, Instant createdAt, Instant updatedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CalendarEvent(String kind, String externalId) {
    }

    /** Where the meeting is, as one string: a join URL, an address or a phone number; else its kind. */
    public String where() {
        if (location == null) {
            return null;
        }
        for (String v : new String[] {location.joinUrl(), location.location()}) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return location.type();
    }
}
