package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.GuardedConnection;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.webhook.CalendlyEvent;
import io.calbridge.calendly.internal.webhook.DeliveryEnvelope;
import io.calbridge.calendly.internal.webhook.DeliveryProcessor;
import io.calbridge.calendly.internal.webhook.PermanentProcessingException;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.UnknownReferenceException;
import java.io.IOException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.calbridge.calendly.spi.HostCall;
import java.sql.Connection;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Turns stored Calendly deliveries into the host's contacts, list memberships, tags, tasks and
 * timeline entries. One delivery, or one batch of them ({@link #processAll}), is one transaction: the
 * invitee rows, the host's effects (when the host shares the database) and the effect ledger commit
 * together.
 *
 * <p>Handles the {@link #BOOKING_EVENTS} of the one event catalogue ({@link CalendlyEvent}):
 * {@code invitee.created}, {@code invitee.canceled} (including the cancel half of a reschedule),
 * {@code invitee_no_show.created} (also under its older name {@code invitee.no_show}) and
 * {@code .deleted}, and {@code routing_form_submission.created}; anything else is
 * {@link ProcessingResult#IGNORED}.
 * Duplicates and any delivery order end in the same state (see {@link Planner}). Two workers
 * on the same invitee or chain wait for each other (advisory locks), on different ones they do not.
 *
 * <p>Durability: these transactions commit asynchronously ({@code synchronous_commit = off}), which
 * spares the fsync that otherwise dominates their cost. This is safe because the inbox marks a
 * delivery done in a later, synchronous commit on the same database: PostgreSQL writes its log in
 * order, so that mark is never durable without this transaction. A crash can lose at most the
 * last fraction of a second of applied deliveries whose done-mark was not yet written; the inbox
 * hands them over again and the ledger makes the replay exact. A host that shares the database
 * commits its effects with the plugin's, under the same rule.
 *
 * <p>Errors: a body that cannot be read, or a setting that names something the host no longer has,
 * throws {@link PermanentProcessingException} with a message for the tenant's admin; anything else a
 * host interface throws propagates, so the delivery is retried.
 */
public final class BookingProcessor implements DeliveryProcessor {
    private static final int MAX_CHAIN_ATTEMPTS = 5;
    /** How long a tenant's time zone is reused before the host is asked again. */
    static final Duration ZONE_TTL = Duration.ofMinutes(1);
    /** The events of the {@link CalendlyEvent} catalogue that booking acts on; the others are IGNORED. */
    static final Set<CalendlyEvent> BOOKING_EVENTS = EnumSet.of(CalendlyEvent.INVITEE_CREATED, CalendlyEvent.INVITEE_CANCELED,
            CalendlyEvent.NO_SHOW_CREATED, CalendlyEvent.NO_SHOW_DELETED, CalendlyEvent.ROUTING_FORM_SUBMITTED);
    /** {@code set_config('synchronous_commit', 'off', true)}: for this transaction only. */
    static final Field<String> ASYNC_COMMIT = DSL.function("set_config", SQLDataType.CLOB,
            DSL.inline("synchronous_commit"), DSL.inline("off"), DSL.inline(true)).as("async_commit");

    private final Db db;
    private final Clock clock;
    private final BookingStore bookings;
    private final LedgerStore ledgers;
    private final SettingsStore settings = new SettingsStore();
    private final HostServices host;
    /** Tenants' time zones, reused for {@link #ZONE_TTL} before the host is asked again. */
    private final Cache<String, ZoneId> zones;
    private final RoutingForms routingForms;
    private final ContactPins pins;

    /** Stores invitees' personal fields in clear: for tests of the booking logic only. */
    public BookingProcessor(Db db, HostServices host, Clock clock) {
        this(db, host, clock, PersonalData.clearFor(null), ContactPins.NONE);
    }

    /**
     * @param personal seals the invitee's personal fields and effect results at the store boundary
     * @param pins decides the contact of bookings that something else already tied to one (write-back's links)
     */
    public BookingProcessor(Db db, HostServices host, Clock clock, PersonalData personal, ContactPins pins) {
        this.pins = Objects.requireNonNull(pins, "pins");
        this.bookings = new BookingStore(Objects.requireNonNull(personal, "personal"));
        this.ledgers = new LedgerStore(personal);
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.host = Objects.requireNonNull(host, "host");
        this.zones = Caffeine.newBuilder()
                .expireAfterWrite(ZONE_TTL)
                .maximumSize(10_000)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
        this.routingForms = new RoutingForms(host, bookings, ledgers, settings);
    }

    /**
     * How a delivery is applied. Webhooks use {@link #AS_DELIVERED}; an import of a meeting that
     * already took place passes {@code createTask = false} unless the tenant asked for tasks on past
     * meetings (the booking then records "no task", so later deliveries create none either).
     */
    public record Options(boolean createTask, boolean halvesFollow) {
        public static final Options AS_DELIVERED = new Options(true, true);

        /**
         * For deliveries built from Calendly's API, which may never bring the other half of a
         * reschedule (see {@link Planner.Inputs#halvesFollow}).
         */
        public Options(boolean createTask) {
            this(createTask, false);
        }
    }

    @Override
    public ProcessingResult process(StoredDelivery delivery) {
        return process(delivery, Options.AS_DELIVERED);
    }

    /**
     * The one entry point for deliveries that did not come through the inbox (imports, backfills,
     * sweeps build webhook-shaped bodies from Calendly's API): same parsing, identity and ledger.
     */
    public ProcessingResult process(StoredDelivery delivery, Options options) {
        Parsed p = parse(delivery, options);
        if (p == null) {
            return ProcessingResult.IGNORED;
        }
        return db.tx(dsl -> withConnection(dsl, conn -> apply(dsl, conn, p, null)));
    }

    @Override
    public boolean batches() {
        return true;
    }

    /**
     * Applies these deliveries in order in one transaction (see {@link DeliveryProcessor#processAll}).
     * What one delivery at a time does per delivery is done once per batch: every invitee lock in
     * one statement (ascending, so two batches never wait on each other in a circle over invitees),
     * the bookings of all its invitees read at once, the settings read once per integration and event
     * type, and the plugin's writes (booking rows, ledgers) held back and written in one statement of
     * multi-row inserts, at the end or before a later delivery of the batch reads a chain they touch.
     * Idempotency keys do not depend on the batch (they derive from the chain and the effect), so
     * after a rolled-back batch the same effects carry the same keys one at a time.
     */
    @Override
    public List<ProcessingResult> processAll(List<StoredDelivery> deliveries) {
        List<Parsed> parsed = new ArrayList<>(deliveries.size());
        for (StoredDelivery d : deliveries) {
            parsed.add(parse(d, Options.AS_DELIVERED));
        }
        return db.tx(dsl -> withConnection(dsl, conn -> {
            Batch batch = new Batch(dsl, parsed);
            List<ProcessingResult> results = new ArrayList<>(parsed.size());
            for (Parsed p : parsed) {
                results.add(p == null ? ProcessingResult.IGNORED : apply(dsl, conn, p, batch));
            }
            batch.flush();
            return results;
        }));
    }

    /** A delivery read and checked outside any transaction; exactly one of invitee and form is set. */
    private record Parsed(StoredDelivery delivery, CalendlyEvent kind, Invitee invitee, String payloadJson, ObjectNode form,
                          Instant eventAt, Options options) {
        Planner.Kind what() {
            return switch (kind) {
                case INVITEE_CREATED -> Planner.Kind.CREATED;
                case INVITEE_CANCELED -> Planner.Kind.CANCELED;
                case NO_SHOW_CREATED -> Planner.Kind.NO_SHOW_CREATED;
                case NO_SHOW_DELETED -> Planner.Kind.NO_SHOW_DELETED;
                default -> throw new IllegalStateException(kind.name());
            };
        }

        Set<String> uris() {
            return Planner.invitees(what(), invitee);
        }
    }

    /** Reads the body; null for an event booking does not act on. */
    private static Parsed parse(StoredDelivery delivery, Options options) {
        DeliveryEnvelope envelope;
        try {
            envelope = DeliveryEnvelope.parse(delivery.rawBody());
        } catch (DeliveryEnvelope.InvalidPayload e) {
            // Not e's message: the parser's words may quote the body, which is invitee data.
            if ("payload".equals(e.field())) {
                throw new PermanentProcessingException("The " + delivery.event() + " delivery has no payload object, "
                        + "so there is nothing to apply.");
            }
            if ("event".equals(e.field())) {
                throw new PermanentProcessingException("The delivery body names no usable event, so it cannot be applied. "
                        + "Calendly always sends one; check what is posting to this webhook URL.");
            }
            throw new PermanentProcessingException("The delivery body is not a valid JSON object, so it cannot be applied. "
                    + "Calendly always sends one; check what is posting to this webhook URL.");
        }
        String event = envelope.event();
        CalendlyEvent kind = CalendlyEvent.of(event);
        if (kind == null || !BOOKING_EVENTS.contains(kind)) {
            return null;
        }
        Instant eventAt = envelope.createdAt() != null ? envelope.createdAt() : delivery.receivedAt();
        if (kind == CalendlyEvent.ROUTING_FORM_SUBMITTED) {
            return new Parsed(delivery, kind, null, null, read(event, envelope, ObjectNode.class), eventAt, options);
        }
        Invitee invitee = read(event, envelope, Invitee.class);
        if (invitee.uri() == null || invitee.uri().isBlank()) {
            throw new PermanentProcessingException("The " + event + " delivery names no invitee (payload.uri is missing), "
                    + "so it cannot be matched to a booking.");
        }
        return new Parsed(delivery, kind, invitee, envelope.payloadJson(), null, eventAt, options);
    }

    /** One delivery in the transaction {@code dsl}; {@code batch} null when it is the only one. */
    private ProcessingResult apply(DSLContext dsl, Connection conn, Parsed p, Batch batch) {
        if (p.form() != null) {
            if (batch != null) {
                batch.flush(); // a submission reads and writes the ledger on its own
            }
            return routingForms.process(dsl, conn, p.delivery(), p.form(), p.eventAt(), clock.instant());
        }
        return applyInvitee(dsl, conn, p.delivery(), p.what(), p.invitee(), p.uris(), p.payloadJson(), p.eventAt(),
                p.options(), batch);
    }

    /**
     * What a batch shares between its deliveries, in its one transaction: the locks it took, the
     * bookings it read before any of its deliveries ran, the settings it read, and the writes it holds
     * back. A delivery whose invitees meet a chain the batch already touched reads afresh (after
     * writing what is held back), so it sees the earlier deliveries' rows and ledger. "The same
     * person's other chains" are read once for all the batch's new invitees, at the first delivery
     * that asks; the chains the batch itself wrote or holds back answer next to that read.
     */
    private final class Batch {
        private final DSLContext dsl;
        private final Map<String, Booking> read = new HashMap<>();
        private final Set<String> touched = new HashSet<>();
        private final Map<String, SettingsStore.Loaded> settingsRead = new HashMap<>();
        private final List<BookingStore.Rows> heldRows = new ArrayList<>();
        private final List<LedgerStore.Entries> heldEntries = new ArrayList<>();
        private final Set<String> held = new HashSet<>();
        /** The chains this batch wrote or holds back, as they now are, by id. */
        private final Map<UUID, Wrote> wrote = new HashMap<>();
        /** Chains this batch merged into others: gone, whatever the same-person read saw. */
        private final Set<UUID> mergedAway = new HashSet<>();
        /** Whom the same-person read is for: the e-mails of the batch's new invitees, as the planner asks. */
        private final Set<BookingStore.Person> newInvitees = new LinkedHashSet<>();
        private Map<BookingStore.Person, List<UUID>> samePersonRead;

        Batch(DSLContext dsl, List<Parsed> parsed) {
            this.dsl = dsl;
            for (Parsed p : parsed) {
                if (p != null && p.kind() == CalendlyEvent.INVITEE_CREATED && p.invitee().email() != null
                        && !p.invitee().email().isBlank()) {
                    newInvitees.add(new BookingStore.Person(p.delivery().tenantId(), p.delivery().integrationId(),
                            p.invitee().email().strip()));
                }
            }
            Map<UUID, Set<String>> uris = new HashMap<>();
            for (Parsed p : parsed) {
                if (p != null && p.invitee() != null) {
                    uris.computeIfAbsent(p.delivery().integrationId(), i -> new LinkedHashSet<>()).addAll(p.uris());
                }
            }
            // One statement: every invitee lock of the batch (ascending) and the asynchronous commit.
            List<Field<?>> locks = new ArrayList<>(Locks.invitees(uris));
            locks.add(ASYNC_COMMIT);
            dsl.select(locks).fetch();
            // Under those locks nobody else adds or removes these invitees' rows until the commit.
            uris.forEach((integration, its) -> bookings.findByUris(dsl, integration, its)
                    .forEach((uri, b) -> read.put(integration + "|" + uri, b)));
        }

        /** The booking rows of these invitees, read now or before the batch's first delivery. */
        Map<String, Booking> known(UUID integrationId, Set<String> uris) {
            if (uris.stream().anyMatch(u -> touched.contains(integrationId + "|" + u))) {
                if (uris.stream().anyMatch(u -> held.contains(integrationId + "|" + u))) {
                    flush();
                }
                return bookings.findByUris(dsl, integrationId, uris);
            }
            Map<String, Booking> known = new LinkedHashMap<>();
            for (String uri : uris) {
                Booking b = read.get(integrationId + "|" + uri);
                if (b != null) {
                    known.put(uri, b);
                }
            }
            return known;
        }

        Optional<SettingsStore.Loaded> settings(UUID integrationId, String eventTypeUri) {
            String key = integrationId + "|" + eventTypeUri;
            SettingsStore.Loaded loaded = settingsRead.get(key);
            if (loaded == null) {
                Optional<SettingsStore.Loaded> fresh = BookingProcessor.this.settings.load(dsl, integrationId, eventTypeUri);
                fresh.ifPresent(l -> settingsRead.put(key, l));
                return fresh;
            }
            return Optional.of(loaded);
        }

        /**
         * The stored chains of this person, read for all the batch's new invitees at the first ask
         * (a person the batch did not foresee is read alone). Chains the batch wrote since are not
         * in it: {@link #wroteOf} answers for them.
         */
        List<UUID> chainsOf(BookingStore.Person person) {
            if (samePersonRead == null) {
                newInvitees.add(person);
                samePersonRead = new HashMap<>(bookings.chainsOf(dsl, newInvitees));
            }
            return samePersonRead.computeIfAbsent(person, p -> bookings.chainsOf(dsl, List.of(p)).get(p));
        }

        /** The chains this batch wrote or holds back whose invitee has this e-mail, as they now are. */
        List<Planner.Stored> wroteOf(UUID integrationId, String email) {
            String wanted = email.strip().toLowerCase(java.util.Locale.ROOT);
            return wrote.values().stream()
                    .filter(w -> integrationId.equals(w.integrationId()) && w.chain().rows().stream().anyMatch(b -> b.email != null
                            && b.email.strip().toLowerCase(java.util.Locale.ROOT).equals(wanted)))
                    .map(Wrote::chain)
                    .toList();
        }

        /** Whether the database's copy of this chain is not the one to plan with: the batch changed or removed it. */
        boolean changed(UUID chainId) {
            return wrote.containsKey(chainId) || mergedAway.contains(chainId);
        }

        void hold(String tenantId, UUID integrationId, Planner.Outcome outcome) {
            Chain chain = outcome.chain();
            for (Booking b : chain.rows()) {
                touched.add(integrationId + "|" + b.inviteeUri);
                held.add(integrationId + "|" + b.inviteeUri);
            }
            heldRows.add(new BookingStore.Rows(tenantId, integrationId, List.copyOf(chain.rows())));
            heldEntries.add(new LedgerStore.Entries(tenantId, chain.id, chain.id + "/",
                    Map.copyOf(outcome.after().writesSince(outcome.before()))));
            // The chain's lock (or its new invitees' locks) is held to the commit: nobody else changes it.
            wrote.put(chain.id, new Wrote(integrationId, new Planner.Stored(chain.id, List.copyOf(chain.rows()), outcome.after())));
            for (UUID loser : outcome.merged()) {
                wrote.remove(loser);
                mergedAway.add(loser);
            }
        }

        void flush() {
            if (heldRows.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            List<ResultQuery<?>> writes = new ArrayList<>(bookings.saveAll(heldRows, now));
            writes.add(ledgers.saveAll(heldEntries, now));
            LedgerStore.writeTogether(dsl, writes);
            heldRows.clear();
            heldEntries.clear();
            held.clear();
        }
    }

    /** A chain a batch wrote or holds back, and its integration. */
    private record Wrote(UUID integrationId, Planner.Stored chain) {
    }

    private static <T> T read(String event, DeliveryEnvelope envelope, Class<T> type) {
        try {
            return envelope.payload(type);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the payload (an invitee's data): name the field only.
            String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                    ? " at payload" + m.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]"
                            : r.getFieldName().matches("[A-Za-z0-9_]{1,64}") ? "." + r.getFieldName() : ".?")
                            .collect(java.util.stream.Collectors.joining()) : "";
            throw new PermanentProcessingException("The " + event + " delivery's payload is not what Calendly describes"
                    + field + ", so it cannot be applied.");
        } catch (IOException e) {
            throw new PermanentProcessingException("The " + event + " delivery's payload cannot be read, so it cannot be applied.");
        }
    }

    private ProcessingResult applyInvitee(DSLContext dsl, Connection conn, StoredDelivery d, Planner.Kind what, Invitee p,
                                          Set<String> uris, String payloadJson, Instant eventAt, Options options, Batch batch) {
        UUID integrationId = d.integrationId();
        Optional<SettingsStore.Loaded> found;
        if (batch == null) {
            // One round trip: the settings, the locks on every invitee this delivery touches, and an
            // asynchronous commit (see the class comment).
            List<Field<?>> extra = new ArrayList<>(Locks.invitees(Map.of(integrationId, uris)));
            extra.add(ASYNC_COMMIT);
            found = settings.load(dsl, integrationId, p.eventTypeUri(), extra);
        } else {
            found = batch.settings(integrationId, p.eventTypeUri());
        }
        SettingsStore.Loaded loaded = found
                .orElseThrow(() -> new PermanentProcessingException("The Calendly integration " + integrationId
                        + " of this delivery no longer exists, so there are no settings to apply it with."));
        if (!loaded.tenantId().equals(d.tenantId())) {
            throw new PermanentProcessingException("This delivery was stored for tenant " + d.tenantId()
                    + " but its integration belongs to another tenant; it was not applied.");
        }
        String tenantId = loaded.tenantId();
        Map<String, Policy> policies = new HashMap<>();
        policies.put(Objects.toString(p.eventTypeUri(), ""), loaded.policy());
        Function<String, Policy> policyFor = uri -> policies.computeIfAbsent(Objects.toString(uri, ""),
                u -> settings.load(dsl, integrationId, u).map(SettingsStore.Loaded::policy).orElse(loaded.policy()));
        Map<String, Booking> known = batch == null ? bookings.findByUris(dsl, integrationId, uris) : batch.known(integrationId, uris);
        List<Planner.Stored> chains = loadChains(dsl, tenantId, integrationId, uris, known);
        // This delivery's invitees are locked and so are their chains: these stay their chains.
        Set<UUID> mine = new HashSet<>();
        chains.forEach(c -> mine.add(c.id()));
        Applier applier = new Applier(host, tenantId, conn,
                () -> zones.get(tenantId, t -> host.tenants().timeZone(new HostCall(tenantId, null, conn))),
                () -> pins.contactFor(dsl, tenantId, integrationId, p.uri(), p.tracking() == null ? null : p.tracking().utmContent()),
                email -> samePerson(dsl, new BookingStore.Person(tenantId, integrationId, email), mine, batch));
        Planner.Outcome outcome;
        try {
            outcome = Planner.handle(Planner.newChainId(integrationId, p.uri()), chains,
                    new Planner.Delivery(what, p, payloadJson, eventAt), new Planner.Inputs(policyFor, eventAt, options.createTask(), options.halvesFollow(), applier),
                    applier);
        } catch (UnknownReferenceException e) {
            throw new PermanentProcessingException(explain(e, loaded.policy()), e);
        }
        outcome.merged().forEach(loser -> ledgers.delete(dsl, tenantId, loser));
        if (batch != null) {
            batch.hold(tenantId, integrationId, outcome);
            return ProcessingResult.PROCESSED;
        }
        Instant now = clock.instant();
        UUID chainId = outcome.chain().id;
        List<ResultQuery<?>> writes = new ArrayList<>(bookings.save(tenantId, integrationId, outcome.chain().rows(), now));
        writes.add(ledgers.save(tenantId, chainId, chainId + "/", outcome.after().writesSince(outcome.before()), now));
        LedgerStore.writeTogether(dsl, writes);
        return ProcessingResult.PROCESSED;
    }

    /**
     * The chains of these invitees, locked, the one to keep first (the one whose row was stored
     * first); more than one when a reschedule linked bookings that were first seen apart.
     */
    private List<Planner.Stored> loadChains(DSLContext dsl, String tenantId, UUID integrationId, Set<String> uris,
                                            Map<String, Booking> knownFirst) {
        for (int attempt = 0; attempt < MAX_CHAIN_ATTEMPTS; attempt++) {
            Map<String, Booking> known = attempt == 0 ? knownFirst : bookings.findByUris(dsl, integrationId, uris);
            if (known.isEmpty()) {
                return List.of();
            }
            Set<UUID> chainIds = new TreeSet<>();
            known.values().forEach(b -> chainIds.add(b.chainId));
            Locks.lockChains(dsl, chainIds);
            Map<UUID, List<Booking>> rowsByChain = new HashMap<>();
            for (UUID c : chainIds) {
                rowsByChain.put(c, bookings.findChain(dsl, c));
            }
            // While this worker waited for a chain lock, a merge may have moved its rows elsewhere.
            boolean moved = known.values().stream().anyMatch(b ->
                    rowsByChain.get(b.chainId).stream().noneMatch(r -> r.id.equals(b.id) && r.chainId.equals(b.chainId)));
            if (moved) {
                continue;
            }
            UUID winner = known.values().stream()
                    .min(Comparator.comparing((Booking b) -> b.createdAt).thenComparing(b -> b.id))
                    .orElseThrow().chainId;
            List<Planner.Stored> out = new ArrayList<>();
            out.add(new Planner.Stored(winner, rowsByChain.get(winner), ChainLedger.read(ledgers.load(dsl, tenantId, winner))));
            for (UUID loser : chainIds) {
                if (!loser.equals(winner)) {
                    out.add(new Planner.Stored(loser, rowsByChain.get(loser), ChainLedger.read(ledgers.load(dsl, tenantId, loser))));
                }
            }
            return out;
        }
        throw new IllegalStateException("booking chain kept moving while being locked; try again");
    }

    /**
     * The person's chains other than {@code mine} (this delivery's), as they are stored (read without
     * their locks: a hint); in a batch also those its earlier deliveries wrote or hold back, as the
     * batch left them.
     */
    private List<Planner.Stored> samePerson(DSLContext dsl, BookingStore.Person person, Set<UUID> mine, Batch batch) {
        List<Planner.Stored> out = new ArrayList<>();
        List<UUID> stored;
        if (batch == null) {
            stored = bookings.chainsOf(dsl, List.of(person)).get(person);
        } else {
            batch.wroteOf(person.integrationId(), person.email()).stream().filter(c -> !mine.contains(c.id())).forEach(out::add);
            stored = batch.chainsOf(person);
        }
        for (UUID chain : stored) {
            if (!mine.contains(chain) && (batch == null || !batch.changed(chain))) {
                out.add(new Planner.Stored(chain, bookings.findChain(dsl, chain),
                        ChainLedger.read(ledgers.load(dsl, person.tenantId(), chain))));
            }
        }
        return out;
    }


    static String explain(UnknownReferenceException e, Policy policy) {
        String id = e.id();
        return switch (e.kind()) {
            case CONTACT, TASK -> "The " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + id
                    + " that this booking created earlier no longer exists in the CRM, so this change from Calendly "
                    + "cannot be applied to it.";
            default -> {
                String what = switch (e.kind()) {
                    case MAILING_LIST -> "Mailing list";
                    case TAG -> "Tag";
                    case CONTACT_STATUS -> "Contact status";
                    default -> "Team member";
                };
                yield what + " " + id + " no longer exists, but " + policy.whereIs(e.kind(), id)
                        + " still names it. Change that setting, then replay this delivery.";
            }
        };
    }


    /**
     * Runs {@code work} with the JDBC connection of the transaction {@code dsl} belongs to, guarded
     * as the host gets it in {@code HostCall.transaction()}: it cannot commit, roll back or close it,
     * nor use it after the transaction.
     */
    static <T> T withConnection(DSLContext dsl, Function<Connection, T> work) {
        var provider = dsl.configuration().connectionProvider();
        Connection conn = provider.acquire();
        GuardedConnection forHost = GuardedConnection.of(conn);
        try {
            return work.apply(forHost);
        } finally {
            forHost.end();
            provider.release(conn);
        }
    }
}
