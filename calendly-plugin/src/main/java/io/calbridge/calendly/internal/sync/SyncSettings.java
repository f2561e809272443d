package io.calbridge.calendly.internal.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.calbridge.calendly.internal.common.ApiException;

/**
 * A tenant's import window and what imported past meetings get. One per tenant: every integration
 * of the tenant imports the same window.
 *
 * @param upcomingDays     how far ahead imports, backfills and sweeps look (0 to 365; default 90)
 * @param pastDays         how far back (0 to 90; default 7)
 * @param pastMeetingTasks whether an imported meeting that already took place gets a task (default false:
 *                         contacts, lists and tags only)
 */
public record SyncSettings(
        @JsonProperty("upcoming_days") int upcomingDays,
        @JsonProperty("past_days") int pastDays,
        @JsonProperty("past_meeting_tasks") boolean pastMeetingTasks) {

    public static final SyncSettings DEFAULTS = new SyncSettings(90, 7, false);

    /** A PUT body: every field optional, missing ones keep {@code current}; 400 naming the field otherwise. */
    record Input(@JsonProperty("upcoming_days") Integer upcomingDays,
                 @JsonProperty("past_days") Integer pastDays,
                 @JsonProperty("past_meeting_tasks") Boolean pastMeetingTasks) {
        @JsonCreator
        Input {
        }

        SyncSettings over(SyncSettings current) {
            int up = upcomingDays == null ? current.upcomingDays() : upcomingDays;
            int past = pastDays == null ? current.pastDays() : pastDays;
            if (up < 0 || up > 365) {
                throw ApiException.badRequest("invalid_value", "upcoming_days must be between 0 and 365", "upcoming_days");
            }
            if (past < 0 || past > 90) {
                throw ApiException.badRequest("invalid_value", "past_days must be between 0 and 90", "past_days");
            }
            return new SyncSettings(up, past, pastMeetingTasks == null ? current.pastMeetingTasks() : pastMeetingTasks);
        }
    }
}
