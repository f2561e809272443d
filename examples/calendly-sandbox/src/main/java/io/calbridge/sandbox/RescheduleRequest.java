package io.calbridge.sandbox;

import java.time.Instant;
import java.util.Objects;

/**
 * Moving an invitee to a new time: the old invitee is canceled ({@code rescheduled: true},
 * {@code new_invitee}), a new invitee on a new scheduled event carries {@code old_invitee}.
 */
public final class RescheduleRequest {
    private final String inviteeUri;
    private final Instant newStart;
    private RescheduleOrder order;
    private String reason;
    private boolean reasonSet;
    private String newHostUri;
    private boolean byHostCalendar;

    private RescheduleRequest(String inviteeUri, Instant newStart) {
        this.inviteeUri = Objects.requireNonNull(inviteeUri, "invitee");
        this.newStart = Objects.requireNonNull(newStart, "new start");
    }

    public static RescheduleRequest of(String inviteeUri, Instant newStart) {
        return new RescheduleRequest(inviteeUri, newStart);
    }

    /** Delivery order of this pair; default is the sandbox's ({@link RescheduleOrder#CANCEL_FIRST}). */
    public RescheduleRequest order(RescheduleOrder order) {
        this.order = order;
        return this;
    }

    /** The reason typed when rescheduling ({@code cancellation.reason}); may be "" or null. */
    public RescheduleRequest reason(String reason) {
        this.reason = reason;
        this.reasonSet = true;
        return this;
    }

    /** A different host for the new event (round robin). */
    public RescheduleRequest newHost(SandboxUser host) {
        return newHost(host.uri());
    }

    public RescheduleRequest newHost(String hostUri) {
        this.newHostUri = hostUri;
        return this;
    }

    /**
     * The host moved the meeting in their connected calendar: cancel by the host with reason
     * "Rescheduled from connected calendar event", the new invitee scheduled by the host with
     * {@code scheduling_method: instant_book}.
     */
    public RescheduleRequest byHostCalendar(boolean byHost) {
        this.byHostCalendar = byHost;
        return this;
    }

    /** The request as the sandbox applies it: an immutable copy, unaffected by later setter calls. */
    public Snapshot snapshot() {
        return new Snapshot(inviteeUri, newStart, order, reason, reasonSet, newHostUri, byHostCalendar);
    }

    /**
     * The values of a {@link RescheduleRequest} at one moment; {@code reasonSet} tells an explicit null
     * reason from none given.
     */
    public record Snapshot(String inviteeUri, Instant newStart, RescheduleOrder order, String reason,
                           boolean reasonSet, String newHostUri, boolean byHostCalendar) {
    }
}
