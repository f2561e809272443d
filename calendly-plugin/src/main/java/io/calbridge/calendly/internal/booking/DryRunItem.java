package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.calbridge.calendly.spi.Choice;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the current settings would do with one stored booking (one invitee), computed without
 * changing anything.
 *
 * @param bookingStatus  ACTIVE, CANCELED or RESCHEDULED, as the plugin recorded it
 * @param mappingId      the event-type mapping that applies, or null when the defaults do
 * @param contactAction  {@code create}, {@code update}, or {@code none} (contacts off and no match)
 * @param contactStatus  the status the contact would end with, or null when it is left alone
 * @param owner          who would own contact and task, or null
 * @param ownerSource    {@code mapping}, {@code calendly_host}, {@code default} or {@code none}
 * @param lists          lists the invitee would be subscribed to
 * @param tags           tags the contact would carry (booking, reschedule, cancel and no-show tags)
 * @param task           the task, or null when none would be created
 * @param problems       settings that name lists, tags, statuses or members that no longer exist
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DryRunItem(
        String inviteeUri,
        String email,
        String name,
        String eventName,
        String eventTypeUri,
        Instant startTime,
        String bookingStatus,
        boolean noShow,
        UUID mappingId,
        String contactAction,
        String contactStatus,
        Choice owner,
        String ownerSource,
        List<Choice> lists,
        List<Choice> tags,
        TaskPreview task,
        List<String> problems) {

    /**
     * @param state    OPEN, DONE or CANCELED: where the task would end given the booking's state
     * @param dueLocal the due time in the tenant's time zone, as titles show it
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TaskPreview(String title, String description, Instant dueAt, String dueLocal, String state) {
    }
}
