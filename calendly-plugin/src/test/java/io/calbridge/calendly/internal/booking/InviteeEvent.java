package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.fixtures.CalendlyFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Builds invitee deliveries in Calendly's real shape, starting from a recorded fixture and changing
 * only what a scenario needs (who, when, which event, reschedule links, cancellation, no-show).
 */
final class InviteeEvent {
    static final String API = "https://api.calendly.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode root;

    private InviteeEvent(ObjectNode root) {
        this.root = root;
    }

    static InviteeEvent basedOn(String fixture) {
        try {
            return new InviteeEvent((ObjectNode) JSON.readTree(CalendlyFixtures.webhook(fixture)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh booking: {@code invitee.created.basic.json} moved to a new event and invitee. */
    static InviteeEvent booking(String eventId, String inviteeId, String email, Instant start) {
        return basedOn("invitee.created.basic.json").invitee(eventId, inviteeId).email(email).start(start)
                .updatedAt(start.minusSeconds(86_400));
    }

    static String inviteeUri(String eventId, String inviteeId) {
        return API + "/scheduled_events/" + eventId + "/invitees/" + inviteeId;
    }

    InviteeEvent copy() {
        return new InviteeEvent(root.deepCopy());
    }

    private ObjectNode payload() {
        return (ObjectNode) root.get("payload");
    }

    private ObjectNode scheduledEvent() {
        return (ObjectNode) payload().get("scheduled_event");
    }

    InviteeEvent event(String name) {
        root.put("event", name);
        return this;
    }

    InviteeEvent invitee(String eventId, String inviteeId) {
        String eventUri = API + "/scheduled_events/" + eventId;
        payload().put("uri", inviteeUri(eventId, inviteeId));
        payload().put("event", eventUri);
        payload().put("cancel_url", "https://calendly.com/cancellations/" + inviteeId);
        payload().put("reschedule_url", "https://calendly.com/reschedulings/" + inviteeId);
        scheduledEvent().put("uri", eventUri);
        return this;
    }

    String uri() {
        return payload().get("uri").asText();
    }

    InviteeEvent email(String email) {
        payload().put("email", email);
        return this;
    }

    InviteeEvent name(String first, String last) {
        payload().put("first_name", first);
        payload().put("last_name", last);
        payload().put("name", first + " " + last);
        return this;
    }

    InviteeEvent start(Instant start) {
        scheduledEvent().put("start_time", start.toString());
        scheduledEvent().put("end_time", start.plusSeconds(45 * 60).toString());
        return this;
    }

    InviteeEvent eventType(String uri, String name) {
        scheduledEvent().put("event_type", uri);
        scheduledEvent().put("name", name);
        return this;
    }

    InviteeEvent host(String email, String name) {
        var m = (ObjectNode) scheduledEvent().withArray("event_memberships").get(0);
        m.put("user_email", email);
        m.put("user_name", name);
        m.put("user", API + "/users/" + name.replace(' ', '-'));
        return this;
    }

    InviteeEvent updatedAt(Instant at) {
        payload().put("updated_at", at.toString());
        payload().put("created_at", at.toString());
        root.put("created_at", at.toString());
        return this;
    }

    InviteeEvent oldInvitee(String uri) {
        payload().put("old_invitee", uri);
        return this;
    }

    /** The cancel half of a reschedule to {@code newUri}. */
    InviteeEvent rescheduledTo(String newUri, Instant at) {
        canceled("Invitee", "invitee", "Works better for me", at);
        payload().put("rescheduled", true);
        payload().put("new_invitee", newUri);
        return this;
    }

    InviteeEvent canceled(String by, String type, String reason, Instant at) {
        root.put("event", "invitee.canceled");
        root.put("created_at", at.toString());
        payload().put("status", "canceled");
        payload().put("updated_at", at.toString());
        ObjectNode c = payload().putObject("cancellation");
        c.put("canceled_by", by);
        c.put("canceler_type", type);
        c.put("created_at", at.toString());
        c.put("reason", reason);
        scheduledEvent().put("status", "canceled");
        return this;
    }

    InviteeEvent noShow(String noShowId, Instant at) {
        root.put("event", "invitee_no_show.created");
        root.put("created_at", at.toString());
        payload().put("updated_at", at.toString());
        ObjectNode n = payload().putObject("no_show");
        n.put("uri", API + "/invitee_no_shows/" + noShowId);
        n.put("created_at", at.toString());
        return this;
    }

    InviteeEvent noShowDeleted(Instant at) {
        root.put("event", "invitee_no_show.deleted");
        root.put("created_at", at.toString());
        payload().put("updated_at", at.toString());
        payload().putNull("no_show");
        return this;
    }

    /** The {@code invitee.created} this (canceled) delivery's invitee once had. */
    InviteeEvent asCreated() {
        root.put("event", "invitee.created");
        payload().put("status", "active");
        payload().put("rescheduled", false);
        payload().putNull("new_invitee");
        payload().remove("cancellation");
        scheduledEvent().remove("cancellation");
        scheduledEvent().put("status", "active");
        String created = payload().get("created_at").asText();
        payload().put("updated_at", created);
        root.put("created_at", created);
        return this;
    }

    byte[] bytes() {
        return root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
