package io.calbridge.calendly.internal.sync;

import static io.calbridge.db.calendly.Tables.CALENDLY_INVITEE_OWNER;

import io.calbridge.calendly.internal.booking.BookingProcessor;
import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.DeliveryEnvelope;
import io.calbridge.calendly.internal.webhook.DeliveryProcessor;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * One booking per invitee per tenant. A tenant may have two integrations that both see an invitee
 * (an organization-scope OAuth connection and a personal token of a user in that organization):
 * Calendly then delivers every event twice, once per subscription, and imports find the invitee
 * twice. The first integration of the tenant that sees an invitee owns it
 * ({@code calendly_invitee_owner}); every delivery or import of that invitee, through whichever
 * integration, is applied as the owner's, so the booking pipeline finds one booking, one chain and
 * one ledger, and the tenant gets one set of effects. The owner's settings and mappings apply.
 * A reschedule's new invitee follows its old invitee's owner, so the chain never splits.
 *
 * <p>Ownership never moves (not even when the owner is disconnected): moving it would start a second
 * chain with new idempotency keys, and the host would see a second contact task. The claim commits
 * on its own before the pipeline runs: it is idempotent, so a pipeline rollback needs no undo.
 */
public final class OneBookingPerInvitee implements DeliveryProcessor {
    private static final org.jooq.Field<String> ASYNC_COMMIT = org.jooq.impl.DSL.function("set_config",
            org.jooq.impl.SQLDataType.CLOB, org.jooq.impl.DSL.inline("synchronous_commit"), org.jooq.impl.DSL.inline("off"),
            org.jooq.impl.DSL.inline(true));
    private final Db db;
    private final BookingProcessor pipeline;
    private final Clock clock;
    private final Predicate<StoredDelivery> admitted;

    public OneBookingPerInvitee(Db db, BookingProcessor pipeline, Clock clock) {
        this(db, pipeline, clock, delivery -> true);
    }

    /** @param admitted false for a body that must not be applied at all (an erased person the tenant ignores) */
    public OneBookingPerInvitee(Db db, BookingProcessor pipeline, Clock clock, Predicate<StoredDelivery> admitted) {
        this.db = Objects.requireNonNull(db, "db");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.admitted = Objects.requireNonNull(admitted, "admitted");
    }

    @Override
    public ProcessingResult process(StoredDelivery delivery) {
        return process(delivery, BookingProcessor.Options.AS_DELIVERED);
    }

    ProcessingResult process(StoredDelivery delivery, BookingProcessor.Options options) {
        if (!admitted.test(delivery)) {
            return ProcessingResult.IGNORED;
        }
        Invitees ids = Invitees.of(delivery.rawBody());
        if (ids == null) {
            // Not about an invitee (routing forms, unreadable bodies): the pipeline decides.
            return pipeline.process(delivery, options);
        }
        UUID owner = db.tx(dsl -> claim(dsl, delivery.tenantId(), delivery.integrationId(), ids));
        return pipeline.process(routedTo(delivery, owner), options);
    }

    /** The delivery as processed by the invitee's owning integration (itself when it owns them, or none does). */
    private static StoredDelivery routedTo(StoredDelivery d, UUID owner) {
        return owner == null || owner.equals(d.integrationId()) ? d
                : new StoredDelivery(d.inboxId(), d.tenantId(), owner, d.event(), d.rawBody(), d.attempt(), d.receivedAt());
    }

    @Override
    public boolean batches() {
        return true;
    }

    /**
     * Claims the owners of every invitee of the batch in one transaction of its own (as
     * {@link #process} does for one), then hands the routed deliveries to the pipeline together.
     */
    @Override
    public List<ProcessingResult> processAll(List<StoredDelivery> deliveries) {
        List<StoredDelivery> admittedOnes = deliveries.stream().filter(admitted).toList();
        List<Invitees> ids = admittedOnes.stream().map(d -> Invitees.of(d.rawBody())).toList(); // null: not an invitee's
        List<UUID> owners = admittedOnes.isEmpty() ? List.of() : db.tx(dsl -> claimAll(dsl, admittedOnes, ids));
        List<StoredDelivery> routed = new ArrayList<>(admittedOnes.size());
        for (int i = 0; i < admittedOnes.size(); i++) {
            routed.add(routedTo(admittedOnes.get(i), owners.get(i)));
        }
        List<ProcessingResult> applied = routed.isEmpty() ? List.of() : pipeline.processAll(routed);
        return DeliveryProcessor.rejoin(deliveries, admittedOnes, applied, d -> ProcessingResult.IGNORED);
    }

    /** The invitee URIs a body names: the invitee, and the other half of a reschedule. */
    record Invitees(String uri, String oldInvitee, String newInvitee) {
        /** Read with the one envelope reader; null when the body is not about an invitee or unreadable. */
        static Invitees of(byte[] body) {
            Invitee invitee;
            try {
                DeliveryEnvelope envelope = DeliveryEnvelope.parse(body);
                if (!envelope.event().startsWith("invitee")) {
                    return null;
                }
                invitee = envelope.payload(Invitee.class);
            } catch (DeliveryEnvelope.InvalidPayload | IOException e) {
                return null;
            }
            if (invitee == null || invitee.uri() == null || invitee.uri().isBlank()) {
                return null;
            }
            return new Invitees(invitee.uri(), blankToNull(invitee.oldInvitee()), blankToNull(invitee.newInvitee()));
        }

        private static String blankToNull(String uri) {
            return uri == null || uri.isBlank() ? null : uri;
        }

        List<String> all() {
            List<String> out = new ArrayList<>(List.of(uri));
            if (oldInvitee != null) {
                out.add(oldInvitee);
            }
            if (newInvitee != null) {
                out.add(newInvitee);
            }
            return out;
        }
    }

    /**
     * {@link #claim} for a batch, in four statements whatever its size: the owners known, one insert
     * of the new claims (in key order, so two batches never wait on each other in a circle), and the
     * winners read back. Later deliveries of the batch follow earlier ones' claims. Null for a
     * delivery not about an invitee.
     */
    private List<UUID> claimAll(DSLContext dsl, List<StoredDelivery> deliveries, List<Invitees> ids) {
        var o = CALENDLY_INVITEE_OWNER;
        dsl.select(ASYNC_COMMIT).fetch();
        Map<String, Set<String>> urisByTenant = new HashMap<>();
        for (int i = 0; i < deliveries.size(); i++) {
            if (ids.get(i) != null) {
                urisByTenant.computeIfAbsent(deliveries.get(i).tenantId(), t -> new HashSet<>()).addAll(ids.get(i).all());
            }
        }
        if (urisByTenant.isEmpty()) {
            return java.util.Arrays.asList(new UUID[deliveries.size()]);
        }
        Condition named = DSL.or(urisByTenant.entrySet().stream()
                .map(e -> o.TENANT_ID.eq(e.getKey()).and(o.INVITEE_URI.in(e.getValue()))).toList());
        Map<String, UUID> owners = new HashMap<>();
        dsl.select(o.TENANT_ID, o.INVITEE_URI, o.INTEGRATION_ID).from(o).where(named)
                .forEach(r -> owners.put(r.value1() + "\n" + r.value2(), r.value3()));
        TreeMap<String, UUID> claims = new TreeMap<>();
        for (int i = 0; i < deliveries.size(); i++) {
            Invitees invitees = ids.get(i);
            if (invitees == null) {
                continue;
            }
            String tenant = deliveries.get(i).tenantId() + "\n";
            UUID owner = owners.get(tenant + invitees.uri());
            if (owner == null && invitees.oldInvitee() != null) {
                owner = owners.get(tenant + invitees.oldInvitee());
            }
            if (owner == null && invitees.newInvitee() != null) {
                owner = owners.get(tenant + invitees.newInvitee());
            }
            if (owner == null) {
                owner = deliveries.get(i).integrationId();
            }
            for (String uri : invitees.all()) {
                if (owners.putIfAbsent(tenant + uri, owner) == null) {
                    claims.put(tenant + uri, owner);
                }
            }
        }
        if (!claims.isEmpty()) {
            var insert = dsl.insertInto(o, o.TENANT_ID, o.INVITEE_URI, o.INTEGRATION_ID, o.CLAIMED_AT);
            for (var claim : claims.entrySet()) {
                int cut = claim.getKey().indexOf('\n');
                insert = insert.values(claim.getKey().substring(0, cut), claim.getKey().substring(cut + 1), claim.getValue(),
                        SyncStore.ts(clock.instant()));
            }
            insert.onConflictDoNothing().execute();
            owners.clear();
            dsl.select(o.TENANT_ID, o.INVITEE_URI, o.INTEGRATION_ID).from(o).where(named)
                    .forEach(r -> owners.put(r.value1() + "\n" + r.value2(), r.value3()));
        }
        List<UUID> result = new ArrayList<>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            result.add(ids.get(i) == null ? null : owners.get(deliveries.get(i).tenantId() + "\n" + ids.get(i).uri()));
        }
        return result;
    }

    /**
     * The owner of the invitee: its own, else its reschedule partner's, else {@code integrationId}.
     * Inserts race safely (first insert wins), then reads back the winner.
     */
    private UUID claim(DSLContext dsl, String tenantId, UUID integrationId, Invitees ids) {
        var o = CALENDLY_INVITEE_OWNER;
        // No fsync for this commit: a claim lost in a crash is made again, identically, by the retry.
        dsl.select(ASYNC_COMMIT).fetch();
        Map<String, UUID> known = dsl.select(o.INVITEE_URI, o.INTEGRATION_ID).from(o)
                .where(o.TENANT_ID.eq(tenantId).and(o.INVITEE_URI.in(ids.all())))
                .fetchMap(o.INVITEE_URI, o.INTEGRATION_ID);
        UUID owner = known.get(ids.uri());
        if (owner == null && ids.oldInvitee() != null) {
            owner = known.get(ids.oldInvitee());
        }
        if (owner == null && ids.newInvitee() != null) {
            owner = known.get(ids.newInvitee());
        }
        if (owner == null) {
            owner = integrationId;
        }
        var insert = dsl.insertInto(o, o.TENANT_ID, o.INVITEE_URI, o.INTEGRATION_ID, o.CLAIMED_AT);
        for (String uri : ids.all()) {
            insert = insert.values(tenantId, uri, owner, SyncStore.ts(clock.instant()));
        }
        insert.onConflictDoNothing().execute();
        return dsl.select(o.INTEGRATION_ID).from(o).where(o.TENANT_ID.eq(tenantId).and(o.INVITEE_URI.eq(ids.uri())))
                .fetchSingle(o.INTEGRATION_ID);
    }
}
