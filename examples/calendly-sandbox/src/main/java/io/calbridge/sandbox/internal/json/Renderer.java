package io.calbridge.sandbox.internal.json;

import static io.calbridge.sandbox.internal.state.Times.micros;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.LocationKind;
import io.calbridge.sandbox.internal.state.Model.Cancellation;
import io.calbridge.sandbox.internal.state.Model.EventType;
import io.calbridge.sandbox.internal.state.Model.Guest;
import io.calbridge.sandbox.internal.state.Model.Invitee;
import io.calbridge.sandbox.internal.state.Model.NoShow;
import io.calbridge.sandbox.internal.state.Model.Org;
import io.calbridge.sandbox.internal.state.Model.Question;
import io.calbridge.sandbox.internal.state.Model.RoutingForm;
import io.calbridge.sandbox.internal.state.Model.RoutingQuestion;
import io.calbridge.sandbox.internal.state.Model.RoutingSubmission;
import io.calbridge.sandbox.internal.state.Model.ScheduledEvent;
import io.calbridge.sandbox.internal.state.Model.SchedulingLink;
import io.calbridge.sandbox.internal.state.Model.Subscription;
import io.calbridge.sandbox.internal.state.Model.Tracking;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Uris;
import java.time.Instant;

/**
 * Turns entities into Calendly's resource and payload shapes. Objects are built in Calendly's order
 * for the parts that are not alphabetical; {@link CalendlyJson} sorts the rest. Call with the store
 * lock held.
 */
public record Renderer(Store store, Uris uris) {
    public ObjectNode user(User u) {
        return userInMembership(u).put("current_organization", uris.organization(u.orgUuid))
                .put("resource_type", "User");
    }

    /** The user as a membership embeds it: the user resource without its organization and type. */
    private ObjectNode userInMembership(User u) {
        ObjectNode o = resource(uris.user(u.uuid));
        o.put("name", u.name);
        o.put("slug", u.slug);
        o.put("email", u.email);
        o.put("scheduling_url", uris.schedulingUrl(u.slug));
        o.put("timezone", u.timezone);
        o.put("time_notation", u.timeNotation);
        o.putNull("avatar_url");
        o.put("locale", u.locale);
        timestamps(o, u.createdAt, u.updatedAt);
        return o;
    }

    public ObjectNode organization(Org org) {
        ObjectNode o = resource(uris.organization(org.uuid));
        o.put("name", org.name);
        o.put("plan", org.plan.apiName());
        o.put("stage", org.plan.paid() ? "paid" : "free");
        timestamps(o, org.createdAt, org.updatedAt);
        return o;
    }

    public ObjectNode membership(User u) {
        ObjectNode o = resource(uris.membership(u.membershipUuid));
        o.put("role", u.role.apiName());
        o.set("user", userInMembership(u));
        o.put("organization", uris.organization(u.orgUuid));
        timestamps(o, u.createdAt, u.updatedAt);
        return o;
    }

    /** The event type resource; webhook payloads use {@code null} answer choices for free-text questions. */
    public ObjectNode eventType(EventType et, boolean forWebhook) {
        User owner = store.user(et.ownerUuid);
        ObjectNode o = resource(uris.eventType(et.uuid));
        o.put("name", et.name);
        o.put("active", et.active);
        o.put("booking_method", "instant");
        o.put("slug", et.slug);
        o.put("scheduling_url", uris.schedulingUrl(owner.slug + "/" + et.slug));
        o.put("duration", et.duration.toMinutes());
        o.set("duration_options", CalendlyJson.array().add(et.duration.toMinutes()));
        o.put("kind", et.kind.apiName());
        o.put("is_paid", false);
        o.putNull("pooling_type");
        o.put("type", "StandardEventType");
        o.put("color", et.color);
        timestamps(o, et.createdAt, et.updatedAt);
        o.put("internal_note", et.internalNote);
        o.put("description_plain", et.description);
        o.put("description_html", et.description == null ? null : "<p>" + escapeHtml(et.description) + "</p>");
        ObjectNode profile = CalendlyJson.object();
        profile.put("type", "User");
        profile.put("name", owner.name);
        profile.put("owner", uris.user(owner.uuid));
        o.set("profile", profile);
        o.put("secret", false);
        o.put("deleted_at", micros(et.deletedAt));
        o.put("admin_managed", false);
        o.set("locations", CalendlyJson.array().add(eventTypeLocation(et)));
        o.put("position", et.position);
        ArrayNode qs = CalendlyJson.array();
        for (Question q : et.questions) {
            ObjectNode qo = CalendlyJson.object();
            qo.put("name", q.name());
            qo.put("type", q.type());
            qo.put("position", q.position());
            qo.put("enabled", true);
            qo.put("required", q.required());
            if (q.answerChoices() != null && !q.answerChoices().isEmpty()) {
                ArrayNode choices = qo.putArray("answer_choices");
                q.answerChoices().forEach(choices::add);
            } else if (forWebhook) {
                qo.putNull("answer_choices");
            } else {
                qo.putArray("answer_choices");
            }
            qo.put("include_other", false);
            qs.add(qo);
        }
        o.set("custom_questions", qs);
        o.put("locale", "en");
        return o;
    }

    private ObjectNode eventTypeLocation(EventType et) {
        ObjectNode l = CalendlyJson.object();
        l.put("kind", et.location.eventTypeKind());
        switch (et.location) {
            case CUSTOM -> l.put("location", et.locationText);
            case PHYSICAL -> {
                l.put("location", et.locationText);
                l.put("additional_info", et.locationAdditionalInfo);
            }
            case INBOUND_CALL -> {
                l.put("phone_number", et.locationText);
                l.put("additional_info", et.locationAdditionalInfo);
            }
            default -> {
            }
        }
        return l;
    }

    /** {@code scheduled_event} inside webhook payloads. */
    public ObjectNode eventForWebhook(ScheduledEvent ev) {
        return event(ev, true);
    }

    /** The scheduled event resource of {@code GET /scheduled_events}. */
    public ObjectNode eventForApi(ScheduledEvent ev) {
        return event(ev, false);
    }

    private ObjectNode event(ScheduledEvent ev, boolean webhook) {
        ObjectNode o = resource(uris.event(ev.uuid));
        o.put("name", ev.name);
        o.put("meeting_notes_plain", ev.meetingNotesPlain);
        o.put("meeting_notes_html", ev.meetingNotesHtml);
        o.put("status", ev.status);
        o.put("start_time", micros(ev.start));
        o.put("end_time", micros(ev.end));
        o.put("event_type", uris.eventType(ev.eventTypeUuid));
        o.set("location", location(ev));
        ObjectNode counter = CalendlyJson.object();
        counter.put("total", store.inviteesOf(ev.uuid).size());
        counter.put("active", store.activeInvitees(ev.uuid));
        counter.put("limit", ev.limit);
        o.set("invitees_counter", counter);
        timestamps(o, ev.createdAt, ev.updatedAt);
        ArrayNode members = CalendlyJson.array();
        for (String hostUuid : ev.hostUuids) {
            User h = store.user(hostUuid);
            ObjectNode m = CalendlyJson.object();
            m.put("user", uris.user(h.uuid));
            m.put("user_email", h.email);
            m.put("user_name", h.name);
            if (!webhook) {
                m.put("buffered_start_time", micros(ev.start));
                m.put("buffered_end_time", micros(ev.end));
            }
            members.add(m);
        }
        o.set("event_memberships", members);
        ArrayNode guests = CalendlyJson.array();
        for (Guest g : ev.guests) {
            ObjectNode go = CalendlyJson.object();
            go.put("email", g.email);
            timestamps(go, g.createdAt, g.updatedAt);
            guests.add(go);
        }
        o.set("event_guests", guests);
        if (ev.cancellation != null) {
            o.set("cancellation", cancellation(ev.cancellation));
        }
        if (!webhook) {
            ObjectNode cal = CalendlyJson.object();
            cal.put("kind", "google");
            cal.put("external_id", ev.calendarExternalId);
            o.set("calendar_event", cal);
        }
        return o;
    }

    private ObjectNode location(ScheduledEvent ev) {
        EventType et = store.eventTypes.get(ev.eventTypeUuid);
        LocationKind kind = et.location;
        ObjectNode l = CalendlyJson.object();
        switch (kind) {
            case CUSTOM, INBOUND_CALL, OUTBOUND_CALL, ASK_INVITEE -> {
                l.put("location", ev.locationText);
                l.put("type", kind.eventLocationType());
            }
            case PHYSICAL -> {
                l.put("additional_info", et.locationAdditionalInfo);
                l.put("location", ev.locationText);
                l.put("type", kind.eventLocationType());
            }
            case ZOOM -> {
                ObjectNode data = CalendlyJson.object();
                data.put("id", ev.conferenceId);
                ObjectNode settings = data.putObject("settings");
                ArrayNode numbers = settings.putArray("global_dial_in_numbers");
                numbers.addObject().put("country_name", "US").put("number", "+1 305 224 1968")
                        .put("type", "toll").put("country", "US");
                numbers.addObject().put("country_name", "US").put("city", "New York").put("number", "+1 646 558 8656")
                        .put("type", "toll").put("country", "US");
                data.putObject("extra").putNull("intl_numbers_url");
                data.put("password", String.format("%06d", ev.conferenceId % 1_000_000));
                l.set("data", data);
                l.put("join_url", "https://us02web.zoom.us/j/" + ev.conferenceId + "?pwd=SANDBOX" + ev.conferenceId + ".1");
                l.put("status", ev.conferenceStatus);
                l.put("type", kind.eventLocationType());
            }
            case GOOGLE_MEET -> {
                l.put("join_url", uris.googleMeet(ev.uuid));
                l.put("status", ev.conferenceStatus);
                l.put("type", kind.eventLocationType());
            }
            case MICROSOFT_TEAMS -> {
                ObjectNode data = CalendlyJson.object();
                ObjectNode audio = data.putObject("audioConferencing");
                audio.put("conferenceId", String.valueOf(ev.conferenceId));
                audio.put("dialinUrl", "https://dialin.teams.microsoft.com/" + ev.conferenceId);
                audio.put("tollNumber", "+1 323-849-4874");
                l.set("data", data);
                l.put("join_url", "https://teams.microsoft.com/l/meetup-join/" + ev.conferenceId);
                l.put("status", ev.conferenceStatus);
                l.put("type", kind.eventLocationType());
            }
            default -> throw new IllegalStateException("unhandled location " + kind);
        }
        return l;
    }

    public ObjectNode cancellation(Cancellation c) {
        ObjectNode o = CalendlyJson.object();
        o.put("canceled_by", c.canceledBy());
        o.put("reason", c.reason());
        o.put("canceler_type", c.cancelerType().apiName());
        o.put("created_at", micros(c.createdAt()));
        return o;
    }

    /** {@code tracking}: all six keys in Calendly's order, which is the record's. */
    public static ObjectNode tracking(Tracking t) {
        return CalendlyJson.snakeCase(t);
    }

    /** The invitee payload of {@code invitee.*} and {@code invitee_no_show.*} webhooks. */
    public ObjectNode inviteeForWebhook(Invitee inv) {
        ObjectNode o = invitee(inv);
        o.set("scheduled_event", eventForWebhook(store.events.get(inv.eventUuid)));
        return o;
    }

    /** The invitee resource of {@code GET /scheduled_events/{uuid}/invitees}. */
    public ObjectNode invitee(Invitee inv) {
        ObjectNode o = resource(uris.invitee(inv.eventUuid, inv.uuid));
        o.put("email", inv.email);
        o.put("first_name", inv.firstName);
        o.put("last_name", inv.lastName);
        o.put("name", inv.name);
        o.put("status", inv.status);
        ArrayNode qas = o.putArray("questions_and_answers");
        inv.answers.forEach(qa -> qas.add(CalendlyJson.snakeCase(qa)));
        o.put("timezone", inv.timezone);
        o.put("event", uris.event(inv.eventUuid));
        timestamps(o, inv.createdAt, inv.updatedAt);
        o.set("tracking", tracking(inv.tracking));
        o.put("text_reminder_number", inv.textReminderNumber);
        o.put("rescheduled", inv.rescheduled);
        o.put("old_invitee", inviteeUri(inv.oldInviteeUuid));
        o.put("new_invitee", inviteeUri(inv.newInviteeUuid));
        o.put("cancel_url", uris.cancelUrl(inv.uuid));
        o.put("reschedule_url", uris.rescheduleUrl(inv.uuid));
        o.put("routing_form_submission",
                inv.routingSubmissionUuid == null ? null : uris.routingSubmission(inv.routingSubmissionUuid));
        if (inv.cancellation != null) {
            o.set("cancellation", cancellation(inv.cancellation));
        }
        o.set("payment", inv.payment == null ? null : CalendlyJson.snakeCase(inv.payment));
        NoShow ns = inv.noShowUuid == null ? null : store.noShows.get(inv.noShowUuid);
        if (ns == null) {
            o.putNull("no_show");
        } else {
            ObjectNode n = o.putObject("no_show");
            n.put("uri", uris.noShow(ns.uuid()));
            n.put("created_at", micros(ns.createdAt()));
        }
        if (inv.reconfirmationCreatedAt == null) {
            o.putNull("reconfirmation");
        } else {
            ObjectNode r = o.putObject("reconfirmation");
            r.put("created_at", micros(inv.reconfirmationCreatedAt));
            r.put("confirmed_at", micros(inv.reconfirmationConfirmedAt));
        }
        o.put("scheduling_method", inv.schedulingMethod);
        o.put("invitee_scheduled_by", inv.scheduledByUserUuid == null ? null : uris.user(inv.scheduledByUserUuid));
        return o;
    }

    public String inviteeUri(String inviteeUuid) {
        if (inviteeUuid == null) {
            return null;
        }
        Invitee other = store.invitees.get(inviteeUuid);
        return other == null ? null : uris.invitee(other.eventUuid, other.uuid);
    }

    public ObjectNode noShow(NoShow ns) {
        ObjectNode o = resource(uris.noShow(ns.uuid()));
        o.put("invitee", inviteeUri(ns.inviteeUuid()));
        o.put("created_at", micros(ns.createdAt()));
        return o;
    }

    public ObjectNode schedulingLink(SchedulingLink link) {
        EventType et = store.eventTypes.get(link.eventTypeUuid);
        ObjectNode o = CalendlyJson.object();
        o.put("booking_url", uris.bookingUrl(link.code, et.slug));
        o.put("owner", uris.eventType(et.uuid));
        o.put("owner_type", "EventType");
        return o;
    }

    public ObjectNode subscription(Subscription s) {
        ObjectNode o = resource(uris.subscription(s.uuid));
        o.put("callback_url", s.callbackUrl);
        timestamps(o, s.createdAt, s.updatedAt);
        o.put("retry_started_at", micros(s.retryStartedAt));
        o.put("state", s.state);
        ArrayNode events = o.putArray("events");
        s.events.forEach(events::add);
        o.put("scope", s.scope);
        o.put("organization", uris.organization(s.orgUuid));
        o.put("user", s.userUuid == null ? null : uris.user(s.userUuid));
        o.putNull("group");
        o.put("creator", uris.user(s.creatorUuid));
        return o;
    }

    public ObjectNode routingForm(RoutingForm f) {
        ObjectNode o = resource(uris.routingForm(f.uuid));
        o.put("organization", uris.organization(f.orgUuid));
        o.put("name", f.name);
        o.put("status", "published");
        ArrayNode qs = o.putArray("questions");
        for (RoutingQuestion q : f.questions) {
            ObjectNode qo = CalendlyJson.snakeCase(q).put("required", false);
            qo.putArray("answer_choices");
            qs.add(qo);
        }
        timestamps(o, f.createdAt, f.createdAt);
        return o;
    }

    public ObjectNode routingSubmission(RoutingSubmission s) {
        ObjectNode o = resource(uris.routingSubmission(s.uuid));
        o.put("routing_form", uris.routingForm(s.formUuid));
        ArrayNode qas = o.putArray("questions_and_answers");
        s.answers.forEach(a -> qas.add(CalendlyJson.snakeCase(a)));
        o.set("tracking", tracking(s.tracking));
        if (s.resultEventTypeUuid == null) {
            o.putNull("result");
        } else {
            ObjectNode r = o.putObject("result");
            r.put("type", "event_type");
            r.put("value", uris.eventType(s.resultEventTypeUuid));
        }
        o.put("submitter", inviteeUri(s.submitterInviteeUuid));
        o.put("submitter_type", s.submitterInviteeUuid == null ? null : "Invitee");
        timestamps(o, s.createdAt, s.updatedAt);
        return o;
    }

    /** A Calendly resource: the object its {@code uri} identifies, the first key. */
    private static ObjectNode resource(String uri) {
        return CalendlyJson.object().put("uri", uri);
    }

    /** {@code created_at} and {@code updated_at}, which nearly every Calendly object has. */
    private static void timestamps(ObjectNode o, Instant createdAt, Instant updatedAt) {
        o.put("created_at", micros(createdAt));
        o.put("updated_at", micros(updatedAt));
    }

    public static String escapeHtml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
