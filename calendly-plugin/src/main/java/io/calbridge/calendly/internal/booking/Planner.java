package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.TaskDraft;
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
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the host should do for a booking chain, decided without doing it: from the chain's rows (as
 * a delivery left them), its {@link ChainLedger} and the settings, the {@link Effect}s still missing
 * and the ledger as it will be once they are applied. Pure: the host is read only through
 * {@link Lookups}, and nothing is written. {@link Applier} runs plans against the host; the dry run
 * runs the same plans against a preview, so what it shows is what a delivery would do.
 *
 * <p>Because the wanted state is computed from the rows, and the rows end the same whatever the
 * delivery order, a duplicate or out-of-order delivery plans no second contact, tag or task.
 *
 * <p>A plan that creates a contact or a task cannot go on before the host has answered its id: it
 * ends with that {@link Ask}, and the caller plans again with the answer recorded ({@link #run}).
 */
final class Planner {
    static final String SOURCE = "calendly";

    /** Who owns a booking's contact and task, and which rule decided it. */
    record Owner(String id, String source) {
    }

    /** What a plan reads from the host; answers must not change during one delivery. */
    interface Lookups {
        ZoneId zone();

        /** The owner for the chain's current invitee; the first answer of a delivery stands. */
        Owner owner(Policy policy, Invitee invitee);

        /** Asked only when contacts are not created: the contact this e-mail already has. */
        Optional<ContactRef> contactByEmail(String email);

        /** Asked only while the chain has no contact: the contact something else tied this booking to. */
        Optional<String> pinnedContact();

        /**
         * Asked only before a task is created, for {@link Inputs#halvesFollow}: the other stored chains
         * of the integration whose invitee has this e-mail (not those of this delivery).
         */
        List<Stored> samePerson(String email);
    }

    /**
     * @param tasksAllowed false when an import of a past meeting asks for no task
     * @param halvesFollow true for Calendly's webhooks, which send both halves of a reschedule (the
     *                     old invitee canceled, the new one created) together: a chain that may be the
     *                     other half of another chain waits for the delivery that links them before it
     *                     makes a task (see {@link #halfOfAnother}). False for imports and sweeps,
     *                     which may never bring the other half.
     */
    record Inputs(Function<String, Policy> policies, Instant eventAt, boolean tasksAllowed, boolean halvesFollow,
                  Lookups lookups) {
    }

    /** An id the host must answer before planning goes on. */
    sealed interface Ask {
        Effect effect();
    }

    record NewContact(Effect.FindOrCreateContact effect, String ownerId) implements Ask {
    }

    record NewTask(Effect.CreateTask effect) implements Ask {
    }

    record NewNoShowTask(Effect.CreateTask effect, String noShowId) implements Ask {
    }

    /** The effects to apply in order, then {@code ask} (if any); {@code ledger} is the ledger after them. */
    record Plan(List<Effect> effects, ChainLedger ledger, Ask ask) {
    }

    /** Carries out effects: the real host, a preview, or a test's model of a host. */
    interface Host {
        void apply(Effect effect);

        /** Applies an {@link Ask}'s effect and answers the contact ({@link ContactRef}) or task id. */
        Object answer(Ask ask);
    }

    // ---- the whole handling of a delivery --------------------------------------------------------

    /** A chain as stored: its rows and ledger. */
    record Stored(UUID id, List<Booking> rows, ChainLedger ledger) {
    }

    /** One invitee delivery. */
    record Delivery(Kind kind, Invitee invitee, String payloadJson, Instant eventAt) {
    }

    enum Kind { CREATED, CANCELED, NO_SHOW_CREATED, NO_SHOW_DELETED }

    /**
     * The chain after the delivery and the plans: its rows (changed ones are {@code dirty}), the
     * ledger as it was stored for the kept chain and as it is now, and the chains merged into it.
     */
    record Outcome(Chain chain, ChainLedger before, ChainLedger after, List<UUID> merged) {
    }

    /**
     * Handles one delivery: merges the chains its invitees were found in ({@code found}, the kept one
     * first; none for a new chain), applies the delivery to the rows, and runs the plans on
     * {@code host}. The rows in {@code found} are taken over and changed.
     */
    static Outcome handle(UUID newChainId, List<Stored> found, Delivery d, Inputs in, Host host) {
        if (found.isEmpty()) {
            found = List.of(new Stored(newChainId, List.of(), ChainLedger.EMPTY));
        }
        Stored kept = found.get(0);
        List<Booking> rows = new ArrayList<>(kept.rows());
        ChainLedger ledger = kept.ledger();
        List<UUID> merged = new ArrayList<>();
        for (Stored loser : found.subList(1, found.size())) {
            for (Booking b : loser.rows()) {
                b.chainId = kept.id();
                b.changed();
                rows.add(b);
            }
            List<Effect> cancels = new ArrayList<>();
            ledger = merge(ledger, loser.id(), loser.ledger(), cancels);
            cancels.forEach(host::apply);
            merged.add(loser.id());
        }
        Chain chain = new Chain(kept.id(), rows);
        Invitee p = d.invitee();
        switch (d.kind()) {
            case CREATED -> chain.created(p, d.payloadJson(), d.eventAt());
            case CANCELED -> chain.canceled(p, d.payloadJson(), d.eventAt());
            case NO_SHOW_CREATED, NO_SHOW_DELETED -> chain.noShow(p, d.payloadJson(), d.eventAt(),
                    d.kind() == Kind.NO_SHOW_CREATED, undoneNoShows(ledger));
        }
        ChainLedger after = run(chain, ledger, chain.get(p.uri()), in, host);
        return new Outcome(chain, kept.ledger(), after, merged);
    }

    /**
     * The id of a chain that a delivery for {@code inviteeUri} starts. Derived, not random: the chain
     * id is part of every idempotency key the host sees, and when an attempt rolls back (the host's
     * service failed, or its reply was lost after it applied an effect) the retry must start the same
     * chain and send the same keys, or a host outside this database would apply the effects twice.
     * No other chain can have this id: every invitee of the delivery gets a row in the new chain, so a
     * later delivery for this invitee finds that chain instead of starting one.
     */
    static UUID newChainId(UUID integrationId, String inviteeUri) {
        return UUID.nameUUIDFromBytes(("calbridge-chain\n" + integrationId + "\n" + inviteeUri)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The invitees a delivery names: its own, the one it was rescheduled from, and on a cancel the one it was rescheduled to. */
    static Set<String> invitees(Kind kind, Invitee p) {
        Set<String> uris = new java.util.LinkedHashSet<>();
        uris.add(p.uri());
        if (p.oldInvitee() != null) {
            uris.add(p.oldInvitee());
        }
        if (kind == Kind.CANCELED && p.newInvitee() != null) {
            uris.add(p.newInvitee());
        }
        return uris;
    }

    /** Plans, applies, records the host's answers and plans again until nothing is asked. */
    static ChainLedger run(Chain chain, ChainLedger ledger, Booking start, Inputs in, Host host) {
        while (true) {
            Plan plan = plan(chain, ledger, start, in);
            plan.effects().forEach(host::apply);
            if (plan.ask() == null) {
                return plan.ledger();
            }
            ledger = answered(plan.ledger(), plan.ask(), host.answer(plan.ask()));
        }
    }

    /** The ledger with the id the host answered to {@code ask}. */
    static ChainLedger answered(ChainLedger ledger, Ask ask, Object answer) {
        if (ask instanceof NewContact c) {
            ContactRef ref = (ContactRef) answer;
            // The plugin moves the owner on a host change only when it was the one who set it.
            String owner = c.ownerId() != null && c.ownerId().equals(ref.ownerId()) ? c.ownerId() : null;
            return ledger.withContact(ledger.contact().withId(ref.id(), owner))
                    .withStatus(new ChainLedger.Status(ref.status(), ref.status(), 0));
        }
        if (ask instanceof NewNoShowTask n) {
            ChainLedger.NoShow e = ledger.noShows().get(n.noShowId());
            return ledger.withNoShow(n.noShowId(), new ChainLedger.NoShow(e.at(), e.tags(), e.completedTask(),
                    (String) answer, e.undone(), e.undoneAt()));
        }
        return ledger.withTask(ledger.task().withId((String) answer));
    }

    /** The plan for the chain as it stands: what is still missing, up to the first {@link Ask}. */
    static Plan plan(Chain chain, ChainLedger ledger, Booking start, Inputs in) {
        Planner p = new Planner(chain, ledger, in);
        p.reconcile(start);
        return new Plan(List.copyOf(p.effects), p.ledger, p.ask);
    }

    // ---- one plan ------------------------------------------------------------------------------

    private final Chain chain;
    private final Inputs in;
    private ChainLedger ledger;
    private final List<Effect> effects = new ArrayList<>();
    private Ask ask;

    private Planner(Chain chain, ChainLedger ledger, Inputs in) {
        this.chain = chain;
        this.ledger = ledger;
        this.in = in;
    }

    private String key(String effect) {
        return "calendly:" + chain.id + ":" + effect;
    }

    private void reconcile(Booking start) {
        Booking head = chain.head(start);
        Booking data = chain.dataRow(head);
        if (data == null) {
            return;
        }
        Invitee p = Chain.payloadOf(data);
        Policy policy = in.policies().apply(data.eventTypeUri);
        boolean canceled = !head.placeholder() && head.status == Booking.Status.CANCELED;
        boolean rescheduled = chain.rows().stream().anyMatch(b -> b.status == Booking.Status.RESCHEDULED);
        String contactId = contact(policy, data, p);
        if (ask != null) {
            return;
        }
        if (contactId != null) {
            refreshContact(policy, contactId, data, p);
            tagOnce("lists", contactId, policy.listIds(), true);
            tagOnce("tags", contactId, policy.tagIds(), false);
            if (rescheduled) {
                tagOnce("reschedule_tags", contactId, policy.settings().onReschedule().tagIds(), false);
            }
            if (canceled) {
                tagOnce("cancel_tags", contactId, policy.settings().onCancel().tagIds(), false);
            }
        }

        ChainLedger.Task task = ledger.task();
        if (task == null) {
            createTask(policy, data, p, contactId);
            if (ask != null) {
                return;
            }
        } else if (task.id() != null && !data.inviteeUri.equals(task.invitee())) {
            moveTask(policy, task, data, p, contactId);
        }
        if (canceled && policy.settings().onCancel().cancelTask()) {
            setTaskState("CANCELED");
        }

        boolean noShowActive = noShows(policy, contactId);
        if (ask != null) {
            return;
        }
        status(policy, contactId, canceled, noShowActive);
        if (contactId != null) {
            activities(contactId, head, canceled);
        }
        String taskId = ledger.taskId();
        for (Booking b : chain.rows()) {
            if (!Objects.equals(b.contactRef, contactId) || !Objects.equals(b.taskRef, taskId)) {
                b.contactRef = contactId;
                b.taskRef = taskId;
                b.changed();
            }
        }
    }

    private Owner owner(Policy policy, Invitee p) {
        return in.lookups().owner(policy, p);
    }

    private ZoneId zone() {
        return in.lookups().zone();
    }

    // ---- contact -------------------------------------------------------------------------------

    private String contact(Policy policy, Booking data, Invitee p) {
        if (ledger.contact() != null) {
            return ledger.contact().id();
        }
        Optional<String> pinned = in.lookups().pinnedContact();
        if (pinned.isPresent()) {
            return pinnedContact(policy, pinned.get(), data, p);
        }
        ChainLedger.Contact none = new ChainLedger.Contact(null, null, data.inviteeUri, null, 0, 0, false);
        if (p.email() == null || p.email().isBlank()) {
            ledger = ledger.withContact(none);
            return null;
        }
        Owner owner = owner(policy, p);
        ContactDraft person = person(chain, p.email().strip());
        Map<String, String> fields = person.fields();
        ChainLedger.Contact entry = new ChainLedger.Contact(null, null, data.inviteeUri, person.email(), person.hashCode(), 0, false);
        if (policy.createContacts()) {
            ContactDraft draft = new ContactDraft(person.email(), person.fullName(), person.firstName(), person.lastName(),
                    person.phone(), person.timeZone(), policy.contactStatus(), owner.id(), fields, SOURCE);
            ledger = ledger.withContact(entry);
            ask = new NewContact(new Effect.FindOrCreateContact(key("contact"), draft), owner.id());
            return null;
        }
        ContactRef ref = in.lookups().contactByEmail(p.email().strip()).orElse(null);
        if (ref == null) {
            ledger = ledger.withContact(none);
            return null;
        }
        if (!fields.isEmpty()) {
            effects.add(new Effect.UpdateFields(key("contact.fields"), ref.id(), fields));
        }
        if (policy.contactStatus() != null && !policy.contactStatus().equals(ref.status())) {
            effects.add(new Effect.SetContact(key("contact.status"), Effect.SetContact.Field.STATUS, ref.id(), policy.contactStatus()));
        }
        if (ref.ownerId() == null && owner.id() != null) {
            effects.add(new Effect.SetContact(key("contact.owner"), Effect.SetContact.Field.OWNER, ref.id(), owner.id()));
            ref = new ContactRef(ref.id(), false, ref.status(), owner.id());
        }
        String base = policy.contactStatus() != null ? policy.contactStatus() : ref.status();
        String kept = owner.id() != null && owner.id().equals(ref.ownerId()) ? owner.id() : null;
        ledger = ledger.withContact(entry.withId(ref.id(), kept)).withStatus(new ChainLedger.Status(base, ref.status(), 0));
        return ref.id();
    }

    /**
     * The contact a scheduling link was sent to: it gets the chain's answers and UTM fields (and the
     * booking's status), but never a lookup or creation by e-mail, and its owner stays as the CRM
     * has it (the salesperson who sent the link owns it already; the invitee may have typed another
     * address). Marked {@code pinned} so that {@link #refreshContact} keeps to this contact too.
     */
    private String pinnedContact(Policy policy, String id, Booking data, Invitee p) {
        ContactDraft person = person(chain, p.email() == null ? "" : p.email().strip());
        if (!person.fields().isEmpty()) {
            effects.add(new Effect.UpdateFields(key("contact.fields"), id, person.fields()));
        }
        if (policy.contactStatus() != null) {
            effects.add(new Effect.SetContact(key("contact.status"), Effect.SetContact.Field.STATUS, id, policy.contactStatus()));
        }
        ledger = ledger.withContact(new ChainLedger.Contact(id, null, data.inviteeUri, person.email(), person.hashCode(), 0, true))
                .withStatus(new ChainLedger.Status(policy.contactStatus(), policy.contactStatus(), 0));
        return id;
    }

    /**
     * Keeps the contact true to the whole chain: when what the chain says about the person (see
     * {@link #person}) changed since the contact was last written, for instance because the old half
     * of a reschedule arrived after the new one, the contact takes it over (names, phone, time zone
     * and answers; never the status or an owner it has). A reschedule to a new Calendly host moves
     * the contact's owner too, if the plugin had set it.
     */
    private void refreshContact(Policy policy, String contactId, Booking data, Invitee p) {
        ChainLedger.Contact entry = ledger.contact();
        String email = entry.email() != null ? entry.email() : p.email().strip();
        ContactDraft person = person(chain, email);
        int hash = entry.person();
        int seq = entry.seq();
        String owner = entry.owner();
        if (person.hashCode() != entry.person()) {
            seq++;
            if (policy.createContacts() && !entry.pinned()) {
                effects.add(new Effect.FindOrCreateContact(key("contact#" + seq), person));
            } else if (!person.fields().isEmpty()) {
                effects.add(new Effect.UpdateFields(key("contact#" + seq), contactId, person.fields()));
            }
            hash = person.hashCode();
        }
        if (!data.inviteeUri.equals(entry.invitee())) {
            Owner wanted = owner(policy, p);
            if (owner != null && wanted.id() != null && !owner.equals(wanted.id())) {
                effects.add(new Effect.SetContact(key("owner@" + data.inviteeId()), Effect.SetContact.Field.OWNER, contactId, wanted.id()));
                owner = wanted.id();
            }
        }
        ChainLedger.Contact next = new ChainLedger.Contact(entry.id(), owner, data.inviteeUri,
                hash != entry.person() ? email : entry.email(), hash, seq, entry.pinned());
        if (!next.equals(entry)) {
            ledger = ledger.withContact(next);
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

    /** Subscribes to lists or applies tags once per chain, and remembers which. */
    private void tagOnce(String name, String contactId, List<String> ids, boolean lists) {
        if (ledger.sets().containsKey(name)) {
            return;
        }
        if (!ids.isEmpty()) {
            effects.add(new Effect.Membership(key(name), lists ? Effect.Membership.Op.SUBSCRIBE : Effect.Membership.Op.TAG, contactId, ids));
        }
        ledger = ledger.withSet(name, ids);
    }

    // ---- task ----------------------------------------------------------------------------------

    static TaskDraft taskDraft(ZoneId zone, Policy policy, Invitee p, String contactId, Owner owner) {
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

    private void createTask(Policy policy, Booking data, Invitee p, String contactId) {
        if (!in.tasksAllowed() || !policy.taskEnabled() || p.startTime() == null) {
            ledger = ledger.withTask(new ChainLedger.Task(null, null, null, null, null, null, null, 0));
            return;
        }
        if (in.halvesFollow() && halfOfAnother(data, p)) {
            return;
        }
        TaskDraft draft = taskDraft(zone(), policy, p, contactId, owner(policy, p));
        ledger = ledger.withTask(described(null, "OPEN", 0, draft, data));
        ask = new NewTask(new Effect.CreateTask(key("task"), draft));
    }

    /**
     * Whether this chain and another chain of the same person look like the two halves of one
     * reschedule chain seen apart, the other with a live task: same event type, and the later of the
     * two is "open at the back" (its invitee was rescheduled from one whose delivery has not come,
     * so it cannot yet know which chain that one is in), booked after the other's live invitee. Then
     * the delivery that links them is on its way, the merge keeps the other chain's task and moves it
     * to the live meeting, and a task made here would only be canceled then, visible to the CRM's
     * users as a canceled duplicate. Without such a chain, or once the link has come, the task is made.
     */
    private boolean halfOfAnother(Booking data, Invitee p) {
        if (p.email() == null || p.email().isBlank()) {
            return false;
        }
        Instant mine = bookedAt(data);
        boolean mineOpen = openAtBack(chain, data);
        for (Stored other : in.lookups().samePerson(p.email().strip())) {
            if (other.id().equals(chain.id) || other.rows().isEmpty() || other.ledger().task() == null
                    || other.ledger().task().id() == null || !"OPEN".equals(other.ledger().taskState())) {
                continue;
            }
            Chain theirs = new Chain(other.id(), other.rows());
            Booking head = theirs.head(other.rows().get(0));
            Booking theirData = theirs.dataRow(head);
            if (head.placeholder() || head.status != Booking.Status.ACTIVE || theirData == null
                    || !Objects.equals(theirData.eventTypeUri, data.eventTypeUri)) {
                continue;
            }
            Instant their = bookedAt(theirData);
            if (mine == null || their == null) {
                continue;
            }
            if (mineOpen && their.isBefore(mine) || openAtBack(theirs, theirData) && mine.isBefore(their)) {
                return true;
            }
        }
        return false;
    }

    private static boolean openAtBack(Chain chain, Booking data) {
        Booking before = chain.previous(data);
        return before != null && before.placeholder();
    }

    private static Instant bookedAt(Booking b) {
        Invitee p = Chain.payloadOf(b);
        return p != null && p.createdAt() != null ? p.createdAt() : b.lastEventAt;
    }

    private void moveTask(Policy policy, ChainLedger.Task task, Booking data, Invitee p, String contactId) {
        ChainLedger.Task next = new ChainLedger.Task(task.id(), task.state(), task.due(), task.owner(), task.title(),
                task.description(), data.inviteeUri, task.seq());
        if (policy.settings().onReschedule().moveTask() && p.startTime() != null && !"CANCELED".equals(task.state())) {
            TaskDraft draft = taskDraft(zone(), policy, p, contactId, owner(policy, p));
            boolean same = draft.dueAt().toString().equals(task.due())
                    && Objects.equals(draft.ownerId(), task.owner())
                    && draft.title().equals(task.title())
                    && draft.description().equals(task.description());
            if (!same) {
                int seq = task.seq() + 1;
                effects.add(new Effect.RescheduleTask(key("task#" + seq), task.id(), draft));
                next = described(task.id(), task.state(), seq, draft, data);
            }
        }
        ledger = ledger.withTask(next);
    }

    private static ChainLedger.Task described(String id, String state, int seq, TaskDraft draft, Booking data) {
        return new ChainLedger.Task(id, state, draft.dueAt().toString(), draft.ownerId(), draft.title(), draft.description(),
                data.inviteeUri, seq);
    }

    /** Moves the booking's task to OPEN, DONE or CANCELED; a canceled task stays canceled. */
    private void setTaskState(String wanted) {
        ChainLedger.Task task = ledger.task();
        if (task == null || task.id() == null || wanted.equals(task.state()) || "CANCELED".equals(task.state())) {
            return;
        }
        int seq = task.seq() + 1;
        effects.add(new Effect.SetTaskState(key("task#" + seq), task.id(), wanted));
        ledger = ledger.withTask(new ChainLedger.Task(task.id(), wanted, task.due(), task.owner(), task.title(),
                task.description(), task.invitee(), seq));
    }

    // ---- no-show -------------------------------------------------------------------------------

    /** Applies or takes back each no-show of the chain; true when one is in force now. */
    private boolean noShows(Policy policy, String contactId) {
        BookingSettings.NoShowSettings rules = policy.settings().onNoShow();
        boolean active = false;
        for (Booking b : chain.rows()) {
            if (b.noShowUri == null) {
                continue;
            }
            String id = Invitee.idOf(b.noShowUri);
            ChainLedger.NoShow entry = ledger.noShows().get(id);
            if (b.noShow) {
                active = true;
                if (entry == null) {
                    markNoShow(policy, rules, b, id, contactId);
                    if (ask != null) {
                        return true;
                    }
                }
            } else if (entry != null && !entry.undone()) {
                unmarkNoShow(id, entry, contactId);
            }
        }
        return active;
    }

    private void markNoShow(Policy policy, BookingSettings.NoShowSettings rules, Booking b, String id, String contactId) {
        String name = ChainLedger.NO_SHOW + id;
        Invitee p = Chain.payloadOf(b);
        Instant at = p != null && p.noShow() != null && p.noShow().createdAt() != null ? p.noShow().createdAt() : in.eventAt();
        List<String> tags = contactId == null ? List.of() : rules.tagIds();
        if (!tags.isEmpty()) {
            effects.add(new Effect.Membership(key(name + ":tags"), Effect.Membership.Op.TAG, contactId, tags));
        }
        boolean completed = false;
        if (rules.completeTask() && "OPEN".equals(ledger.taskState())) {
            setTaskState("DONE");
            completed = true;
        }
        ledger = ledger.withNoShow(id, new ChainLedger.NoShow(at.toString(), tags, completed, null, false, null));
        if (rules.createTask() && p != null) {
            Owner owner = owner(policy, Chain.payloadOf(chain.dataRow(chain.head(b))));
            Map<String, String> values = TemplateValues.of(p, zone());
            String title = Templates.render(rules.taskTitle(), values);
            TaskDraft draft = new TaskDraft(contactId, owner.id(),
                    title.isEmpty() ? Templates.render(BookingSettings.DEFAULT_NO_SHOW_TASK_TITLE, values) : title,
                    Templates.render(rules.taskDescription(), values), at.plusSeconds(60L * rules.taskDueOffsetMinutes()));
            ask = new NewNoShowTask(new Effect.CreateTask(key(name + ":task"), draft), id);
        }
    }

    private void unmarkNoShow(String id, ChainLedger.NoShow entry, String contactId) {
        String name = ChainLedger.NO_SHOW + id;
        Set<String> stillWanted = new HashSet<>();
        for (String other : List.of("tags", "reschedule_tags", "cancel_tags")) {
            ChainLedger.IdSet set = ledger.sets().get(other);
            if (set != null) {
                stillWanted.addAll(set.ids());
            }
        }
        ledger.noShows().forEach((otherId, other) -> {
            if (!otherId.equals(id) && chain.rows().stream()
                    .anyMatch(r -> r.noShow && r.noShowUri != null && otherId.equals(Invitee.idOf(r.noShowUri)))) {
                stillWanted.addAll(other.tags());
            }
        });
        List<String> remove = new ArrayList<>(entry.tags());
        remove.removeAll(stillWanted);
        if (contactId != null && !remove.isEmpty()) {
            effects.add(new Effect.Membership(key(name + ":untag"), Effect.Membership.Op.UNTAG, contactId, remove));
        }
        if (entry.taskId() != null) {
            effects.add(new Effect.SetTaskState(key(name + ":task.cancel"), entry.taskId(), "CANCELED"));
        }
        if (entry.completedTask() && "DONE".equals(ledger.taskState())) {
            setTaskState("OPEN");
        }
        ledger = ledger.withNoShow(id, new ChainLedger.NoShow(entry.at(), entry.tags(), entry.completedTask(), entry.taskId(),
                true, in.eventAt().toString()));
    }

    static Set<String> undoneNoShows(ChainLedger ledger) {
        Set<String> undone = new HashSet<>();
        ledger.noShows().forEach((id, e) -> {
            if (e.undone()) {
                undone.add(id);
            }
        });
        return undone;
    }

    // ---- status --------------------------------------------------------------------------------

    private void status(Policy policy, String contactId, boolean canceled, boolean noShow) {
        ChainLedger.Status status = ledger.status();
        if (contactId == null || status == null) {
            return;
        }
        String wanted = status.base();
        if (canceled && policy.settings().onCancel().status() != null) {
            wanted = policy.settings().onCancel().status();
        }
        if (noShow && policy.settings().onNoShow().status() != null) {
            wanted = policy.settings().onNoShow().status();
        }
        if (wanted == null || wanted.equals(status.current())) {
            return;
        }
        int seq = status.seq() + 1;
        effects.add(new Effect.SetContact(key("status#" + seq), Effect.SetContact.Field.STATUS, contactId, wanted));
        ledger = ledger.withStatus(new ChainLedger.Status(status.base(), wanted, seq));
    }

    // ---- timeline ------------------------------------------------------------------------------

    /**
     * One timeline entry per fact, each built only from its own invitee's payload, so the timeline
     * reads the same whatever order the deliveries came in: the original booking, each reschedule
     * (old side: when and why; new side: the new time), a real cancellation, no-shows.
     */
    private void activities(String contactId, Booking head, boolean canceled) {
        for (Booking b : chain.rows()) {
            if (b.placeholder()) {
                continue;
            }
            Invitee p = Chain.payloadOf(b);
            String id = b.inviteeId();
            Instant created = p.createdAt() != null ? p.createdAt() : b.lastEventAt;
            if (b.oldInviteeUri == null) {
                once("activity:booked@" + id, contactId, () -> new ActivityEntry("calendly.booked",
                        "Booked " + quoted(b.eventName) + " for " + TemplateValues.local(b.startTime, zone()), details(p), created));
            } else {
                once("activity:rebooked@" + id, contactId, () -> {
                    Map<String, Object> d = details(p);
                    d.put("old_invitee", b.oldInviteeUri);
                    return new ActivityEntry("calendly.rebooked",
                            "New time for " + quoted(b.eventName) + ": " + TemplateValues.local(b.startTime, zone()), d, created);
                });
            }
            if (b.status == Booking.Status.RESCHEDULED && b.canceledAt != null) {
                once("activity:rescheduled@" + id, contactId, () -> new ActivityEntry("calendly.rescheduled",
                        "Rescheduled " + quoted(b.eventName) + " from " + TemplateValues.local(b.startTime, zone())
                                + by(b) + reason(b), cancelDetails(b), b.canceledAt));
            }
        }
        if (canceled) {
            once("activity:canceled@" + head.inviteeId(), contactId, () -> new ActivityEntry("calendly.canceled",
                    "Canceled " + quoted(head.eventName) + " (" + TemplateValues.local(head.startTime, zone()) + ")" + by(head)
                            + reason(head), cancelDetails(head), head.canceledAt != null ? head.canceledAt : in.eventAt()));
        }
        new TreeMap<>(ledger.noShows()).forEach((id, entry) -> {
            once("activity:noshow@" + id, contactId, () -> new ActivityEntry("calendly.no_show",
                    "Marked as no-show for " + quoted(head.eventName), Map.of("no_show", id), Instant.parse(entry.at())));
            if (entry.undone()) {
                once("activity:noshow_removed@" + id, contactId, () -> new ActivityEntry("calendly.no_show_removed",
                        "No-show taken back for " + quoted(head.eventName), Map.of("no_show", id), Instant.parse(entry.undoneAt())));
            }
        });
    }

    private void once(String name, String contactId, Supplier<ActivityEntry> entry) {
        if (!ledger.activities().containsKey(name)) {
            ActivityEntry e = entry.get();
            effects.add(new Effect.AddActivity(key(name), contactId, e));
            ledger = ledger.withActivity(name, new ChainLedger.Activity(e.occurredAt().toString()));
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

    // ---- merging chains ------------------------------------------------------------------------

    /**
     * Takes over a merged chain's ledger: sets are joined, the older chain's other results stand,
     * and a second live task is canceled (with the merged chain's key: it made that task).
     */
    static ChainLedger merge(ChainLedger winner, UUID loserChain, ChainLedger loser, List<Effect> effects) {
        ChainLedger out = winner;
        if (out.contact() == null) {
            out = out.withContact(loser.contact());
        }
        if (out.status() == null) {
            out = out.withStatus(loser.status());
        }
        for (var e : loser.sets().entrySet()) {
            ChainLedger.IdSet ours = out.sets().get(e.getKey());
            out = out.withSet(e.getKey(), ours == null ? e.getValue().ids() : union(ours.ids(), e.getValue().ids()));
        }
        ChainLedger.Task ours = out.task();
        ChainLedger.Task theirs = loser.task();
        if (ours == null || (ours.id() == null && theirs != null && theirs.id() != null)) {
            out = out.withTask(theirs);
        } else if (theirs != null && theirs.id() != null && !theirs.id().equals(ours.id()) && !"CANCELED".equals(theirs.state())) {
            effects.add(new Effect.SetTaskState("calendly:" + loserChain + ":task.merged", theirs.id(), "CANCELED"));
        }
        for (var e : loser.noShows().entrySet()) {
            if (!out.noShows().containsKey(e.getKey())) {
                out = out.withNoShow(e.getKey(), e.getValue());
            }
        }
        for (var e : loser.activities().entrySet()) {
            if (!out.activities().containsKey(e.getKey())) {
                out = out.withActivity(e.getKey(), e.getValue());
            }
        }
        Map<String, String> unknown = new LinkedHashMap<>(loser.unknown());
        unknown.putAll(out.unknown());
        return new ChainLedger(out.contact(), out.status(), out.sets(), out.task(), out.noShows(), out.activities(), unknown);
    }

    /** {@code a} followed by the values of {@code b} it lacks. */
    static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }
}
