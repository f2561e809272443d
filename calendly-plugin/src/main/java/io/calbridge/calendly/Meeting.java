package io.calbridge.calendly;

import java.time.Instant;

/**
 * One Calendly meeting of a contact: one invitee's booking, as the plugin stores it.
 *
 * @param id              the plugin's booking id; what the cancel and no-show actions take
 * @param integrationId   the Calendly integration it came through
 * @param contactId       the host's contact id
 * @param taskId          the host's task for it, or null
 * @param eventName       the event type's name
 * @param startTime       start, or null when unknown
 * @param endTime         end, or null when unknown
 * @param status          {@code ACTIVE}, {@code CANCELED} or {@code RESCHEDULED} (moved: see the
 *                        chain's newer meeting)
 * @param noShow          the invitee is marked as a no-show
 * @param awaitingWebhook Calendly (read on refresh) already shows another status or no-show flag;
 *                        its webhook has not been applied yet. {@code status} and {@code noShow}
 *                        are then Calendly's.
 */
public record Meeting(
        String id,
        String integrationId,
        String contactId,
        String taskId,
        String eventName,
        Instant startTime,
        Instant endTime,
        String status,
        boolean noShow,
        boolean awaitingWebhook) {
}
