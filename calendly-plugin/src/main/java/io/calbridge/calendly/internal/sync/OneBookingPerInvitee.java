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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import org.jooq.DSLContext;

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
        StoredDelivery routed = owner.equals(delivery.integrationId()) ? delivery
                : new StoredDelivery(delivery.inboxId(), delivery.tenantId(), owner, delivery.event(), delivery.rawBody(),
                        delivery.attempt(), delivery.receivedAt());
        return pipeline.process(routed, options);
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
