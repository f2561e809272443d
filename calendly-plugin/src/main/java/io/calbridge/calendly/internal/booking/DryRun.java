package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.TeamMember;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Shows what the integration's current settings and mappings would do with its most recent stored
 * bookings, so a tenant can check a change before real bookings meet it: each booking goes
 * through the same {@link Planner} as a delivery, as if its chain were new, against a host that
 * only reads. Nothing in the host or the plugin changes.
 */
public final class DryRun {
    public static final int MAX = 100;

    private final Db db;
    private final HostServices host;
    private final SettingsStore settingsStore = new SettingsStore();
    private final BookingStore bookings;

    public DryRun(Db db, HostServices host, Clock clock) {
        this(db, host, clock, PersonalData.clearFor(null));
    }

    /** @param personal opens the sealed bookings it previews (nothing is written) */
    public DryRun(Db db, HostServices host, Clock clock, PersonalData personal) {
        this.bookings = new BookingStore(Objects.requireNonNull(personal, "personal"));
        this.db = Objects.requireNonNull(db, "db");
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * @param n how many of the latest bookings, 1 to {@value #MAX}
     * @return newest first; 404 when the integration is not the tenant's, 400 when n is out of range
     */
    public List<DryRunItem> preview(String tenantId, UUID integrationId, int n) {
        if (n < 1 || n > MAX) {
            throw ApiException.badRequest("out_of_range", "n must be between 1 and " + MAX + ", not " + n, "n");
        }
        BookingSettings settings = settingsStore.settings(db.dsl(), tenantId, integrationId)
                .orElseThrow(() -> ApiException.notFound("integration"));
        Map<String, EventTypeMapping> mappings = settingsStore.mappings(db.dsl(), tenantId, integrationId).stream()
                .collect(Collectors.toMap(EventTypeMapping::eventTypeUri, m -> m, (a, b) -> a));
        List<Booking> latest = bookings.latest(db.dsl(), tenantId, integrationId, n);
        HostCall read = HostCall.read(tenantId);
        Map<String, String> lists = labels(host.mailingLists().lists(read));
        Map<String, String> tags = labels(host.mailingLists().tags(read));
        Set<String> statuses = labels(host.contacts().statuses(read)).keySet();
        Map<String, TeamMember> members = host.teamMembers().list(read).stream()
                .collect(Collectors.toMap(TeamMember::id, m -> m, (a, b) -> a));
        ZoneId zone = latest.isEmpty() ? ZoneId.of("UTC") : host.tenants().timeZone(read);

        List<DryRunItem> items = new ArrayList<>();
        for (Booking b : latest) {
            Invitee p = Chain.payloadOf(b);
            Policy policy = new Policy(settings, mappings.get(b.eventTypeUri));
            items.add(item(read, zone, b, p, policy, lists, tags, statuses, members));
        }
        return items;
    }

    private DryRunItem item(HostCall read, ZoneId zone, Booking b, Invitee p, Policy policy, Map<String, String> lists,
                            Map<String, String> tags, Set<String> statuses, Map<String, TeamMember> members) {
        BookingSettings s = policy.settings();
        List<String> problems = new ArrayList<>();
        for (String code : new LinkedHashSet<>(Arrays.asList(policy.contactStatus(), s.onCancel().status(), s.onNoShow().status()))) {
            if (code != null && !statuses.contains(code)) {
                problems.add(policy.whereIs(Kind.CONTACT_STATUS, code)
                        + " names contact status " + code + ", which no longer exists");
            }
        }

        Preview preview = new Preview(host, read, zone);
        ChainLedger ledger = Planner.run(asIfNew(b), ChainLedger.EMPTY, b, new Planner.Inputs(u -> policy, b.lastEventAt, true, false, preview),
                preview);
        Planner.Owner owner = preview.owner(policy, p);
        if (owner.id() != null && !members.containsKey(owner.id())) {
            problems.add(policy.whereIs(Kind.TEAM_MEMBER, owner.id())
                    + " names team member " + owner.id() + ", who is no longer on the team");
        }
        Choice ownerChoice = owner.id() == null ? null
                : new Choice(owner.id(), members.containsKey(owner.id()) ? members.get(owner.id()).name() : null);

        boolean contact = ledger.contactId() != null;
        String action = preview.found ? "update" : contact ? "create" : "none";
        List<String> tagIds = new ArrayList<>();
        for (String name : List.of("tags", "reschedule_tags", "cancel_tags")) {
            if (ledger.sets().containsKey(name)) {
                tagIds = Planner.union(tagIds, ledger.sets().get(name).ids());
            }
        }
        for (ChainLedger.NoShow n : ledger.noShows().values()) {
            tagIds = Planner.union(tagIds, n.undone() ? List.of() : n.tags());
        }
        List<String> listIds = ledger.sets().containsKey("lists") ? ledger.sets().get("lists").ids() : List.of();
        List<Choice> listChoices = contact ? choices(listIds, lists, "mailing list", Kind.MAILING_LIST, policy, problems) : List.of();
        List<Choice> tagChoices = contact ? choices(tagIds, tags, "tag", Kind.TAG, policy, problems) : List.of();

        ChainLedger.Task t = ledger.task();
        DryRunItem.TaskPreview task = t == null || t.id() == null ? null : new DryRunItem.TaskPreview(t.title(), t.description(),
                Instant.parse(t.due()), TemplateValues.local(Instant.parse(t.due()), zone), t.state());
        return new DryRunItem(b.inviteeUri, p.email(), p.name(), p.eventName(), b.eventTypeUri, p.startTime(),
                b.status.name(), b.noShow, policy.mapping() == null ? null : policy.mapping().id(), action,
                contact && ledger.status() != null ? ledger.status().current() : null, ownerChoice, owner.source(),
                listChoices, tagChoices, task, problems);
    }

    /**
     * The booking as if its chain were new: its own row, and the invitee it was rescheduled from as an
     * unseen placeholder (so reschedule settings apply as they would to the real chain).
     */
    private static Chain asIfNew(Booking b) {
        UUID id = UUID.randomUUID();
        List<Booking> rows = new ArrayList<>();
        b.chainId = id;
        b.contactRef = null;
        b.taskRef = null;
        rows.add(b);
        if (b.oldInviteeUri != null) {
            Booking old = new Booking(UUID.randomUUID(), b.oldInviteeUri, id);
            old.status = Booking.Status.RESCHEDULED;
            old.newInviteeUri = b.inviteeUri;
            rows.add(old);
        }
        return new Chain(id, rows);
    }

    /**
     * The host as the plan would meet it, changing nothing: a contact is looked up by e-mail and
     * answered as {@code findOrCreate} would leave it; a new task gets a stand-in id.
     */
    private static final class Preview implements Planner.Host, Planner.Lookups {
        private final HostServices host;
        private final HostCall read;
        private final ZoneId zone;
        private Planner.Owner owner;
        boolean found;

        Preview(HostServices host, HostCall read, ZoneId zone) {
            this.host = host;
            this.read = read;
            this.zone = zone;
        }

        @Override
        public void apply(Effect effect) {
        }

        @Override
        public Object answer(Planner.Ask ask) {
            if (ask instanceof Planner.NewContact c) {
                ContactDraft d = c.effect().draft();
                ContactRef existing = contactByEmail(d.email()).orElse(null);
                return existing == null ? new ContactRef("preview", true, d.status(), d.ownerId())
                        : new ContactRef(existing.id(), false, d.status() != null ? d.status() : existing.status(),
                                existing.ownerId() != null ? existing.ownerId() : d.ownerId());
            }
            return "preview:" + ask.effect().key();
        }

        @Override
        public ZoneId zone() {
            return zone;
        }

        @Override
        public Planner.Owner owner(Policy policy, Invitee invitee) {
            if (owner == null) {
                owner = Applier.resolveOwner(host, read, policy, invitee);
            }
            return owner;
        }

        @Override
        public Optional<ContactRef> contactByEmail(String email) {
            Optional<ContactRef> c = host.contacts().findByEmail(read, email);
            found |= c.isPresent();
            return c;
        }

        @Override
        public Optional<String> pinnedContact() {
            return Optional.empty();
        }

        @Override
        public List<Planner.Stored> samePerson(String email) {
            return List.of();
        }
    }

    private static List<Choice> choices(List<String> ids, Map<String, String> labels, String what,
                                        Kind kind, Policy policy,
                                        List<String> problems) {
        List<Choice> out = new ArrayList<>();
        for (String id : ids) {
            if (labels.containsKey(id)) {
                out.add(new Choice(id, labels.get(id)));
            } else {
                problems.add(policy.whereIs(kind, id) + " names " + what + " " + id + ", which no longer exists");
            }
        }
        return out;
    }

    private static Map<String, String> labels(List<Choice> choices) {
        Map<String, String> m = new HashMap<>();
        choices.forEach(c -> m.put(c.id(), c.label()));
        return m;
    }
}
