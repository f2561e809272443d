package io.calbridge.calendly;

/**
 * What a cancel or no-show action did.
 *
 * @param meetingId   the meeting acted on
 * @param action      {@code cancel}, {@code mark_no_show} or {@code unmark_no_show}
 * @param alreadyDone Calendly already showed this state (an earlier call, perhaps one whose reply
 *                    was lost, or someone in Calendly); nothing was changed now
 */
public record ActionResult(String meetingId, String action, boolean alreadyDone) {
}
