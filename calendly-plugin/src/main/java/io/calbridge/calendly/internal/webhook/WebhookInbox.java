package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.when;

import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.db.calendly.tables.CalendlyWebhookInbox;
import io.calbridge.db.calendly.tables.records.CalendlyWebhookInboxRecord;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.conf.ParamType;
import org.jooq.exception.DataAccessException;
import org.jooq.Field;
import org.jooq.UpdateSetMoreStep;
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

    /** The field name bound into a sealed body's associated data. */
    static final String BODY_FIELD = "calendly_webhook_inbox.raw_body";
    static final String REJECTION_DETAIL_FIELD = "calendly_webhook_rejection.detail";

    private final PersonalData personal;

    /**
     * @param personal seals every body before it is stored (the signature was checked on the raw bytes
     *                 before) and opens it when a worker claims it
     */
    WebhookInbox(PersonalData personal) {
        this.personal = java.util.Objects.requireNonNull(personal, "personal");
    }

    /** Stores bodies in clear: only for tests of the queue's mechanics. */
    WebhookInbox() {
        this(PersonalData.clearFor(null));
    }

    /** What a body's associated data binds it to besides its tenant: its integration and dedupe key (unique). */
    static String bodyRowKey(UUID integrationId, String dedupeKey) {
        return integrationId + "/" + dedupeKey;
    }

    /** Opens a stored body (sealed, or clear from before sealing); null stays null (purged). */
    byte[] openBody(String tenantId, UUID integrationId, String dedupeKey, byte[] stored) {
        return personal.openBody(tenantId, BODY_FIELD, bodyRowKey(integrationId, dedupeKey), stored);
    }

    /** A rejection's row key: its integration and the instant it was received, to the microsecond (as stored). */
    static String rejectionRowKey(UUID integrationId, Instant receivedAt) {
        Instant micros = receivedAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return integrationId + "/" + micros.getEpochSecond() + "." + micros.getNano() / 1000;
    }

    String openRejectionDetail(String tenantId, UUID integrationId, Instant receivedAt, byte[] stored) {
        return personal.openText(tenantId, REJECTION_DETAIL_FIELD, rejectionRowKey(integrationId, receivedAt), stored);
    }

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

    /** The columns the receive path's insert writes, in the order of its parameters. */
    private static final List<TableField<CalendlyWebhookInboxRecord, ?>> INSERTED = List.of(INBOX.TENANT_ID,
            INBOX.INTEGRATION_ID, INBOX.EVENT, INBOX.DEDUPE_KEY, INBOX.RAW_BODY, INBOX.PAYLOAD_CREATED_AT,
            INBOX.SIGNATURE_TIMESTAMP, INBOX.RECEIVED_AT, INBOX.STATUS, INBOX.NEXT_ATTEMPT_AT, INBOX.PROCESSED_AT);

    /**
     * The receive path's insert of one delivery, written in jOOQ and rendered once, executed through
     * JDBC so the body is bound as bytes (jOOQ would send a bytea as a text literal). Plain parameters:
     * the statement it replaced took one array per column through {@code unnest} for the group commit's
     * batches: nine array literals encoded by the driver and parsed and unnested by PostgreSQL for
     * every one-row request.
     * Parameters, in order: tenant_id, integration_id, event, dedupe_key, raw_body,
     * payload_created_at, signature_timestamp, received_at, status, next_attempt_at, processed_at,
     * integration_id again (the still-connected check).
     */
    static final String INSERT_ONE_SQL = renderInsertOne();

    private static String renderInsertOne() {
        var query = DSL.using(SQLDialect.POSTGRES, new org.jooq.conf.Settings()
                        .withRenderSchema(false)
                        .withRenderQuotedNames(org.jooq.conf.RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED))
                .insertInto(INBOX, INSERTED)
                // One parameter per column, named after it, of its SQL type (no precision: "timestamp with time zone").
                .select(DSL.select(INSERTED.stream().map(c -> DSL.param(c.getName(), c.getDataType().getSQLDataType())).toList())
                        .whereExists(selectOne().from(CALENDLY_INTEGRATION)
                                .where(CALENDLY_INTEGRATION.ID.eq(DSL.param("live_integration_id", SQLDataType.UUID)))
                                .and(CALENDLY_INTEGRATION.STATUS.ne(DSL.inline(IntegrationDirectory.DISCONNECTED)))))
                .onConflictDoNothing()
                .returningResult(INBOX.ID, INBOX.STATUS);
        return query.getSQL(ParamType.INDEXED);
    }

    /**
     * Inserts one delivery if its integration is still connected and it is not stored yet (same
     * dedupe key); canceled by PostgreSQL after {@code timeout}. Empty when nothing was inserted.
     *
     * @throws QueryTimedOut when the limit passed
     */
    Optional<Inserted> insertOne(DSLContext dsl, NewDelivery d, java.time.Duration timeout) {
        // Sealed here, at the store boundary, after the receiver checked the signature on the raw bytes.
        byte[] body = personal.seal(d.tenantId(), BODY_FIELD, bodyRowKey(d.integrationId(), d.dedupeKey()), d.rawBody());
        OffsetDateTime received = utc(d.receivedAt());
        Status status = d.handled() ? Status.PENDING : Status.IGNORED;
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_ONE_SQL)) {
                ps.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                ps.setString(1, d.tenantId());
                ps.setObject(2, d.integrationId());
                ps.setString(3, d.event());
                ps.setString(4, d.dedupeKey());
                ps.setBytes(5, body);
                ps.setObject(6, utc(d.payloadCreatedAt()));
                ps.setObject(7, utc(d.signatureTimestamp()));
                ps.setObject(8, received);
                ps.setString(9, status.name());
                ps.setObject(10, received);
                ps.setObject(11, status == Status.IGNORED ? received : null, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(12, d.integrationId());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Inserted(rs.getLong(1), d.integrationId(), d.dedupeKey(),
                                    Status.PENDING.name().equals(rs.getString(2))))
                            : Optional.empty();
                }
            } catch (SQLException e) {
                if ("57014".equals(e.getSQLState())) { // query_canceled: the statement timeout
                    throw new QueryTimedOut("inserting a webhook delivery took longer than " + timeout);
                }
                throw new DataAccessException("inserting a webhook delivery failed: " + e.getMessage(), e);
            }
        });
    }

    /** A statement given a time limit did not finish within it (PostgreSQL canceled it). */
    static final class QueryTimedOut extends RuntimeException {
        QueryTimedOut(String message) {
            super(message, null, false, false);
        }
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
                CALENDLY_WEBHOOK_REJECTION.DETAIL_ENC, CALENDLY_WEBHOOK_REJECTION.BODY_BYTES, CALENDLY_WEBHOOK_REJECTION.REMOTE_ADDRESS,
                CALENDLY_WEBHOOK_REJECTION.RECEIVED_AT);
        for (Rejection r : rejections) {
            Instant at = r.receivedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            boolean seal = r.tenantId() != null && r.integrationId() != null && r.detail() != null && personal.seals();
            insert = insert.values(r.tenantId(), r.integrationId(), r.reason(), seal ? null : r.detail(),
                    seal ? personal.sealText(r.tenantId(), REJECTION_DETAIL_FIELD, rejectionRowKey(r.integrationId(), at), r.detail()) : null,
                    r.bodyBytes(), r.remoteAddress(), utc(at));
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
        List<StoredDelivery> readable = new ArrayList<>();
        Map<Long, String> unreadable = new java.util.LinkedHashMap<>();
        dsl.update(INBOX)
                .set(INBOX.STATUS, Status.PROCESSING.name())
                .set(INBOX.LOCKED_BY, node)
                .set(INBOX.LOCKED_UNTIL, utc(leaseUntil))
                .set(INBOX.ATTEMPTS, INBOX.ATTEMPTS.plus(1))
                .where(INBOX.ID.in(due))
                .returningResult(INBOX.ID, INBOX.TENANT_ID, INBOX.INTEGRATION_ID, INBOX.EVENT, INBOX.RAW_BODY,
                        INBOX.ATTEMPTS, INBOX.RECEIVED_AT, INBOX.DEDUPE_KEY)
                .fetch()
                .forEach(r -> {
                    byte[] body;
                    try {
                        body = openBody(r.value2(), r.value3(), r.value8(), r.value5());
                    } catch (SecretUnavailableException e) {
                        unreadable.put(r.value1(), e.reason() == SecretUnavailableException.Reason.TENANT_SHREDDED
                                ? "The delivery can never be read: the tenant was forgotten and its data key destroyed."
                                : "The delivery's stored body does not open (" + e.reason() + "): it was altered or moved.");
                        return;
                    }
                    if (body == null) {
                        unreadable.put(r.value1(), "The delivery's body was purged (retention), so it cannot be processed again.");
                        return;
                    }
                    readable.add(new StoredDelivery(r.value1(), r.value2(), r.value3(), r.value4(), body, r.value6(),
                            r.value7().toInstant()));
                });
        // Retrying would never help: dead-letter them now, with the reason for the tenant's admin (rare).
        unreadable.forEach((id, why) -> dsl.update(INBOX)
                .set(INBOX.STATUS, Status.DEAD.name())
                .set(INBOX.LAST_ERROR, why)
                .set(INBOX.PROCESSED_AT, utc(now))
                .setNull(INBOX.LOCKED_BY)
                .setNull(INBOX.LOCKED_UNTIL)
                .where(INBOX.ID.eq(id))
                .execute());
        readable.sort(java.util.Comparator.comparingLong(StoredDelivery::inboxId));
        return readable;
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
                .and(claimedBy(node))
                .execute();
    }

    /** Finished: DONE, IGNORED or DEAD. False when the row is no longer this node's. */
    boolean finish(DSLContext dsl, long id, String node, Status status, String error, Instant now, int processingMs) {
        return endAttempt(dsl, status, error, processingMs)
                .set(INBOX.PROCESSED_AT, utc(now))
                .where(INBOX.ID.eq(id))
                .and(claimedBy(node))
                .execute() == 1;
    }

    /**
     * A batch applied together: every row DONE, but {@code ignored} ones IGNORED, in one statement.
     * Returns the ids that were still this node's (a row reclaimed meanwhile is left to its new owner).
     */
    java.util.Set<Long> finishAll(DSLContext dsl, Collection<Long> ids, Collection<Long> ignored, String node, Instant now,
                                  int processingMs) {
        return new java.util.HashSet<>(dsl.update(INBOX)
                .set(INBOX.STATUS, ignored.isEmpty() ? DSL.inline(Status.DONE.name())
                        : when(INBOX.ID.in(ignored), DSL.inline(Status.IGNORED.name())).otherwise(DSL.inline(Status.DONE.name())))
                .setNull(INBOX.LAST_ERROR)
                .set(INBOX.PROCESSED_AT, utc(now))
                .set(INBOX.PROCESSING_MS, processingMs)
                .setNull(INBOX.LOCKED_BY)
                .setNull(INBOX.LOCKED_UNTIL)
                .where(INBOX.ID.in(ids))
                .and(INBOX.STATUS.eq(Status.PROCESSING.name()))
                .and(INBOX.LOCKED_BY.eq(node))
                .returningResult(INBOX.ID)
                .fetch(INBOX.ID));
    }

    /** Failed, to be tried again at {@code nextAttemptAt}. False when the row is no longer this node's. */
    boolean retryLater(DSLContext dsl, long id, String node, String error, Instant nextAttemptAt, int processingMs) {
        return endAttempt(dsl, Status.PENDING, error, processingMs)
                .set(INBOX.NEXT_ATTEMPT_AT, utc(nextAttemptAt))
                .where(INBOX.ID.eq(id))
                .and(claimedBy(node))
                .execute() == 1;
    }

    /** An attempt is over: the row's new status and error, how long it took, the lock given up. */
    private static UpdateSetMoreStep<CalendlyWebhookInboxRecord> endAttempt(DSLContext dsl, Status status, String error,
                                                                          int processingMs) {
        return dsl.update(INBOX)
                .set(INBOX.STATUS, status.name())
                .set(INBOX.LAST_ERROR, truncate(error))
                .set(INBOX.PROCESSING_MS, processingMs)
                .setNull(INBOX.LOCKED_BY)
                .setNull(INBOX.LOCKED_UNTIL);
    }

    /** The row is still this node's: processing under its lock (not reclaimed after its lease ran out). */
    private static Condition claimedBy(String node) {
        return INBOX.STATUS.eq(Status.PROCESSING.name()).and(INBOX.LOCKED_BY.eq(node));
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
                .and(claimedBy(node))
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
            dueAgain(dsl, now)
                    .setNull(INBOX.LOCKED_BY)
                    .setNull(INBOX.LOCKED_UNTIL)
                    .where(INBOX.ID.eq(id))
                    .execute();
        }
        return current;
    }

    /** Makes every dead-lettered delivery of one integration due again; returns how many. */
    int replayDead(DSLContext dsl, UUID integrationId, Instant now) {
        return dueAgain(dsl, now)
                .where(INBOX.INTEGRATION_ID.eq(integrationId))
                .and(INBOX.STATUS.eq(Status.DEAD.name()))
                .execute();
    }

    /** A replay: pending now with fresh attempts, the last outcome forgotten. */
    private static UpdateSetMoreStep<CalendlyWebhookInboxRecord> dueAgain(DSLContext dsl, Instant now) {
        return dsl.update(INBOX)
                .set(INBOX.STATUS, Status.PENDING.name())
                .set(INBOX.ATTEMPTS, 0)
                .set(INBOX.NEXT_ATTEMPT_AT, utc(now))
                .setNull(INBOX.LAST_ERROR)
                .setNull(INBOX.PROCESSED_AT)
                .setNull(INBOX.PROCESSING_MS);
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
