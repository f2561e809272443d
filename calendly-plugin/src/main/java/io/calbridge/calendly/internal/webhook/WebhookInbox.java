package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;
import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.when;

import io.calbridge.db.calendly.tables.CalendlyWebhookInbox;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record11;
import org.jooq.Row11;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The durable inbox ({@code calendly_webhook_inbox}) and the rejection log
 * ({@code calendly_webhook_rejection}). One readable statement per method; callers own transactions.
 *
 * <p>Row life: PENDING → (claim) PROCESSING → DONE | IGNORED | PENDING (retry later) | DEAD. A
 * PROCESSING row whose lease ran out (its node died) goes back to PENDING, or to DEAD when it used up
 * its attempts. Every update of a claimed row names the claiming node, so a node that lost its lease
 * cannot overwrite what the new owner wrote.
 */
final class WebhookInbox {
    private static final CalendlyWebhookInbox INBOX = CALENDLY_WEBHOOK_INBOX;
    static final int MAX_ERROR_LENGTH = 2000;

    enum Status { PENDING, PROCESSING, DONE, IGNORED, DEAD }

    /** A verified delivery about to be stored. {@code handled=false} stores it as IGNORED. */
    record NewDelivery(
            String tenantId,
            UUID integrationId,
            String event,
            String dedupeKey,
            byte[] rawBody,
            Instant payloadCreatedAt,
            Instant signatureTimestamp,
            Instant receivedAt,
            boolean handled) {
    }

    /** A refused delivery, recorded without its body. */
    record Rejection(String tenantId, UUID integrationId, String reason, String detail, int bodyBytes,
                     String remoteAddress, Instant receivedAt) {
    }

    record Inserted(long id, UUID integrationId, String dedupeKey, boolean pending) {
    }

    /**
     * Inserts the deliveries whose integration is still connected; a delivery already stored for its
     * integration (same dedupe key) is skipped. One statement, so it is atomic even in autocommit.
     *
     * @return the rows actually inserted
     */
    List<Inserted> insertNew(DSLContext dsl, List<NewDelivery> deliveries) {
        List<Row11<String, UUID, String, String, byte[], OffsetDateTime, OffsetDateTime, OffsetDateTime, String,
                OffsetDateTime, OffsetDateTime>> rows = new ArrayList<>(deliveries.size());
        for (NewDelivery d : deliveries) {
            OffsetDateTime received = utc(d.receivedAt());
            rows.add(row(
                    DSL.val(d.tenantId(), SQLDataType.CLOB),
                    DSL.val(d.integrationId(), SQLDataType.UUID),
                    DSL.val(d.event(), SQLDataType.CLOB),
                    DSL.val(d.dedupeKey(), SQLDataType.CLOB),
                    DSL.val(d.rawBody(), SQLDataType.BLOB),
                    DSL.val(utc(d.payloadCreatedAt()), SQLDataType.TIMESTAMPWITHTIMEZONE),
                    DSL.val(utc(d.signatureTimestamp()), SQLDataType.TIMESTAMPWITHTIMEZONE),
                    DSL.val(received, SQLDataType.TIMESTAMPWITHTIMEZONE),
                    DSL.val((d.handled() ? Status.PENDING : Status.IGNORED).name(), SQLDataType.CLOB),
                    DSL.val(received, SQLDataType.TIMESTAMPWITHTIMEZONE),
                    DSL.val(d.handled() ? null : received, SQLDataType.TIMESTAMPWITHTIMEZONE)));
        }
        @SuppressWarnings("unchecked")
        Table<Record11<String, UUID, String, String, byte[], OffsetDateTime, OffsetDateTime, OffsetDateTime, String,
                OffsetDateTime, OffsetDateTime>> v = DSL.values(rows.toArray(new Row11[0])).as("v",
                "tenant_id", "integration_id", "event", "dedupe_key", "raw_body", "payload_created_at",
                "signature_timestamp", "received_at", "status", "next_attempt_at", "processed_at");
        Field<UUID> vIntegration = v.field("integration_id", UUID.class);
        return dsl.insertInto(INBOX, INBOX.TENANT_ID, INBOX.INTEGRATION_ID, INBOX.EVENT, INBOX.DEDUPE_KEY,
                        INBOX.RAW_BODY, INBOX.PAYLOAD_CREATED_AT, INBOX.SIGNATURE_TIMESTAMP, INBOX.RECEIVED_AT,
                        INBOX.STATUS, INBOX.NEXT_ATTEMPT_AT, INBOX.PROCESSED_AT)
                .select(DSL.selectFrom(v).where(exists(selectOne().from(CALENDLY_INTEGRATION)
                        .where(CALENDLY_INTEGRATION.ID.eq(vIntegration))
                        .and(CALENDLY_INTEGRATION.STATUS.ne(IntegrationDirectory.DISCONNECTED)))))
                .onConflictDoNothing()
                .returningResult(INBOX.ID, INBOX.INTEGRATION_ID, INBOX.DEDUPE_KEY, INBOX.STATUS)
                .fetch(r -> new Inserted(r.value1(), r.value2(), r.value3(), Status.PENDING.name().equals(r.value4())));
    }

    /** Of these integrations, the ones still connected (to tell a duplicate from a disconnected one). */
    List<UUID> liveIntegrations(DSLContext dsl, Collection<UUID> ids) {
        return dsl.select(CALENDLY_INTEGRATION.ID).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.in(ids))
                .and(CALENDLY_INTEGRATION.STATUS.ne(IntegrationDirectory.DISCONNECTED))
                .fetch(CALENDLY_INTEGRATION.ID);
    }

    /** Sets last_delivery_at, touching each row at most once per {@code notBefore} window. */
    void touchLastDelivery(DSLContext dsl, Collection<UUID> ids, Instant now, Instant notBefore) {
        dsl.update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.LAST_DELIVERY_AT, utc(now))
                .where(CALENDLY_INTEGRATION.ID.in(ids))
                .and(CALENDLY_INTEGRATION.LAST_DELIVERY_AT.isNull().or(CALENDLY_INTEGRATION.LAST_DELIVERY_AT.lt(utc(notBefore))))
                .execute();
    }

    void insertRejections(DSLContext dsl, List<Rejection> rejections) {
        var insert = dsl.insertInto(CALENDLY_WEBHOOK_REJECTION,
                CALENDLY_WEBHOOK_REJECTION.TENANT_ID, CALENDLY_WEBHOOK_REJECTION.INTEGRATION_ID,
                CALENDLY_WEBHOOK_REJECTION.REASON, CALENDLY_WEBHOOK_REJECTION.DETAIL,
                CALENDLY_WEBHOOK_REJECTION.BODY_BYTES, CALENDLY_WEBHOOK_REJECTION.REMOTE_ADDRESS,
                CALENDLY_WEBHOOK_REJECTION.RECEIVED_AT);
        for (Rejection r : rejections) {
            insert = insert.values(r.tenantId(), r.integrationId(), r.reason(), r.detail(), r.bodyBytes(),
                    r.remoteAddress(), utc(r.receivedAt()));
        }
        insert.execute();
    }

    /**
     * Claims up to {@code limit} due rows for {@code node} with {@code FOR UPDATE SKIP LOCKED}, so nodes
     * never claim the same row, and counts the attempt.
     */
    List<StoredDelivery> claim(DSLContext dsl, String node, int limit, Instant now, Instant leaseUntil) {
        var due = select(INBOX.ID).from(INBOX)
                .where(INBOX.STATUS.eq(Status.PENDING.name()))
                .and(INBOX.NEXT_ATTEMPT_AT.le(utc(now)))
                .orderBy(INBOX.NEXT_ATTEMPT_AT, INBOX.ID)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.update(INBOX)
                .set(INBOX.STATUS, Status.PROCESSING.name())
                .set(INBOX.LOCKED_BY, node)
                .set(INBOX.LOCKED_UNTIL, utc(leaseUntil))
                .set(INBOX.ATTEMPTS, INBOX.ATTEMPTS.plus(1))
                .where(INBOX.ID.in(due))
                .returningResult(INBOX.ID, INBOX.TENANT_ID, INBOX.INTEGRATION_ID, INBOX.EVENT, INBOX.RAW_BODY,
                        INBOX.ATTEMPTS, INBOX.RECEIVED_AT)
                .fetch(r -> new StoredDelivery(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(),
                        r.value7().toInstant()))
                .stream()
                .sorted(java.util.Comparator.comparingLong(StoredDelivery::inboxId))
                .toList();
    }

    /**
     * Returns rows whose lease ran out (their node died or stalled) to PENDING, due now; rows that
     * already used {@code maxAttempts} go to DEAD instead, so a delivery that kills its worker cannot
     * loop forever.
     */
    int reclaimExpired(DSLContext dsl, Instant now, int maxAttempts) {
        var expired = select(INBOX.ID).from(INBOX)
                .where(INBOX.STATUS.eq(Status.PROCESSING.name()))
                .and(INBOX.LOCKED_UNTIL.lt(utc(now)))
                .limit(1000)
                .forUpdate()
                .skipLocked();
        Field<String> reason = DSL.concat(DSL.val("lease expired: node "), DSL.coalesce(INBOX.LOCKED_BY, DSL.val("?")),
                DSL.val(" stopped while processing"));
        return dsl.update(INBOX)
                .set(INBOX.STATUS, when(INBOX.ATTEMPTS.ge(maxAttempts), Status.DEAD.name()).otherwise(Status.PENDING.name()))
                .set(INBOX.LAST_ERROR, reason)
                .set(INBOX.NEXT_ATTEMPT_AT, utc(now))
                .set(INBOX.PROCESSED_AT, when(INBOX.ATTEMPTS.ge(maxAttempts), utc(now)).otherwise((OffsetDateTime) null))
                .setNull(INBOX.LOCKED_BY)
                .setNull(INBOX.LOCKED_UNTIL)
                .where(INBOX.ID.in(expired))
                .execute();
    }

    /** Keeps claimed rows with their node while it works through a long batch. */
    int extendLease(DSLContext dsl, String node, Collection<Long> ids, Instant until) {
        return dsl.update(INBOX)
                .set(INBOX.LOCKED_UNTIL, utc(until))
                .where(INBOX.ID.in(ids))
                .and(INBOX.STATUS.eq(Status.PROCESSING.name()))
                .and(INBOX.LOCKED_BY.eq(node))
                .execute();
    }

    /** Finished: DONE, IGNORED or DEAD. False when the row is no longer this node's. */
    boolean finish(DSLContext dsl, long id, String node, Status status, String error, Instant now, int processingMs) {
        return dsl.update(INBOX)
                .set(INBOX.STATUS, status.name())
                .set(INBOX.LAST_ERROR, truncate(error))
                .set(INBOX.PROCESSED_AT, utc(now))
                .set(INBOX.PROCESSING_MS, processingMs)
                .setNull(INBOX.LOCKED_BY)
                .setNull(INBOX.LOCKED_UNTIL)
                .where(INBOX.ID.eq(id))
                .and(INBOX.STATUS.eq(Status.PROCESSING.name()))
                .and(INBOX.LOCKED_BY.eq(node))
                .execute() == 1;
    }

    /** Failed, to be tried again at {@code nextAttemptAt}. False when the row is no longer this node's. */
    boolean retryLater(DSLContext dsl, long id, String node, String error, Instant nextAttemptAt, int processingMs) {
        return dsl.update(INBOX)
                .set(INBOX.STATUS, Status.PENDING.name())
                .set(INBOX.LAST_ERROR, truncate(error))
                .set(INBOX.NEXT_ATTEMPT_AT, utc(nextAttemptAt))
                .set(INBOX.PROCESSING_MS, processingMs)
                .setNull(INBOX.LOCKED_BY)
                .setNull(INBOX.LOCKED_UNTIL)
                .where(INBOX.ID.eq(id))
                .and(INBOX.STATUS.eq(Status.PROCESSING.name()))
                .and(INBOX.LOCKED_BY.eq(node))
                .execute() == 1;
    }

    /** Gives claimed rows back untouched (shutdown before they were started): the attempt is not counted. */
    int release(DSLContext dsl, String node, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return dsl.update(INBOX)
                .set(INBOX.STATUS, Status.PENDING.name())
                .set(INBOX.ATTEMPTS, DSL.greatest(INBOX.ATTEMPTS.minus(1), DSL.val(0)))
                .setNull(INBOX.LOCKED_BY)
                .setNull(INBOX.LOCKED_UNTIL)
                .where(INBOX.ID.in(ids))
                .and(INBOX.STATUS.eq(Status.PROCESSING.name()))
                .and(INBOX.LOCKED_BY.eq(node))
                .execute();
    }

    /**
     * Makes one of a tenant's deliveries due again with fresh attempts.
     *
     * @return the status it had, or empty when the tenant has no such delivery; PROCESSING is returned
     *         without any change (it is being worked on right now)
     */
    Optional<Status> replay(DSLContext dsl, String tenantId, long id, Instant now) {
        Optional<Status> current = dsl.select(INBOX.STATUS).from(INBOX)
                .where(INBOX.ID.eq(id)).and(INBOX.TENANT_ID.eq(tenantId))
                .forUpdate()
                .fetchOptional(r -> Status.valueOf(r.value1()));
        if (current.isPresent() && current.get() != Status.PROCESSING) {
            dsl.update(INBOX)
                    .set(INBOX.STATUS, Status.PENDING.name())
                    .set(INBOX.ATTEMPTS, 0)
                    .set(INBOX.NEXT_ATTEMPT_AT, utc(now))
                    .setNull(INBOX.LAST_ERROR)
                    .setNull(INBOX.PROCESSED_AT)
                    .setNull(INBOX.PROCESSING_MS)
                    .setNull(INBOX.LOCKED_BY)
                    .setNull(INBOX.LOCKED_UNTIL)
                    .where(INBOX.ID.eq(id))
                    .execute();
        }
        return current;
    }

    /** Makes every dead-lettered delivery of one integration due again; returns how many. */
    int replayDead(DSLContext dsl, UUID integrationId, Instant now) {
        return dsl.update(INBOX)
                .set(INBOX.STATUS, Status.PENDING.name())
                .set(INBOX.ATTEMPTS, 0)
                .set(INBOX.NEXT_ATTEMPT_AT, utc(now))
                .setNull(INBOX.LAST_ERROR)
                .setNull(INBOX.PROCESSED_AT)
                .setNull(INBOX.PROCESSING_MS)
                .where(INBOX.INTEGRATION_ID.eq(integrationId))
                .and(INBOX.STATUS.eq(Status.DEAD.name()))
                .execute();
    }

    boolean integrationOfTenant(DSLContext dsl, String tenantId, UUID integrationId) {
        return dsl.fetchExists(CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.ID.eq(integrationId)
                .and(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId)));
    }

    /** Rows per unfinished or dead status, over all tenants: a point-in-time snapshot. */
    Map<Status, Long> depth(DSLContext dsl) {
        Map<Status, Long> counts = new EnumMap<>(Status.class);
        for (Status s : List.of(Status.PENDING, Status.PROCESSING, Status.DEAD)) {
            counts.put(s, 0L);
        }
        dsl.select(INBOX.STATUS, DSL.count()).from(INBOX)
                .where(INBOX.STATUS.in(Status.PENDING.name(), Status.PROCESSING.name(), Status.DEAD.name()))
                .groupBy(INBOX.STATUS)
                .fetch()
                .forEach(r -> counts.put(Status.valueOf(r.value1()), r.value2().longValue()));
        return counts;
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }
}
