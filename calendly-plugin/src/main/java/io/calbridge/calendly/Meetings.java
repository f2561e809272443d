package io.calbridge.calendly;

import java.time.Instant;
import java.util.List;

/**
 * A contact's Calendly meetings.
 *
 * @param upcoming    active meetings that have not started, soonest first
 * @param past        the others (started, canceled, moved), latest first
 * @param refreshedAt when Calendly was asked; null when the answer is the plugin's bookings only
 */
public record Meetings(List<Meeting> upcoming, List<Meeting> past, Instant refreshedAt) {
    /**
     * Copies both lists.
     *
     * @param upcoming    active meetings that have not started, soonest first
     * @param past        the others, latest first
     * @param refreshedAt when Calendly was asked, or null
     */
    public Meetings {
        upcoming = List.copyOf(upcoming);
        past = List.copyOf(past);
    }
}
