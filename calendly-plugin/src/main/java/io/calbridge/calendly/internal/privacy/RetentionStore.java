package io.calbridge.calendly.internal.privacy;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_PRIVACY_JOB;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * SQL of the retention purge. Every purge statement takes at most {@code limit} due rows with
 * {@code FOR UPDATE SKIP LOCKED}, so two nodes purging at once never take the same row; callers own
 * the transaction (one per batch).
 */
final class RetentionStore {
    static final String JOB = "retention";

    /**
     * Takes the job's lease for {@code node} unless another node holds a live one. One statement: two
     * nodes asking at once end with one owner.
     */
    boolean claim(DSLContext dsl, String node, Instant now, Instant until) {
        dsl.insertInto(CALENDLY_PRIVACY_JOB, CALENDLY_PRIVACY_JOB.NAME).values(JOB).onConflictDoNothing().execute();
        return dsl.update(CALENDLY_PRIVACY_JOB)
                .set(CALENDLY_PRIVACY_JOB.OWNER, node)
                .set(CALENDLY_PRIVACY_JOB.LEASE_UNTIL, utc(until))
                .where(CALENDLY_PRIVACY_JOB.NAME.eq(JOB))
                .and(CALENDLY_PRIVACY_JOB.LEASE_UNTIL.isNull()
                        .or(CALENDLY_PRIVACY_JOB.LEASE_UNTIL.lt(utc(now)))
                        .or(CALENDLY_PRIVACY_JOB.OWNER.eq(node)))
                .execute() == 1;
    }

    /** Gives the lease back and records the run. */
    void release(DSLContext dsl, String node, Instant now, long purged) {
        dsl.update(CALENDLY_PRIVACY_JOB)
                .setNull(CALENDLY_PRIVACY_JOB.OWNER)
                .setNull(CALENDLY_PRIVACY_JOB.LEASE_UNTIL)
                .set(CALENDLY_PRIVACY_JOB.LAST_RUN_AT, utc(now))
                .set(CALENDLY_PRIVACY_JOB.LAST_PURGED, purged)
                .where(CALENDLY_PRIVACY_JOB.NAME.eq(JOB))
                .and(CALENDLY_PRIVACY_JOB.OWNER.eq(node))
                .execute();
    }

    /** Purges the bodies of deliveries in {@code statuses} processed before {@code cutoff}; returns their ids. */
    List<Long> purgeBodies(DSLContext dsl, List<String> statuses, Instant cutoff, int limit, Instant now) {
        var i = CALENDLY_WEBHOOK_INBOX;
        var due = DSL.select(i.ID).from(i)
                .where(i.RAW_BODY.isNotNull())
                .and(i.STATUS.in(statuses))
                .and(i.PROCESSED_AT.lt(utc(cutoff)))
                .orderBy(i.PROCESSED_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.update(i)
                .setNull(i.RAW_BODY)
                .set(i.BODY_PURGED_AT, utc(now))
                .where(i.ID.in(due))
                .returningResult(i.ID)
                .fetch(r -> r.value1());
    }

    /**
     * Drops the personal fields of bookings whose meeting ended before {@code cutoff} (or, without an
     * end time, that were last touched before it); returns how many rows. Only rows with a payload
     * (every personal field comes with it): a placeholder holds nothing personal, and marking it
     * purged would make the sweep take it for a booking applied long ago and never fill it.
     */
    int purgeBookings(DSLContext dsl, Instant cutoff, int limit, Instant now) {
        var b = CALENDLY_BOOKING;
        var due = DSL.select(b.ID).from(b)
                .where(b.PERSONAL_PURGED_AT.isNull())
                .and(b.PAYLOAD_ENC.isNotNull().or(b.INVITEE_PAYLOAD.isNotNull()))
                .and(DSL.coalesce(b.END_TIME, b.UPDATED_AT).lt(utc(cutoff)))
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.update(b)
                .setNull(b.EMAIL).setNull(b.NAME).setNull(b.INVITEE_PAYLOAD).setNull(b.CANCEL_REASON).setNull(b.CANCELED_BY)
                .setNull(b.EMAIL_ENC).setNull(b.NAME_ENC).setNull(b.PAYLOAD_ENC).setNull(b.CANCEL_REASON_ENC)
                .setNull(b.CANCELED_BY_ENC).setNull(b.EMAIL_INDEX)
                .set(b.PERSONAL_PURGED_AT, utc(now))
                .where(b.ID.in(due))
                .execute();
    }

    /** Deletes rejection-log rows received before {@code cutoff}. */
    int purgeRejections(DSLContext dsl, Instant cutoff, int limit) {
        var r = CALENDLY_WEBHOOK_REJECTION;
        var due = DSL.select(r.ID).from(r)
                .where(r.RECEIVED_AT.lt(utc(cutoff)))
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.deleteFrom(r).where(r.ID.in(due)).execute();
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
