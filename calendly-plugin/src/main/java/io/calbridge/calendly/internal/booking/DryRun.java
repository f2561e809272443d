package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.TeamMember;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Shows what the integration's current settings and mappings would do with its most recent stored
 * bookings, so a tenant can check a change before real bookings meet it. Only reads: nothing in
 * the host or the plugin changes.
 */
public final class DryRun {
    public static final int MAX = 100;

    private final Db db;
    private final HostServices host;
    private final SettingsStore settingsStore = new SettingsStore();
    private final BookingStore bookings;
    private final ChainReconciler owners;

    public DryRun(Db db, HostServices host, Clock clock) {
        this(db, host, clock, PersonalData.clearFor(null));
    }

    /** @param personal opens the sealed bookings it previews (nothing is written) */
    public DryRun(Db db, HostServices host, Clock clock, PersonalData personal) {
        this.bookings = new BookingStore(Objects.requireNonNull(personal, "personal"));
        this.db = Objects.requireNonNull(db, "db");
        this.host = Objects.requireNonNull(host, "host");
        this.owners = new ChainReconciler(host, clock);
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
        boolean canceled = b.status == Booking.Status.CANCELED;
        boolean rescheduled = b.status == Booking.Status.RESCHEDULED || b.oldInviteeUri != null;
        List<String> problems = new ArrayList<>();

        var existing = p.email() == null ? null : host.contacts().findByEmail(read, p.email().strip()).orElse(null);
        String action = existing != null ? "update" : policy.createContacts() ? "create" : "none";
        String status = policy.contactStatus() != null ? policy.contactStatus() : existing == null ? null : existing.status();
        if (canceled && s.onCancel().status() != null) {
            status = s.onCancel().status();
        }
        if (b.noShow && s.onNoShow().status() != null) {
            status = s.onNoShow().status();
        }
        for (String code : new LinkedHashSet<>(Arrays.asList(policy.contactStatus(), s.onCancel().status(), s.onNoShow().status()))) {
            if (code != null && !statuses.contains(code)) {
                problems.add(policy.whereIs(Kind.CONTACT_STATUS, code)
                        + " names contact status " + code + ", which no longer exists");
            }
        }

        ChainReconciler.Owner owner = owners.resolveOwner(read, policy, p);
        if (owner.id() != null && !members.containsKey(owner.id())) {
            problems.add(policy.whereIs(Kind.TEAM_MEMBER, owner.id())
                    + " names team member " + owner.id() + ", who is no longer on the team");
        }
        Choice ownerChoice = owner.id() == null ? null
                : new Choice(owner.id(), members.containsKey(owner.id()) ? members.get(owner.id()).name() : null);

        List<String> tagIds = new ArrayList<>(policy.tagIds());
        if (rescheduled) {
            tagIds = Ledger.union(tagIds, s.onReschedule().tagIds());
        }
        if (canceled) {
            tagIds = Ledger.union(tagIds, s.onCancel().tagIds());
        }
        if (b.noShow) {
            tagIds = Ledger.union(tagIds, s.onNoShow().tagIds());
        }
        boolean contact = !"none".equals(action);
        List<Choice> listChoices = contact ? choices(policy.listIds(), lists, "mailing list",
                Kind.MAILING_LIST, policy, problems) : List.of();
        List<Choice> tagChoices = contact ? choices(tagIds, tags, "tag",
                Kind.TAG, policy, problems) : List.of();

        DryRunItem.TaskPreview task = null;
        if (policy.taskEnabled() && p.startTime() != null) {
            TaskDraft draft = owners.taskDraft(zone, policy, p, null, owner);
            String state = canceled && s.onCancel().cancelTask() ? "CANCELED" : b.noShow && s.onNoShow().completeTask() ? "DONE" : "OPEN";
            task = new DryRunItem.TaskPreview(draft.title(), draft.description(), draft.dueAt(),
                    TemplateValues.local(draft.dueAt(), zone), state);
        }
        return new DryRunItem(b.inviteeUri, p.email(), p.name(), p.eventName(), b.eventTypeUri, p.startTime(),
                b.status.name(), b.noShow, policy.mapping() == null ? null : policy.mapping().id(), action,
                contact ? status : null, ownerChoice, owner.source(), listChoices, tagChoices, task, problems);
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
