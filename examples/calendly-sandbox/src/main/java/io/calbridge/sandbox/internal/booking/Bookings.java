package io.calbridge.sandbox.internal.booking;

import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.Canceler;
import io.calbridge.sandbox.LocationKind;
import io.calbridge.sandbox.RescheduleOrder;
import io.calbridge.sandbox.RescheduleRequest;
import io.calbridge.sandbox.SeedRequest;
import io.calbridge.sandbox.internal.http.FaultState;
import io.calbridge.sandbox.internal.json.Renderer;
import io.calbridge.sandbox.internal.state.Ids;
import io.calbridge.sandbox.internal.state.Model.Cancellation;
import io.calbridge.sandbox.internal.state.Model.DataDeletion;
import io.calbridge.sandbox.internal.state.Model.EventType;
import io.calbridge.sandbox.internal.state.Model.Guest;
import io.calbridge.sandbox.internal.state.Model.Invitee;
import io.calbridge.sandbox.internal.state.Model.NoShow;
import io.calbridge.sandbox.internal.state.Model.Payment;
import io.calbridge.sandbox.internal.state.Model.Qa;
import io.calbridge.sandbox.internal.state.Model.Question;
import io.calbridge.sandbox.internal.state.Model.RoutingAnswer;
import io.calbridge.sandbox.internal.state.Model.RoutingForm;
import io.calbridge.sandbox.internal.state.Model.RoutingQuestion;
import io.calbridge.sandbox.internal.state.Model.RoutingSubmission;
import io.calbridge.sandbox.internal.state.Model.ScheduledEvent;
import io.calbridge.sandbox.internal.state.Model.SchedulingLink;
import io.calbridge.sandbox.internal.state.Model.Tracking;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.SandboxClock;
import io.calbridge.sandbox.internal.state.Settings;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Times;
import io.calbridge.sandbox.internal.state.Uris;
import io.calbridge.sandbox.internal.webhook.WebhookDispatcher;
import io.calbridge.sandbox.internal.webhook.WebhookDispatcher.Message;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * What invitees and hosts do: book, cancel, reschedule, no-shows, routing form submissions. Each
 * action changes the state and emits the webhooks Calendly would, built from the state right after
 * the change.
 */
public record Bookings(Store store, SandboxClock clock, Settings settings, Renderer renderer,
                       WebhookDispatcher dispatcher, FaultState faults, Directory directory) {

    public Invitee book(BookingRequest.Snapshot r) {
        validate(r);
        List<Message> out = new ArrayList<>();
        Invitee inv;
        synchronized (store) {
            inv = createBooking(r, out);
        }
        dispatcher.send(out);
        return inv;
    }

    /**
     * Books under the store lock; adds the {@code invitee.created} messages to {@code out}, or emits
     * nothing when {@code out} is null (seeded data).
     */
    private Invitee createBooking(BookingRequest.Snapshot r, List<Message> out) {
        EventType et = directory.eventType(r.eventTypeUri());
        if (!et.active) {
            throw new IllegalStateException("event type " + et.name + " is not active");
        }
        String hostUuid = r.hostUri() == null ? et.ownerUuid : directory.user(r.hostUri()).uuid;
        Instant now = now();
        ScheduledEvent ev = place(et, r.start(), hostUuid, now, r.textReminderNumber());
        for (String g : r.guests()) {
            ev.guests.add(new Guest(g, now, now));
        }
        Invitee inv = new Invitee(Ids.uuid(), ev.uuid, now);
        inv.name = r.name();
        if (!r.singleNameField()) {
            if (r.firstName() != null || r.lastName() != null) {
                inv.firstName = r.firstName();
                inv.lastName = r.lastName();
            } else {
                int sp = r.name().trim().indexOf(' ');
                inv.firstName = sp < 0 ? r.name().trim() : r.name().trim().substring(0, sp);
                inv.lastName = sp < 0 ? null : r.name().trim().substring(sp + 1);
            }
        }
        inv.email = r.email();
        inv.timezone = r.timezone();
        inv.answers = answers(et, r.answers());
        inv.tracking = new Tracking(r.utmCampaign(), r.utmSource(), r.utmMedium(), r.utmContent(), r.utmTerm(),
                r.salesforceUuid());
        inv.textReminderNumber = r.textReminderNumber();
        if (r.scheduledByHost()) {
            inv.scheduledByUserUuid = hostUuid;
            inv.schedulingMethod = "instant_book";
        }
        if (r.routingFormSubmissionUri() != null) {
            String sid = Uris.idIn(r.routingFormSubmissionUri(), "routing_form_submissions")
                    .orElseThrow(() -> new IllegalArgumentException("not a routing form submission URI: "
                            + r.routingFormSubmissionUri()));
            RoutingSubmission sub = store.routingSubmissions.get(sid);
            if (sub == null) {
                throw new NoSuchElementException("no routing form submission " + sid);
            }
            inv.routingSubmissionUuid = sid;
            sub.submitterInviteeUuid = inv.uuid;
            sub.resultEventTypeUuid = et.uuid;
            sub.updatedAt = now;
        }
        if (r.reconfirmationRequested()) {
            inv.reconfirmationCreatedAt = now;
            inv.reconfirmationConfirmedAt = r.reconfirmed() ? now : null;
        }
        if (r.paymentProvider() != null) {
            inv.payment = new Payment("ch_" + Ids.hex(12), r.paymentProvider(), r.paymentAmount(),
                    r.paymentCurrency(), "Sandbox payment terms", true);
        }
        store.addInvitee(inv);
        if (out != null) {
            out.addAll(inviteeWebhook("invitee.created", inv, now));
        }
        conferencePushed(ev);
        return inv;
    }

    private static void validate(BookingRequest.Snapshot r) {
        if (r.name().isBlank()) {
            throw new IllegalArgumentException("invitee name must not be empty");
        }
        if (!r.email().contains("@")) {
            throw new IllegalArgumentException("invitee email '" + r.email() + "' is not an e-mail address");
        }
        try {
            ZoneId.of(r.timezone());
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("timezone '" + r.timezone() + "' is not an IANA time zone");
        }
    }

    /** The scheduled event for a booking: a group event at that time with room left, else a new one. */
    private ScheduledEvent place(EventType et, Instant start, String hostUuid, Instant now, String phone) {
        Instant startAt = Times.micro(start);
        if (et.kind.isGroup()) {
            Optional<ScheduledEvent> open = store.eventsAt(et.uuid, startAt).stream()
                    .filter(e -> "active".equals(e.status) && e.hostUuids.contains(hostUuid)
                            && store.activeInvitees(e.uuid) < e.limit)
                    .findFirst();
            if (open.isPresent()) {
                open.get().updatedAt = now;
                return open.get();
            }
        }
        User host = store.user(hostUuid);
        ScheduledEvent ev = new ScheduledEvent(Ids.uuid(), et.uuid, host.orgUuid, now, Ids.hex(13));
        ev.name = et.name;
        ev.start = startAt;
        ev.end = startAt.plus(et.duration);
        ev.hostUuids.add(hostUuid);
        ev.limit = et.kind.limit();
        ev.conferenceId = 85_550_000_000L + Ids.nextInt(9_999_999);
        ev.conferenceStatus = et.location == LocationKind.GOOGLE_MEET ? "processing" : "pushed";
        ev.locationText = et.location == LocationKind.OUTBOUND_CALL ? phone : et.locationText;
        store.addEvent(ev);
        return ev;
    }

    /** Google Meet links show "processing" in the booking's webhook and "pushed" once created. */
    private static void conferencePushed(ScheduledEvent ev) {
        ev.conferenceStatus = "pushed";
    }

    private static List<Qa> answers(EventType et, Map<String, String> given) {
        List<Qa> out = new ArrayList<>();
        int next = et.questions.size();
        for (Map.Entry<String, String> a : given.entrySet()) {
            int pos = -1;
            for (Question q : et.questions) {
                if (q.name().equals(a.getKey())) {
                    pos = q.position();
                }
            }
            out.add(new Qa(a.getKey(), a.getValue(), pos >= 0 ? pos : (et.questions.isEmpty() ? out.size() : next++)));
        }
        out.sort((x, y) -> Integer.compare(x.position(), y.position()));
        return out;
    }

    public void cancel(String inviteeRef, Canceler canceler, String reason) {
        List<Message> out;
        synchronized (store) {
            Invitee inv = invitee(inviteeRef);
            requireActive(inv);
            Instant now = now();
            cancelInvitee(inv, canceler, reason, now);
            out = inviteeWebhook("invitee.canceled", inv, now);
        }
        dispatcher.send(out);
    }

    /** Cancels a whole scheduled event as its host: every active invitee gets {@code invitee.canceled}. */
    public void cancelEvent(String eventRef, String reason) {
        cancelEvent(eventRef, reason, null);
    }

    /**
     * Cancels a whole scheduled event on the host side; {@code cancelerUuid} is the user who did it
     * ({@code canceled_by} shows their name; null: the event's host).
     */
    public void cancelEvent(String eventRef, String reason, String cancelerUuid) {
        List<Message> out = new ArrayList<>();
        synchronized (store) {
            ScheduledEvent ev = event(eventRef);
            if (!"active".equals(ev.status)) {
                throw new IllegalStateException("event " + ev.uuid + " is already canceled");
            }
            String by = store.user(cancelerUuid != null ? cancelerUuid : ev.hostUuids.get(0)).name;
            out.addAll(cancelWholeEvent(ev, by, reason, now(), true));
        }
        dispatcher.send(out);
    }

    /** Cancels every active invitee and the event itself; returns their messages (none unless {@code notify}). */
    private List<Message> cancelWholeEvent(ScheduledEvent ev, String canceledBy, String reason, Instant now,
                                           boolean notify) {
        List<Invitee> active = store.inviteesOf(ev.uuid).stream().filter(i -> "active".equals(i.status)).toList();
        Cancellation c = new Cancellation(canceledBy, Canceler.HOST, reason, now);
        for (Invitee inv : active) {
            cancelInvitee(inv, c);
        }
        ev.status = "canceled";
        ev.cancellation = c;
        ev.updatedAt = now;
        List<Message> out = new ArrayList<>();
        if (notify) {
            for (Invitee inv : active) {
                out.addAll(inviteeWebhook("invitee.canceled", inv, now));
            }
        }
        return out;
    }

    private void cancelInvitee(Invitee inv, Canceler canceler, String reason, Instant now) {
        ScheduledEvent ev = store.events.get(inv.eventUuid);
        String by = canceler == Canceler.INVITEE ? inv.name : store.user(ev.hostUuids.get(0)).name;
        cancelInvitee(inv, new Cancellation(by, canceler, reason, now));
    }

    private void cancelInvitee(Invitee inv, Cancellation c) {
        ScheduledEvent ev = store.events.get(inv.eventUuid);
        Instant now = c.createdAt();
        inv.cancellation = c;
        inv.status = "canceled";
        inv.updatedAt = now;
        ev.updatedAt = now;
        if (store.activeInvitees(ev.uuid) == 0) {
            ev.status = "canceled";
            ev.cancellation = c;
        }
    }

    public Invitee reschedule(RescheduleRequest.Snapshot r) {
        List<Message> canceled;
        List<Message> created;
        Invitee nu;
        synchronized (store) {
            Invitee old = invitee(r.inviteeUri());
            requireActive(old);
            ScheduledEvent oldEv = store.events.get(old.eventUuid);
            EventType et = store.eventTypes.get(oldEv.eventTypeUuid);
            String hostUuid = r.newHostUri() != null ? directory.user(r.newHostUri()).uuid : oldEv.hostUuids.get(0);
            Instant now = now();
            ScheduledEvent ev = place(et, r.newStart(), hostUuid, now, old.textReminderNumber);
            for (Guest g : oldEv.guests) {
                ev.guests.add(new Guest(g.email(), g.createdAt(), now));
            }
            nu = new Invitee(Ids.uuid(), ev.uuid, now);
            nu.name = old.name;
            nu.firstName = old.firstName;
            nu.lastName = old.lastName;
            nu.email = old.email;
            nu.timezone = old.timezone;
            nu.answers = new ArrayList<>(old.answers);
            nu.tracking = old.tracking;
            nu.textReminderNumber = old.textReminderNumber;
            nu.oldInviteeUuid = old.uuid;
            nu.routingSubmissionUuid = old.routingSubmissionUuid;
            if (r.byHostCalendar()) {
                nu.scheduledByUserUuid = hostUuid;
                nu.schedulingMethod = "instant_book";
            }
            store.addInvitee(nu);
            old.newInviteeUuid = nu.uuid;
            old.rescheduled = true;
            String reason = r.reasonSet() ? r.reason()
                    : (r.byHostCalendar() ? "Rescheduled from connected calendar event" : null);
            cancelInvitee(old, r.byHostCalendar() ? Canceler.HOST : Canceler.INVITEE, reason, now);
            canceled = inviteeWebhook("invitee.canceled", old, now);
            created = inviteeWebhook("invitee.created", nu, now);
            conferencePushed(ev);
        }
        RescheduleOrder order = r.order() != null ? r.order() : settings.rescheduleOrder;
        if (FaultState.take(faults.reorderNextReschedules)) {
            order = order == RescheduleOrder.CANCEL_FIRST ? RescheduleOrder.CREATE_FIRST : RescheduleOrder.CANCEL_FIRST;
        }
        List<Message> all = new ArrayList<>();
        if (order == RescheduleOrder.CANCEL_FIRST) {
            all.addAll(canceled);
            all.addAll(created);
        } else {
            all.addAll(created);
            all.addAll(canceled);
        }
        dispatcher.send(all);
        return nu;
    }

    public NoShow markNoShow(String inviteeRef) {
        List<Message> out;
        NoShow ns;
        synchronized (store) {
            Invitee inv = invitee(inviteeRef);
            if (inv.noShowUuid != null) {
                throw new IllegalStateException("invitee " + inv.uuid + " is already marked as a no-show");
            }
            Instant now = now();
            ns = new NoShow(Ids.uuid(), inv.uuid, now);
            store.noShows.put(ns.uuid(), ns);
            inv.noShowUuid = ns.uuid();
            out = inviteeWebhook("invitee_no_show.created", inv, now);
        }
        dispatcher.send(out);
        return ns;
    }

    public void unmarkNoShow(String inviteeRef) {
        synchronized (store) {
            Invitee inv = invitee(inviteeRef);
            if (inv.noShowUuid == null) {
                throw new IllegalStateException("invitee " + inv.uuid + " is not marked as a no-show");
            }
            deleteNoShow(inv.noShowUuid);
        }
    }

    public void deleteNoShow(String noShowUuid) {
        List<Message> out;
        synchronized (store) {
            NoShow ns = store.noShows.remove(noShowUuid);
            if (ns == null) {
                throw new NoSuchElementException("no invitee no-show " + noShowUuid);
            }
            Invitee inv = store.invitees.get(ns.inviteeUuid());
            inv.noShowUuid = null;
            out = inviteeWebhook("invitee_no_show.deleted", inv, now());
        }
        dispatcher.send(out);
    }

    public RoutingSubmission submitRoutingForm(String formRef, Map<String, String> answers, Tracking tracking,
                                               BookingRequest booking) {
        RoutingSubmission sub;
        synchronized (store) {
            RoutingForm form = directory.routingForm(formRef);
            List<RoutingAnswer> list = new ArrayList<>();
            for (Map.Entry<String, String> a : answers.entrySet()) {
                RoutingQuestion q = form.questions().stream().filter(x -> x.name().equals(a.getKey())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("routing form '" + form.name()
                                + "' has no question '" + a.getKey() + "'"));
                list.add(new RoutingAnswer(q.uuid(), q.name(), a.getValue()));
            }
            sub = new RoutingSubmission(Ids.uuid(), form.uuid(), list, tracking == null ? Tracking.EMPTY : tracking,
                    now());
            store.routingSubmissions.put(sub.uuid, sub);
        }
        if (booking != null) {
            book(booking.routingFormSubmission(renderer.uris().of(Uris.Resource.ROUTING_SUBMISSIONS, sub.uuid))
                    .snapshot());
        }
        List<Message> out;
        synchronized (store) {
            RoutingForm form = store.routingForms.get(sub.formUuid);
            out = dispatcher.prepare("routing_form_submission.created",
                    new WebhookDispatcher.Audience(form.orgUuid(), new HashSet<>(), true),
                    renderer.routingSubmission(sub), sub.updatedAt);
        }
        dispatcher.send(out);
        return sub;
    }

    public void setMeetingNotes(String eventRef, String plain) {
        synchronized (store) {
            ScheduledEvent ev = event(eventRef);
            ev.meetingNotesPlain = plain;
            ev.meetingNotesHtml = plain == null ? null : "<p>" + Renderer.escapeHtml(plain) + "</p>";
            ev.updatedAt = now();
        }
    }

    private List<Message> inviteeWebhook(String event, Invitee inv, Instant at) {
        ScheduledEvent ev = store.events.get(inv.eventUuid);
        return dispatcher.prepare(event, new WebhookDispatcher.Audience(ev.orgUuid, new HashSet<>(ev.hostUuids), false),
                renderer.inviteeForWebhook(inv), at);
    }

    // ---- seeding ------------------------------------------------------------------------------

    /** What {@link #seed} made: events in start order and their invitees in booking order. */
    public record Seeded(List<ScheduledEvent> events, List<Invitee> invitees, int canceledEvents) {
    }

    /** Creates many events at once without emitting webhooks (see {@code SeedRequest}). */
    public Seeded seed(SeedRequest.Snapshot r) {
        List<ScheduledEvent> events = new ArrayList<>();
        List<Invitee> invitees = new ArrayList<>();
        int canceled = 0;
        synchronized (store) {
            List<EventType> types = r.eventTypeUris().stream().map(directory::eventType).toList();
            for (EventType et : types) {
                if (!et.active) {
                    throw new IllegalStateException("event type " + et.name + " is not active");
                }
            }
            Instant first = r.startingAt() != null ? r.startingAt()
                    : clock.instant().plus(java.time.Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            int n = 0;
            for (int i = 0; i < r.events(); i++) {
                EventType et = types.get(i % types.size());
                Instant start = first.plus(r.spacing().multipliedBy(i));
                int people = et.kind.isGroup() ? Math.min(r.groupInvitees(), et.kind.limit()) : 1;
                ScheduledEvent ev = null;
                for (int k = 0; k < people; k++) {
                    n++;
                    Invitee inv = createBooking(BookingRequest.of(et.uuid, "Seed Invitee " + n,
                            r.emailPrefix() + "-" + n + "@example.com", start).snapshot(), null);
                    ev = store.events.get(inv.eventUuid);
                    invitees.add(inv);
                }
                events.add(ev);
                if (r.canceledEvery() > 0 && (i + 1) % r.canceledEvery() == 0) {
                    cancelWholeEvent(ev, store.user(ev.hostUuids.get(0)).name, "Seeded cancellation", now(), false);
                    canceled++;
                }
            }
        }
        return new Seeded(events, invitees, canceled);
    }

    // ---- single-use scheduling links ----------------------------------------------------------

    public SchedulingLink createSchedulingLink(String eventTypeRef, String creatorUuid) {
        synchronized (store) {
            EventType et = directory.eventType(eventTypeRef);
            if (et.deletedAt != null || !et.active) {
                throw new IllegalStateException("event type " + et.name + " is not active");
            }
            String code;
            do {
                code = linkCode();
            } while (store.schedulingLinks.containsKey(code));
            SchedulingLink link = new SchedulingLink(code, et.uuid, creatorUuid == null ? et.ownerUuid : creatorUuid,
                    now(), null);
            store.schedulingLinks.put(code, link);
            return link;
        }
    }

    /** {@code abcd-brv8}: the shape of Calendly's {@code /d/...} codes. */
    private static String linkCode() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(alphabet.charAt(Ids.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    public SchedulingLink schedulingLink(String code) {
        synchronized (store) {
            SchedulingLink link = store.schedulingLinks.get(code);
            if (link == null) {
                throw new NoSuchElementException("no scheduling link '" + code + "' in this sandbox");
            }
            return link;
        }
    }

    /**
     * Books through a single-use link: once. The request's event type must be the link's.
     *
     * @throws IllegalStateException when the link was used already
     */
    public Invitee bookViaLink(String code, BookingRequest.Snapshot r) {
        validate(r);
        List<Message> out = new ArrayList<>();
        Invitee inv;
        synchronized (store) {
            SchedulingLink link = schedulingLink(code);
            if (link.usedByInviteeUuid() != null) {
                throw new IllegalStateException("this single-use scheduling link was used already");
            }
            if (!directory.eventType(r.eventTypeUri()).uuid.equals(link.eventTypeUuid())) {
                throw new IllegalArgumentException("the booking is not for the link's event type");
            }
            inv = createBooking(r, out);
            store.schedulingLinks.put(code, link.usedBy(inv.uuid));
        }
        dispatcher.send(out);
        return inv;
    }

    /**
     * The booking an invitee submits on a single-use link's page. {@code name}/{@code email} (typed
     * on the page) win over the URL's prefill ({@code name}, {@code first_name}, {@code last_name},
     * {@code email}); {@code guests} (comma-separated) and {@code a1}..{@code a10} (answers by
     * question position) prefill too; {@code utm_*} and {@code salesforce_uuid} become the
     * invitee's {@code tracking}, as on Calendly's booking pages.
     */
    public BookingRequest.Snapshot linkBooking(String code, Map<String, List<String>> query, String name,
                                               String email, Instant start, String timezone) {
        SchedulingLink link = schedulingLink(code);
        EventType et;
        synchronized (store) {
            et = store.eventTypes.get(link.eventTypeUuid());
        }
        String first = param(query, "first_name");
        String last = param(query, "last_name");
        String typedName = blankToNull(name);
        String fullName = typedName != null ? typedName : param(query, "name");
        if (fullName == null && (first != null || last != null)) {
            fullName = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        }
        String mail = blankToNull(email) != null ? email.trim() : param(query, "email");
        if (fullName == null) {
            throw new IllegalArgumentException("name is required (neither typed nor prefilled by the booking URL)");
        }
        if (mail == null) {
            throw new IllegalArgumentException("email is required (neither typed nor prefilled by the booking URL)");
        }
        BookingRequest r = BookingRequest.of(et.uuid, fullName, mail, start)
                .timezone(timezone == null || timezone.isBlank() ? "UTC" : timezone)
                .utmCampaign(param(query, "utm_campaign")).utmSource(param(query, "utm_source"))
                .utmMedium(param(query, "utm_medium")).utmContent(param(query, "utm_content"))
                .utmTerm(param(query, "utm_term")).salesforceUuid(param(query, "salesforce_uuid"));
        if (typedName == null && (first != null || last != null)) {
            r.firstLast(first, last);
        }
        String guests = param(query, "guests");
        if (guests != null) {
            for (String g : guests.split(",")) {
                if (!g.isBlank()) {
                    r.guest(g.trim());
                }
            }
        }
        for (Question q : et.questions) {
            String answer = param(query, "a" + (q.position() + 1));
            if (answer != null) {
                r.answer(q.name(), answer);
            }
        }
        return r.snapshot();
    }

    private static String param(Map<String, List<String>> query, String key) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : blankToNull(v.get(0));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    // ---- data compliance ----------------------------------------------------------------------

    /**
     * Deletes every invitee with one of {@code emails} (case-insensitive) from the organization's
     * events, with their no-shows and the matching guests; events left without invitees go too.
     * Emits no webhooks and records the request.
     */
    public DataDeletion deleteInviteeData(String orgUuid, String requesterUuid, List<String> emails) {
        synchronized (store) {
            Set<String> lower = new HashSet<>();
            emails.forEach(e -> lower.add(e.toLowerCase(java.util.Locale.ROOT)));
            List<Invitee> doomed = store.invitees.values().stream()
                    .filter(i -> lower.contains(i.email.toLowerCase(java.util.Locale.ROOT)))
                    .filter(i -> store.events.get(i.eventUuid).orgUuid.equals(orgUuid))
                    .toList();
            Set<String> touched = new HashSet<>();
            for (Invitee inv : doomed) {
                store.removeInvitee(inv);
                if (inv.noShowUuid != null) {
                    store.noShows.remove(inv.noShowUuid);
                }
                touched.add(inv.eventUuid);
            }
            for (ScheduledEvent ev : store.events.values()) {
                if (ev.orgUuid.equals(orgUuid)) {
                    ev.guests.removeIf(g -> lower.contains(g.email().toLowerCase(java.util.Locale.ROOT)));
                }
            }
            for (String eventUuid : touched) {
                if (store.inviteesOf(eventUuid).isEmpty()) {
                    store.removeEvent(store.events.get(eventUuid));
                }
            }
            DataDeletion d = new DataDeletion(emails, requesterUuid, orgUuid, now(), doomed.size());
            store.dataDeletions.add(d);
            return d;
        }
    }

    // ---- lookups --------------------------------------------------------------------------------

    /** An invitee by URI ({@code .../scheduled_events/{e}/invitees/{i}}) or UUID. */
    public Invitee invitee(String ref) {
        synchronized (store) {
            String id = Uris.inviteeIds(ref).map(p -> p[1]).or(() -> Uris.idIn(ref, "invitees"))
                    .orElseThrow(() -> Directory.notFound("invitee", ref));
            Invitee inv = store.invitees.get(id);
            if (inv == null) {
                throw Directory.notFound("invitee", ref);
            }
            return inv;
        }
    }

    public ScheduledEvent event(String ref) {
        synchronized (store) {
            String id = Uris.idIn(ref, "scheduled_events").orElseThrow(() -> Directory.notFound("scheduled event", ref));
            ScheduledEvent ev = store.events.get(id);
            if (ev == null) {
                throw Directory.notFound("scheduled event", ref);
            }
            return ev;
        }
    }

    private static void requireActive(Invitee inv) {
        if (!"active".equals(inv.status)) {
            throw new IllegalStateException("invitee " + inv.uuid + " is already canceled");
        }
    }

    private Instant now() {
        return Times.micro(clock.instant());
    }
}
