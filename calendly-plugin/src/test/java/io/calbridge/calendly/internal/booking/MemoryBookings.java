package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.spi.ContactRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * Booking handling with no database: {@link Planner#handle} over chains and ledgers kept in maps
 * (stored as the real store does: rows copied, ledgers as their JSON rows), and a model of the
 * host's visible state that honours idempotency keys as a host must.
 */
final class MemoryBookings {
    static final UUID INTEGRATION = UUID.fromString("00000000-0000-0000-0000-00000000a001");

    private final Map<String, Booking> rows = new LinkedHashMap<>();
    /** Each chain's ledger rows (effect name to JSON), as {@code calendly_effect_ledger} holds them. */
    final Map<UUID, Map<String, String>> ledgers = new HashMap<>();
    private final Function<String, Policy> policies;
    final ModelHost host = new ModelHost(this);
    private long stored;
    /** The chains of the delivery being handled: not "other" chains of the same person. */
    private Set<UUID> handling = Set.of();

    MemoryBookings(BookingSettings settings) {
        Policy policy = new Policy(settings, null);
        this.policies = uri -> policy;
    }

    /** Handles one webhook body as {@code BookingProcessor} would. */
    void deliver(byte[] body) {
        deliver(parse(body));
    }

    /**
     * A webhook body read as {@code BookingProcessor} reads it. A test that delivers the same bodies
     * many times reads each once: the result is immutable.
     */
    static Planner.Delivery parse(byte[] body) {
        JsonNode root;
        Invitee p;
        try {
            root = Json.mapper().readTree(body);
            p = Json.mapper().treeToValue(root.get("payload"), Invitee.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Planner.Kind kind = switch (root.get("event").asText()) {
            case "invitee.created" -> Planner.Kind.CREATED;
            case "invitee.canceled" -> Planner.Kind.CANCELED;
            case "invitee_no_show.created" -> Planner.Kind.NO_SHOW_CREATED;
            case "invitee_no_show.deleted" -> Planner.Kind.NO_SHOW_DELETED;
            default -> throw new IllegalArgumentException(root.get("event").asText());
        };
        return new Planner.Delivery(kind, p, root.get("payload").toString(), Instant.parse(root.get("created_at").asText()));
    }

    void deliver(Planner.Delivery d) {
        List<Planner.Stored> found = found(Planner.invitees(d.kind(), d.invitee()));
        handling = new java.util.HashSet<>();
        found.forEach(c -> handling.add(c.id()));
        Planner.Outcome outcome = Planner.handle(Planner.newChainId(INTEGRATION, d.invitee().uri()), found, d,
                new Planner.Inputs(policies, d.eventAt(), true, true, host), host);
        for (Booking b : outcome.chain().rows()) {
            if (b.createdAt == null) {
                b.createdAt = Instant.EPOCH.plusSeconds(++stored);
            }
            rows.put(b.inviteeUri, copy(b));
        }
        outcome.merged().forEach(ledgers::remove);
        ledgers.put(outcome.chain().id, outcome.after().rows());
    }

    /** The stored chains these invitees are in, the one whose row was stored first first; copies. */
    private List<Planner.Stored> found(Set<String> uris) {
        List<Booking> known = uris.stream().map(rows::get).filter(b -> b != null).toList();
        if (known.isEmpty()) {
            return List.of();
        }
        UUID winner = known.stream().min(Comparator.comparing((Booking b) -> b.createdAt).thenComparing(b -> b.id)).orElseThrow().chainId;
        Set<UUID> chains = new TreeSet<>();
        known.forEach(b -> chains.add(b.chainId));
        chains.remove(winner);
        List<Planner.Stored> out = new ArrayList<>();
        out.add(stored(winner));
        chains.forEach(c -> out.add(stored(c)));
        return out;
    }

    private Planner.Stored stored(UUID chain) {
        List<Booking> of = rows.values().stream().filter(b -> b.chainId.equals(chain)).map(MemoryBookings::copy).toList();
        return new Planner.Stored(chain, of, ChainLedger.read(ledgers.getOrDefault(chain, Map.of())));
    }

    List<Booking> bookings() {
        return List.copyOf(rows.values());
    }

    static Booking copy(Booking b) {
        Booking c = new Booking(b.id, b.inviteeUri, b.chainId);
        c.scheduledEventUri = b.scheduledEventUri;
        c.eventTypeUri = b.eventTypeUri;
        c.eventName = b.eventName;
        c.email = b.email;
        c.name = b.name;
        c.status = b.status;
        c.startTime = b.startTime;
        c.endTime = b.endTime;
        c.inviteeTimezone = b.inviteeTimezone;
        c.hostUserUri = b.hostUserUri;
        c.oldInviteeUri = b.oldInviteeUri;
        c.newInviteeUri = b.newInviteeUri;
        c.noShow = b.noShow;
        c.noShowUri = b.noShowUri;
        c.cancelReason = b.cancelReason;
        c.canceledBy = b.canceledBy;
        c.cancelerType = b.cancelerType;
        c.canceledAt = b.canceledAt;
        c.contactRef = b.contactRef;
        c.taskRef = b.taskRef;
        c.payloadJson = b.payloadJson;
        c.payload = b.payload;
        c.lastEventAt = b.lastEventAt;
        c.createdAt = b.createdAt;
        c.stored = true;
        return c;
    }

    /** What a CRM user would see, and an effect applied once per idempotency key. */
    static final class ModelHost implements Planner.Host, Planner.Lookups {
        record Contact(String id, String email, String status, String owner) {
        }

        record Task(String id, String state, Instant due, String title) {
        }

        final Map<String, Contact> contacts = new LinkedHashMap<>();
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final Map<String, Set<String>> tags = new HashMap<>();
        final Map<String, Set<String>> lists = new HashMap<>();
        final List<String> activities = new ArrayList<>();
        final List<Effect> applied = new ArrayList<>();
        /** Every call the plans made, repeats of a key too (a host would ignore those). */
        final List<Effect> sent = new ArrayList<>();
        private static final ZoneId ZONE = ZoneId.of("America/New_York");
        private final Map<String, Object> keys = new HashMap<>();
        private final MemoryBookings store;

        ModelHost(MemoryBookings store) {
            this.store = store;
        }

        @Override
        public void apply(Effect effect) {
            once(effect);
        }

        @Override
        public Object answer(Planner.Ask ask) {
            return once(ask.effect());
        }

        private Object once(Effect effect) {
            sent.add(effect);
            if (keys.containsKey(effect.key())) {
                return keys.get(effect.key());
            }
            applied.add(effect);
            Object result = run(effect);
            keys.put(effect.key(), result);
            return result;
        }

        private Object run(Effect effect) {
            if (effect instanceof Effect.FindOrCreateContact e) {
                Contact c = contacts.computeIfAbsent(e.draft().email().toLowerCase(java.util.Locale.ROOT),
                        m -> new Contact("contact-" + (contacts.size() + 1), m, e.draft().status(), e.draft().ownerId()));
                return new ContactRef(c.id(), false, c.status(), c.owner());
            } else if (effect instanceof Effect.SetContact e) {
                boolean status = e.field() == Effect.SetContact.Field.STATUS;
                contacts.replaceAll((m, c) -> !c.id().equals(e.contactId()) ? c
                        : new Contact(c.id(), m, status ? e.value() : c.status(), status ? c.owner() : e.value()));
            } else if (effect instanceof Effect.Membership e) {
                Set<String> of = (e.op() == Effect.Membership.Op.SUBSCRIBE ? lists : tags).computeIfAbsent(e.contactId(), c -> new TreeSet<>());
                if (e.op() == Effect.Membership.Op.UNTAG) {
                    of.removeAll(e.ids());
                } else {
                    of.addAll(e.ids());
                }
            } else if (effect instanceof Effect.CreateTask e) {
                String id = "task-" + (tasks.size() + 1);
                tasks.put(id, new Task(id, "OPEN", e.draft().dueAt(), e.draft().title()));
                return id;
            } else if (effect instanceof Effect.RescheduleTask e) {
                Task t = tasks.get(e.taskId());
                tasks.put(t.id(), new Task(t.id(), t.state(), e.draft().dueAt(), e.draft().title()));
            } else if (effect instanceof Effect.SetTaskState e) {
                Task t = tasks.get(e.taskId());
                if (!t.state().equals("CANCELED")) {
                    tasks.put(t.id(), new Task(t.id(), e.state(), t.due(), t.title()));
                }
            } else if (effect instanceof Effect.AddActivity e) {
                activities.add(e.entry().kind());
            }
            return null;
        }

        /** Everything visible, one line per fact, sorted. */
        List<String> visible() {
            List<String> out = new ArrayList<>();
            contacts.values().forEach(c -> out.add("contact " + c.email() + " " + c.status() + " " + c.owner()
                    + " lists=" + lists.get(c.id()) + " tags=" + tags.get(c.id())));
            tasks.values().forEach(t -> out.add("task " + t.state() + " " + t.due() + " " + t.title()));
            activities.stream().sorted().forEach(a -> out.add("activity " + a));
            return out.stream().sorted().toList();
        }

        @Override
        public ZoneId zone() {
            return ZONE;
        }

        @Override
        public Planner.Owner owner(Policy policy, Invitee invitee) {
            return new Planner.Owner(policy.defaultOwnerId(), "default");
        }

        @Override
        public Optional<ContactRef> contactByEmail(String email) {
            Contact c = contacts.get(email.toLowerCase(java.util.Locale.ROOT));
            return c == null ? Optional.empty() : Optional.of(new ContactRef(c.id(), false, c.status(), c.owner()));
        }

        @Override
        public Optional<String> pinnedContact() {
            return Optional.empty();
        }

        @Override
        public List<Planner.Stored> samePerson(String email) {
            Set<UUID> chains = new TreeSet<>();
            store.rows.values().stream().filter(b -> email.equalsIgnoreCase(b.email)).forEach(b -> chains.add(b.chainId));
            chains.removeAll(store.handling);
            return chains.stream().map(store::stored).toList();
        }
    }
}
