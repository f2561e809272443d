package io.calbridge.calendly;

import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostSecurity.Caller;

/**
 * Acting on Calendly from the CRM: a contact's meetings, cancel, no-show, single-use scheduling
 * links. Get it from the Javalin app: {@code app.unsafe.appDataManager.get(CalendlyPlugin.ACTIONS)},
 * or {@code ctx.appData(CalendlyPlugin.ACTIONS)} in a handler. The settings API offers the same
 * operations over HTTP (docs/settings-api.md, "Actions").
 *
 * <p>Every method first asks {@link HostSecurity#mayAct} (refused: {@link CalendlyActionException}
 * 403 {@code forbidden}) and looks everything up within {@link Caller#tenantId()} (another tenant's
 * id is 404 {@code not_found}, as a missing one). Each is safe to call again after a lost reply and
 * does nothing twice: a cancel or no-show that Calendly already shows counts as done
 * ({@link ActionResult#alreadyDone()}), and a scheduling link is created once per idempotency key.
 *
 * <p>A cancellation or no-show changes the plugin's booking, the contact and its task only when
 * Calendly's webhook for it arrives, through the same path as a change made in Calendly: one writer,
 * so nothing is applied twice.
 *
 * <p>Errors are {@link CalendlyActionException}s with an HTTP status and a stable code; an
 * integration connected before these actions' scopes were requested gives 409
 * {@code reconnect_required} naming the missing scope.
 */
public interface CalendlyActions {

    /**
     * A contact's Calendly meetings, from the plugin's bookings; with {@code refresh}, each one's
     * status and no-show flag are read again from Calendly first (the stored booking changes when
     * Calendly's webhook arrives; {@link Meeting#awaitingWebhook()} tells the difference).
     *
     * @param caller    who asks ({@link HostSecurity.Action#VIEW_MEETINGS})
     * @param contactId the host's contact id
     * @param refresh   read status and no-show from Calendly now
     * @return upcoming meetings (soonest first) and past ones (latest first)
     */
    Meetings meetings(Caller caller, String contactId, boolean refresh);

    /**
     * Cancels the meeting at Calendly, as the connected Calendly user. The invitee sees
     * {@code reason}. Calendly cancels whole events, so a group event that has other active
     * invitees is refused (409 {@code group_meeting}).
     *
     * @param caller    who asks ({@link HostSecurity.Action#CANCEL_MEETING})
     * @param meetingId {@link Meeting#id()}
     * @param reason    shown to the invitee; may be null; at most 10,000 characters
     * @return done, or already done (Calendly had it canceled)
     * @throws CalendlyActionException 409 {@code meeting_in_past}, {@code meeting_rescheduled}, {@code group_meeting},
     *                                 {@code calendly_not_allowed}, {@code reconnect_required}...
     */
    ActionResult cancelMeeting(Caller caller, String meetingId, String reason);

    /**
     * Marks the meeting's invitee as a no-show at Calendly.
     *
     * @param caller    who asks ({@link HostSecurity.Action#MARK_NO_SHOW})
     * @param meetingId {@link Meeting#id()}
     * @return done, or already done
     */
    ActionResult markNoShow(Caller caller, String meetingId);

    /**
     * Takes a no-show back at Calendly.
     *
     * @param caller    who asks ({@link HostSecurity.Action#MARK_NO_SHOW})
     * @param meetingId {@link Meeting#id()}
     * @return done, or already done (the invitee was not a no-show at Calendly)
     */
    ActionResult unmarkNoShow(Caller caller, String meetingId);

    /**
     * A single-use scheduling link for a contact and an event type. The booking made through it
     * attaches to {@code request.contactId()} whatever e-mail the invitee types (docs/booking.md,
     * "Scheduling links"). The same idempotency key returns the same link.
     *
     * @param caller  who asks ({@link HostSecurity.Action#SEND_SCHEDULING_LINK})
     * @param request contact, event type, idempotency key, optional prefill
     * @return the link to send
     */
    SchedulingLink createSchedulingLink(Caller caller, SchedulingLinkRequest request);
}
