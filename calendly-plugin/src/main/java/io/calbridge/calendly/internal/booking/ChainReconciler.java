package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.client.ScheduledEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TaskDraft;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Brings the host in line with a booking chain: compares what the chain's rows say should be true
 * (contact, lists, tags, status, task, timeline) with what the ledger says was already done, and
 * makes only the missing calls. Because the wanted state is computed from the rows, and the rows
 * end the same whatever the delivery order, a duplicate or out-of-order delivery makes no second
 * contact, tag or task; each call carries a key derived from the chain and the effect, so a retry
 * after a crash is recognised by the host too.
 *
 * <p>Ledger entries (effect name: result):
 * <ul>
 *   <li>{@code contact}: {@code {id, owner, invitee, fields}}; id null when no contact is kept</li>
 *   <li>{@code status}: {@code {base, current, seq}}; base is the status the booking set</li>
 *   <li>{@code lists}, {@code tags}, {@code reschedule_tags}, {@code cancel_tags}: {@code {ids}}</li>
 *   <li>{@code task}: {@code {id, state, due, owner, title, description, invitee, seq}}</li>
 *   <li>{@code noshow@<id>}: {@code {tags, completed_task, task_id, at, undone}}</li>
 *   <li>{@code activity:<what>@<id>}: written once per timeline entry</li>
 * </ul>
 */
final class ChainReconciler {
    static final String SOURCE = "calendly";

    /** How long a tenant's time zone is reused before the host is asked again. */
    static final Duration ZONE_TTL = Duration.ofMinutes(1);

    private final HostServices host;
    private final Cache<String, ZoneId> zones;

    ChainReconciler(HostServices host, Clock clock) {
        this.host = host;
        this.zones = Caffeine.newBuilder()
                .expireAfterWrite(ZONE_TTL)
                .maximumSize(10_000)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** Everything one reconciliation needs. */
    static final class Context {
        final String tenantId;
        final Connection connection;
        final Chain chain;
        final Ledger ledger;
        final Booking start;
        final Function<String, Policy> policies;
        final Instant eventAt;
        /** False when an import of a past meeting asks for no task (sync's past_meeting_tasks setting). */
        final boolean tasksAllowed;
        private ZoneId zone;
        private Owner owner;

        Context(String tenantId, Connection connection, Chain chain, Ledger ledger, Booking start,
                Function<String, Policy> policies, Instant eventAt) {
            this(tenantId, connection, chain, ledger, start, policies, eventAt, true);
        }

        Context(String tenantId, Connection connection, Chain chain, Ledger ledger, Booking start,
                Function<String, Policy> policies, Instant eventAt, boolean tasksAllowed) {
            this.tasksAllowed = tasksAllowed;
            this.tenantId = tenantId;
            this.connection = connection;
            this.chain = chain;
            this.ledger = ledger;
            this.start = start;
            this.policies = policies;
            this.eventAt = eventAt;
        }

        HostCall call(String effect) {
            return HostCall.effect(tenantId, "calendly:" + chain.id + ":" + effect, connection);
        }

        HostCall read() {
            return new HostCall(tenantId, null, connection);
        }
    }

    /** Who owns a booking's contact and task, and which rule decided it. */
    record Owner(String id, String source) {
    }

    void reconcile(Context ctx) {
        Chain chain = ctx.chain;
        Booking head = chain.head(ctx.start);
        Booking data = chain.dataRow(head);
        if (data == null) {
            return;
        }
        Invitee p = Chain.payloadOf(data);
        Policy policy = ctx.policies.apply(data.eventTypeUri);
        boolean canceled = !head.placeholder() && head.status == Booking.Status.CANCELED;
        boolean rescheduled = chain.rows().stream().anyMatch(b -> b.status == Booking.Status.RESCHEDULED);
        String contactId = contact(ctx, policy, data, p);
        if (contactId != null) {
            refreshContact(ctx, policy, contactId, data, p);
        }
        if (contactId != null) {
            tagOnce(ctx, "lists", contactId, policy.listIds(), true);
            tagOnce(ctx, "tags", contactId, policy.tagIds(), false);
            if (rescheduled) {
                tagOnce(ctx, "reschedule_tags", contactId, policy.settings().onReschedule().tagIds(), false);
            }
            if (canceled) {
                tagOnce(ctx, "cancel_tags", contactId, policy.settings().onCancel().tagIds(), false);
            }
        }

        ObjectNode task = ctx.ledger.get("task");
        if (task == null) {
            createTask(ctx, policy, data, p, contactId, owner(ctx, policy, p));
        } else if (Ledger.text(task, "id") != null && !data.inviteeUri.equals(Ledger.text(task, "invitee"))) {
            moveTask(ctx, policy, task, data, p, contactId, owner(ctx, policy, p));
        }
        if (canceled && policy.settings().onCancel().cancelTask()) {
            setTaskState(ctx, "CANCELED");
        }

        boolean noShowActive = noShows(ctx, policy, contactId);
        status(ctx, policy, contactId, canceled, noShowActive);
        if (contactId != null) {
            activities(ctx, contactId, head, canceled);
        }
        for (Booking b : chain.rows()) {
            String taskId = Ledger.text(ctx.ledger.get("task"), "id");
            if (!Objects.equals(b.contactRef, contactId) || !Objects.equals(b.taskRef, taskId)) {
                b.contactRef = contactId;
                b.taskRef = taskId;
                b.changed();
            }
        }
    }

    // ---- contact -------------------------------------------------------------------------------

    private String contact(Context ctx, Policy policy, Booking data, Invitee p) {
        ObjectNode entry = ctx.ledger.get("contact");
        if (entry != null) {
            return Ledger.text(entry, "id");
        }
        ObjectNode result = Ledger.object();
        result.put("invitee", data.inviteeUri);
        if (p.email() == null || p.email().isBlank()) {
            result.putNull("id");
            ctx.ledger.put("contact", result);
            return null;
        }
        Owner owner = owner(ctx, policy, p);
        ContactDraft person = person(ctx.chain, p.email().strip());
        Map<String, String> fields = person.fields();
        ContactRef ref;
        String base;
        if (policy.createContacts()) {
            ContactDraft draft = new ContactDraft(person.email(), person.fullName(), person.firstName(), person.lastName(),
                    person.phone(), person.timeZone(), policy.contactStatus(), owner.id(), fields, SOURCE);
            ref = host.contacts().findOrCreate(ctx.call("contact"), draft);
            base = ref.status();
        } else {
            ref = host.contacts().findByEmail(ctx.read(), p.email().strip()).orElse(null);
            if (ref != null) {
                if (!fields.isEmpty()) {
                    host.contacts().updateFields(ctx.call("contact.fields"), ref.id(), fields);
                }
                if (policy.contactStatus() != null && !policy.contactStatus().equals(ref.status())) {
                    host.contacts().updateStatus(ctx.call("contact.status"), ref.id(), policy.contactStatus());
                }
                if (ref.ownerId() == null && owner.id() != null) {
                    host.contacts().updateOwner(ctx.call("contact.owner"), ref.id(), owner.id());
                    ref = new ContactRef(ref.id(), false, ref.status(), owner.id());
                }
            }
            base = policy.contactStatus() != null ? policy.contactStatus() : ref == null ? null : ref.status();
        }
        if (ref == null) {
            result.putNull("id");
            ctx.ledger.put("contact", result);
            return null;
        }
        result.put("id", ref.id());
        // The plugin moves the owner on a host change only when it was the one who set it.
        if (owner.id() != null && owner.id().equals(ref.ownerId())) {
            result.put("owner", owner.id());
        }
        result.put("email", person.email());
        result.put("person", person.hashCode());
        ctx.ledger.put("contact", result);
        ObjectNode status = Ledger.object();
        status.put("base", base);
        status.put("current", ref.status());
        status.put("seq", 0);
        ctx.ledger.put("status", status);
        return ref.id();
    }

    /**
     * Keeps the contact true to the whole chain: when what the chain says about the person (see
     * {@link #person}) changed since the contact was last written, for instance because the old half
     * of a reschedule arrived after the new one, the contact takes it over (names, phone, time zone
     * and answers; never the status or an owner it has). A reschedule to a new Calendly host moves
     * the contact's owner too, if the plugin had set it.
     */
    private void refreshContact(Context ctx, Policy policy, String contactId, Booking data, Invitee p) {
        ObjectNode entry = ctx.ledger.get("contact");
        ObjectNode next = entry.deepCopy();
        String email = Ledger.text(entry, "email") != null ? Ledger.text(entry, "email") : p.email().strip();
        ContactDraft person = person(ctx.chain, email);
        boolean changed = false;
        if (person.hashCode() != entry.path("person").asInt()) {
            int seq = entry.path("seq").asInt() + 1;
            if (policy.createContacts()) {
                host.contacts().findOrCreate(ctx.call("contact#" + seq), person);
            } else if (!person.fields().isEmpty()) {
                host.contacts().updateFields(ctx.call("contact#" + seq), contactId, person.fields());
            }
            next.put("person", person.hashCode());
            next.put("email", email);
            next.put("seq", seq);
            changed = true;
        }
        if (!data.inviteeUri.equals(Ledger.text(entry, "invitee"))) {
            next.put("invitee", data.inviteeUri);
            Owner owner = owner(ctx, policy, p);
            String assigned = Ledger.text(entry, "owner");
            if (assigned != null && owner.id() != null && !assigned.equals(owner.id())) {
                host.contacts().updateOwner(ctx.call("owner@" + data.inviteeId()), contactId, owner.id());
                next.put("owner", owner.id());
            }
            changed = true;
        }
        if (changed) {
            ctx.ledger.put("contact", next);
        }
    }

    /**
     * What the chain says about the person, the same whatever order its deliveries came in: for each
     * of name, first and last name, phone ({@code text_reminder_number}) and time zone the value of
     * the newest invitee that has one; answers and UTM parameters of every invitee, oldest first, so
     * a newer answer to the same question wins. No status and no owner: those are decided elsewhere.
     */
    static ContactDraft person(Chain chain, String email) {
        String name = null;
        String first = null;
        String last = null;
        String phone = null;
        String zone = null;
        Map<String, String> fields = new LinkedHashMap<>();
        for (Booking b : chain.inOrder()) {
            Invitee i = b.placeholder() ? null : Chain.payloadOf(b);
            if (i == null) {
                continue;
            }
            name = newer(i.name(), name);
            first = newer(i.firstName(), first);
            last = newer(i.lastName(), last);
            phone = newer(i.textReminderNumber(), phone);
            zone = newer(i.validTimeZone(), zone);
            fields.putAll(i.contactFields());
        }
        return new ContactDraft(email, name, first, last, phone, zone, null, null, fields, SOURCE);
    }

    private static String newer(String value, String older) {
        return value == null || value.isBlank() ? older : value;
    }

    /** The owner for the chain's current invitee, looked up once per reconciliation. */
    private Owner owner(Context ctx, Policy policy, Invitee p) {
        if (ctx.owner == null) {
            ctx.owner = resolveOwner(ctx.read(), policy, p);
        }
        return ctx.owner;
    }

    Owner resolveOwner(HostCall read, Policy policy, Invitee p) {
        if (policy.mappedOwnerId() != null) {
            return new Owner(policy.mappedOwnerId(), "mapping");
        }
        if (policy.assignCalendlyHost()) {
            for (ScheduledEvent.Membership m : p.memberships()) {
                if (m != null && m.userEmail() != null && !m.userEmail().isBlank()) {
                    var member = host.teamMembers().findByEmail(read, m.userEmail().strip());
                    if (member.isPresent()) {
                        return new Owner(member.get().id(), "calendly_host");
                    }
                }
            }
        }
        if (policy.defaultOwnerId() != null) {
            return new Owner(policy.defaultOwnerId(), "default");
        }
        return new Owner(null, "none");
    }

    /** Subscribes to lists or applies tags once per chain, and remembers which. */
    private void tagOnce(Context ctx, String name, String contactId, List<String> ids, boolean lists) {
        if (ctx.ledger.has(name)) {
            return;
        }
        if (!ids.isEmpty()) {
            if (lists) {
                host.mailingLists().subscribe(ctx.call(name), contactId, ids);
            } else {
                host.mailingLists().tag(ctx.call(name), contactId, ids);
            }
        }
        ObjectNode result = Ledger.object();
        result.set("ids", Ledger.array(ids));
        ctx.ledger.put(name, result);
    }

    // ---- task ----------------------------------------------------------------------------------

    private ZoneId zone(Context ctx) {
        if (ctx.zone == null) {
            ctx.zone = zones.get(ctx.tenantId, t -> host.tenants().timeZone(ctx.read()));
        }
        return ctx.zone;
    }

    TaskDraft taskDraft(ZoneId zone, Policy policy, Invitee p, String contactId, Owner owner) {
        Map<String, String> values = TemplateValues.of(p, zone);
        String title = Templates.render(policy.taskTitle(), values);
        if (title.isEmpty()) {
            title = Templates.render(BookingSettings.DEFAULT_TASK_TITLE, values);
        }
        if (title.length() > 500) {
            title = title.substring(0, 500);
        }
        Instant due = p.startTime().plusSeconds(60L * policy.taskDueOffsetMinutes());
        return new TaskDraft(contactId, owner.id(), title, Templates.render(policy.taskDescription(), values), due);
    }

    private void createTask(Context ctx, Policy policy, Booking data, Invitee p, String contactId, Owner owner) {
        ObjectNode result = Ledger.object();
        if (!ctx.tasksAllowed || !policy.taskEnabled() || p.startTime() == null) {
            result.putNull("id");
            ctx.ledger.put("task", result);
            return;
        }
        TaskDraft draft = taskDraft(zone(ctx), policy, p, contactId, owner);
        String id = host.tasks().create(ctx.call("task"), draft);
        result.put("id", id);
        result.put("state", "OPEN");
        result.put("seq", 0);
        describe(result, draft, data);
        ctx.ledger.put("task", result);
    }

    private void moveTask(Context ctx, Policy policy, ObjectNode task, Booking data, Invitee p, String contactId, Owner owner) {
        ObjectNode next = task.deepCopy();
        next.put("invitee", data.inviteeUri);
        if (policy.settings().onReschedule().moveTask() && p.startTime() != null && !"CANCELED".equals(Ledger.text(task, "state"))) {
            TaskDraft draft = taskDraft(zone(ctx), policy, p, contactId, owner);
            boolean same = draft.dueAt().toString().equals(Ledger.text(task, "due"))
                    && Objects.equals(draft.ownerId(), Ledger.text(task, "owner"))
                    && draft.title().equals(Ledger.text(task, "title"))
                    && draft.description().equals(Ledger.text(task, "description"));
            if (!same) {
                int seq = task.path("seq").asInt() + 1;
                host.tasks().reschedule(ctx.call("task#" + seq), Ledger.text(task, "id"), draft);
                next.put("seq", seq);
                describe(next, draft, data);
            }
        }
        ctx.ledger.put("task", next);
    }

    private static void describe(ObjectNode result, TaskDraft draft, Booking data) {
        result.put("due", draft.dueAt().toString());
        result.put("owner", draft.ownerId());
        result.put("title", draft.title());
        result.put("description", draft.description());
        result.put("invitee", data.inviteeUri);
    }

    /** Moves the booking's task to OPEN, DONE or CANCELED; a canceled task stays canceled. */
    private void setTaskState(Context ctx, String wanted) {
        ObjectNode task = ctx.ledger.get("task");
        String id = Ledger.text(task, "id");
        String state = Ledger.text(task, "state");
        if (id == null || wanted.equals(state) || "CANCELED".equals(state)) {
            return;
        }
        int seq = task.path("seq").asInt() + 1;
        HostCall call = ctx.call("task#" + seq);
        switch (wanted) {
            case "CANCELED" -> host.tasks().cancel(call, id);
            case "DONE" -> host.tasks().complete(call, id);
            default -> host.tasks().reopen(call, id);
        }
        ObjectNode next = task.deepCopy();
        next.put("state", wanted);
        next.put("seq", seq);
        ctx.ledger.put("task", next);
    }

    // ---- no-show -------------------------------------------------------------------------------

    /** Applies or takes back each no-show of the chain; true when one is in force now. */
    private boolean noShows(Context ctx, Policy policy, String contactId) {
        BookingSettings.NoShowSettings rules = policy.settings().onNoShow();
        boolean active = false;
        for (Booking b : ctx.chain.rows()) {
            if (b.noShowUri == null) {
                continue;
            }
            String name = "noshow@" + Invitee.idOf(b.noShowUri);
            ObjectNode entry = ctx.ledger.get(name);
            if (b.noShow) {
                active = true;
                if (entry == null) {
                    markNoShow(ctx, policy, rules, b, name, contactId);
                }
            } else if (entry != null && !entry.path("undone").asBoolean()) {
                unmarkNoShow(ctx, b, name, entry, contactId);
            }
        }
        return active;
    }

    private void markNoShow(Context ctx, Policy policy, BookingSettings.NoShowSettings rules, Booking b, String name, String contactId) {
        ObjectNode entry = Ledger.object();
        Invitee p = Chain.payloadOf(b);
        Instant at = p != null && p.noShow() != null && p.noShow().createdAt() != null ? p.noShow().createdAt() : ctx.eventAt;
        entry.put("at", at.toString());
        List<String> tags = contactId == null ? List.of() : rules.tagIds();
        if (!tags.isEmpty()) {
            host.mailingLists().tag(ctx.call(name + ":tags"), contactId, tags);
        }
        entry.set("tags", Ledger.array(tags));
        boolean completed = false;
        if (rules.completeTask() && "OPEN".equals(Ledger.text(ctx.ledger.get("task"), "state"))) {
            setTaskState(ctx, "DONE");
            completed = true;
        }
        entry.put("completed_task", completed);
        if (rules.createTask() && p != null) {
            Owner owner = owner(ctx, policy, Chain.payloadOf(ctx.chain.dataRow(ctx.chain.head(b))));
            Map<String, String> values = TemplateValues.of(p, zone(ctx));
            String title = Templates.render(rules.taskTitle(), values);
            TaskDraft draft = new TaskDraft(contactId, owner.id(),
                    title.isEmpty() ? Templates.render(BookingSettings.DEFAULT_NO_SHOW_TASK_TITLE, values) : title,
                    Templates.render(rules.taskDescription(), values), at.plusSeconds(60L * rules.taskDueOffsetMinutes()));
            entry.put("task_id", host.tasks().create(ctx.call(name + ":task"), draft));
        } else {
            entry.putNull("task_id");
        }
        entry.put("undone", false);
        ctx.ledger.put(name, entry);
    }

    private void unmarkNoShow(Context ctx, Booking b, String name, ObjectNode entry, String contactId) {
        Set<String> stillWanted = new HashSet<>();
        for (String other : List.of("tags", "reschedule_tags", "cancel_tags")) {
            stillWanted.addAll(Ledger.strings(ctx.ledger.has(other) ? ctx.ledger.get(other).get("ids") : null));
        }
        for (String other : ctx.ledger.names()) {
            if (other.startsWith("noshow@") && !other.equals(name) && ctx.chain.rows().stream()
                    .anyMatch(r -> r.noShow && r.noShowUri != null && other.equals("noshow@" + Invitee.idOf(r.noShowUri)))) {
                stillWanted.addAll(Ledger.strings(ctx.ledger.get(other).get("tags")));
            }
        }
        List<String> remove = new ArrayList<>(Ledger.strings(entry.get("tags")));
        remove.removeAll(stillWanted);
        if (contactId != null && !remove.isEmpty()) {
            host.mailingLists().untag(ctx.call(name + ":untag"), contactId, remove);
        }
        String followUp = Ledger.text(entry, "task_id");
        if (followUp != null) {
            host.tasks().cancel(ctx.call(name + ":task.cancel"), followUp);
        }
        if (entry.path("completed_task").asBoolean() && "DONE".equals(Ledger.text(ctx.ledger.get("task"), "state"))) {
            setTaskState(ctx, "OPEN");
        }
        ObjectNode next = entry.deepCopy();
        next.put("undone", true);
        next.put("undone_at", ctx.eventAt.toString());
        ctx.ledger.put(name, next);
    }

    // ---- status --------------------------------------------------------------------------------

    private void status(Context ctx, Policy policy, String contactId, boolean canceled, boolean noShow) {
        ObjectNode status = ctx.ledger.get("status");
        if (contactId == null || status == null) {
            return;
        }
        String base = Ledger.text(status, "base");
        String wanted = base;
        if (canceled && policy.settings().onCancel().status() != null) {
            wanted = policy.settings().onCancel().status();
        }
        if (noShow && policy.settings().onNoShow().status() != null) {
            wanted = policy.settings().onNoShow().status();
        }
        if (wanted == null || wanted.equals(Ledger.text(status, "current"))) {
            return;
        }
        int seq = status.path("seq").asInt() + 1;
        host.contacts().updateStatus(ctx.call("status#" + seq), contactId, wanted);
        ObjectNode next = status.deepCopy();
        next.put("current", wanted);
        next.put("seq", seq);
        ctx.ledger.put("status", next);
    }

    // ---- timeline ------------------------------------------------------------------------------

    /**
     * One timeline entry per fact, each built only from its own invitee's payload, so the timeline
     * reads the same whatever order the deliveries came in: the original booking, each reschedule
     * (old side: when and why; new side: the new time), a real cancellation, no-shows.
     */
    private void activities(Context ctx, String contactId, Booking head, boolean canceled) {
        ZoneId zone = zone(ctx);
        for (Booking b : ctx.chain.rows()) {
            if (b.placeholder()) {
                continue;
            }
            Invitee p = Chain.payloadOf(b);
            String id = b.inviteeId();
            Instant created = p.createdAt() != null ? p.createdAt() : b.lastEventAt;
            if (b.oldInviteeUri == null) {
                once(ctx, "activity:booked@" + id, contactId, () -> new ActivityEntry("calendly.booked",
                        "Booked " + quoted(b.eventName) + " for " + TemplateValues.local(b.startTime, zone), details(p), created));
            } else {
                once(ctx, "activity:rebooked@" + id, contactId, () -> {
                    Map<String, Object> d = details(p);
                    d.put("old_invitee", b.oldInviteeUri);
                    return new ActivityEntry("calendly.rebooked",
                            "New time for " + quoted(b.eventName) + ": " + TemplateValues.local(b.startTime, zone), d, created);
                });
            }
            if (b.status == Booking.Status.RESCHEDULED && b.canceledAt != null) {
                once(ctx, "activity:rescheduled@" + id, contactId, () -> new ActivityEntry("calendly.rescheduled",
                        "Rescheduled " + quoted(b.eventName) + " from " + TemplateValues.local(b.startTime, zone)
                                + by(b) + reason(b), cancelDetails(b), b.canceledAt));
            }
        }
        if (canceled) {
            once(ctx, "activity:canceled@" + head.inviteeId(), contactId, () -> new ActivityEntry("calendly.canceled",
                    "Canceled " + quoted(head.eventName) + " (" + TemplateValues.local(head.startTime, zone) + ")" + by(head) + reason(head),
                    cancelDetails(head), head.canceledAt != null ? head.canceledAt : ctx.eventAt));
        }
        for (String name : List.copyOf(ctx.ledger.names())) {
            if (!name.startsWith("noshow@")) {
                continue;
            }
            ObjectNode entry = ctx.ledger.get(name);
            String id = name.substring("noshow@".length());
            once(ctx, "activity:noshow@" + id, contactId, () -> new ActivityEntry("calendly.no_show",
                    "Marked as no-show for " + quoted(head.eventName), Map.of("no_show", id), Instant.parse(Ledger.text(entry, "at"))));
            if (entry.path("undone").asBoolean()) {
                once(ctx, "activity:noshow_removed@" + id, contactId, () -> new ActivityEntry("calendly.no_show_removed",
                        "No-show taken back for " + quoted(head.eventName), Map.of("no_show", id),
                        Instant.parse(Ledger.text(entry, "undone_at"))));
            }
        }
    }

    private void once(Context ctx, String name, String contactId, java.util.function.Supplier<ActivityEntry> entry) {
        if (!ctx.ledger.has(name)) {
            activity(ctx, name, contactId, entry.get());
        }
    }

    private static String by(Booking b) {
        return b.canceledBy == null || b.canceledBy.isBlank() ? "" : " by " + b.canceledBy;
    }

    private static String reason(Booking b) {
        return b.cancelReason == null || b.cancelReason.isBlank() ? "" : ": " + b.cancelReason.strip();
    }

    private static Map<String, Object> cancelDetails(Booking b) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("invitee", b.inviteeUri);
        d.put("new_invitee", b.newInviteeUri);
        d.put("reason", b.cancelReason);
        d.put("canceled_by", b.canceledBy);
        d.put("canceler_type", b.cancelerType);
        d.put("start_time", b.startTime == null ? null : b.startTime.toString());
        return d;
    }

    private void activity(Context ctx, String name, String contactId, ActivityEntry entry) {
        host.contacts().addActivity(ctx.call(name), contactId, entry);
        ObjectNode done = Ledger.object();
        done.put("at", entry.occurredAt().toString());
        ctx.ledger.put(name, done);
    }

    static Map<String, Object> details(Invitee p) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("invitee", p.uri());
        d.put("event", p.scheduledEvent() == null ? null : p.scheduledEvent().uri());
        d.put("event_name", p.eventName());
        d.put("event_type", p.eventTypeUri());
        d.put("start_time", p.startTime() == null ? null : p.startTime().toString());
        d.put("end_time", p.endTime() == null ? null : p.endTime().toString());
        d.put("location", p.scheduledEvent() == null ? null : p.scheduledEvent().where());
        d.put("host", p.firstHost() == null ? null : p.firstHost().userEmail());
        d.put("timezone", p.timezone());
        List<Map<String, Object>> answers = new ArrayList<>();
        for (Invitee.QuestionAndAnswer a : p.questionsAndAnswers()) {
            if (a != null) {
                Map<String, Object> qa = new LinkedHashMap<>();
                qa.put("question", a.question() == null ? null : a.question().strip());
                qa.put("answer", a.answer());
                answers.add(qa);
            }
        }
        d.put("answers", answers);
        d.put("utm", p.utm());
        return d;
    }

    private static String quoted(String s) {
        return "\"" + Optional.ofNullable(s).orElse("meeting") + "\"";
    }

    /** Used by a chain merge: cancels a task made by the chain that lost. */
    void cancelSurplusTask(String tenantId, Connection connection, UUID loserChain, String taskId) {
        host.tasks().cancel(HostCall.effect(tenantId, "calendly:" + loserChain + ":task.merged", connection), taskId);
    }
}
