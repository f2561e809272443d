package io.calbridge.calendly.internal.crypto;

import static io.calbridge.db.calendly.Tables.CALENDLY_KEK_ROTATION;

import io.calbridge.calendly.RotationProgress;
import io.calbridge.db.calendly.tables.records.CalendlyKekRotationRecord;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;

/**
 * Queries on {@code calendly_kek_rotation}: the visible progress of master-key rotations. At most one
 * row is RUNNING (a unique partial index, V2). The data-key rows themselves ({@code kek_id}) are the
 * truth a resumed rotation works from; these counters are for people.
 */
final class RotationStore {
    private static final String RUNNING = "RUNNING";

    /** The running rotation, locked until the transaction ends. */
    Optional<RotationProgress> lockRunning(DSLContext dsl) {
        return dsl.selectFrom(CALENDLY_KEK_ROTATION)
                .where(CALENDLY_KEK_ROTATION.STATE.eq(RUNNING))
                .forUpdate()
                .fetchOptional(RotationStore::map);
    }

    Optional<RotationProgress> running(DSLContext dsl) {
        return dsl.selectFrom(CALENDLY_KEK_ROTATION)
                .where(CALENDLY_KEK_ROTATION.STATE.eq(RUNNING))
                .fetchOptional(RotationStore::map);
    }

    /** Starts a rotation unless one is already running (possibly inserted by another node just now). */
    boolean insertRunning(DSLContext dsl, UUID id, String fromKekId, String toKekId, int total, OffsetDateTime now) {
        return dsl.insertInto(CALENDLY_KEK_ROTATION)
                .set(CALENDLY_KEK_ROTATION.ID, id)
                .set(CALENDLY_KEK_ROTATION.FROM_KEK_ID, fromKekId)
                .set(CALENDLY_KEK_ROTATION.TO_KEK_ID, toKekId)
                .set(CALENDLY_KEK_ROTATION.STATE, RUNNING)
                .set(CALENDLY_KEK_ROTATION.TOTAL, total)
                .set(CALENDLY_KEK_ROTATION.REWRAPPED, 0)
                .set(CALENDLY_KEK_ROTATION.STARTED_AT, now)
                .set(CALENDLY_KEK_ROTATION.UPDATED_AT, now)
                .onConflictDoNothing()
                .execute() == 1;
    }

    /** Counts a committed batch; false when the rotation is no longer running (superseded or failed). */
    boolean addRewrapped(DSLContext dsl, UUID id, int count, OffsetDateTime now) {
        return dsl.update(CALENDLY_KEK_ROTATION)
                .set(CALENDLY_KEK_ROTATION.REWRAPPED, CALENDLY_KEK_ROTATION.REWRAPPED.plus(count))
                .set(CALENDLY_KEK_ROTATION.UPDATED_AT, now)
                .where(running(id))
                .execute() == 1;
    }

    void finish(DSLContext dsl, UUID id, OffsetDateTime now) {
        end(dsl, "DONE", now)
                .set(CALENDLY_KEK_ROTATION.TOTAL, DSL.greatest(CALENDLY_KEK_ROTATION.TOTAL, CALENDLY_KEK_ROTATION.REWRAPPED))
                .where(running(id))
                .execute();
    }

    void fail(DSLContext dsl, UUID id, String error, OffsetDateTime now) {
        end(dsl, "FAILED", now)
                .set(CALENDLY_KEK_ROTATION.LAST_ERROR, error)
                .where(running(id))
                .execute();
    }

    private static UpdateSetMoreStep<CalendlyKekRotationRecord> end(DSLContext dsl, String state, OffsetDateTime now) {
        return dsl.update(CALENDLY_KEK_ROTATION)
                .set(CALENDLY_KEK_ROTATION.STATE, state)
                .set(CALENDLY_KEK_ROTATION.UPDATED_AT, now)
                .set(CALENDLY_KEK_ROTATION.FINISHED_AT, now);
    }

    private static Condition running(UUID id) {
        return CALENDLY_KEK_ROTATION.ID.eq(id).and(CALENDLY_KEK_ROTATION.STATE.eq(RUNNING));
    }

    void recordError(DSLContext dsl, UUID id, String error, OffsetDateTime now) {
        dsl.update(CALENDLY_KEK_ROTATION)
                .set(CALENDLY_KEK_ROTATION.LAST_ERROR, error)
                .set(CALENDLY_KEK_ROTATION.UPDATED_AT, now)
                .where(CALENDLY_KEK_ROTATION.ID.eq(id))
                .execute();
    }

    Optional<RotationProgress> find(DSLContext dsl, UUID id) {
        return dsl.selectFrom(CALENDLY_KEK_ROTATION)
                .where(CALENDLY_KEK_ROTATION.ID.eq(id))
                .fetchOptional(RotationStore::map);
    }

    /** The most recently started rotation. */
    Optional<RotationProgress> latest(DSLContext dsl) {
        return dsl.selectFrom(CALENDLY_KEK_ROTATION)
                .orderBy(CALENDLY_KEK_ROTATION.STARTED_AT.desc(), CALENDLY_KEK_ROTATION.ID)
                .limit(1)
                .fetchOptional(RotationStore::map);
    }

    private static RotationProgress map(CalendlyKekRotationRecord r) {
        return new RotationProgress(r.getId(), r.getFromKekId(), r.getToKekId(),
                RotationProgress.Status.valueOf(r.getState()), r.getTotal(), r.getRewrapped(),
                r.getStartedAt().toInstant(), r.getUpdatedAt().toInstant(),
                r.getFinishedAt() == null ? null : r.getFinishedAt().toInstant(), r.getLastError());
    }
}
