package io.calbridge.calendly.internal.sync;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_SYNC_SETTINGS;
import static io.calbridge.db.calendly.Tables.CALENDLY_SYNC_STATE;

import io.calbridge.db.calendly.tables.CalendlyIntegration;
import io.calbridge.db.calendly.tables.CalendlySyncState;
import io.calbridge.db.calendly.tables.records.CalendlySyncStateRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.TableField;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** Every SQL statement of the sync feature. */
final class SyncStore {
    private static final CalendlySyncState S = CALENDLY_SYNC_STATE;
    private static final CalendlyIntegration I = CALENDLY_INTEGRATION;
    private static final String CONNECTED = "CONNECTED";

    /** A claimed job. {@code since}: where a backfill starts (before the margin). */
    record Job(UUID integrationId, String tenantId, JobKind kind, String cause, Instant since, Instant requestedAt) {
    }

    /** What a job needs to know about its integration. */
    record Integration(UUID id, String tenantId, String status, String userUri, String organizationUri,
                       String subscriptionScope) {
    }

    /**
     * Our state of one invitee, for comparison with Calendly's.
     *
     * @param purged the retention purge dropped its personal fields: applied long ago, final (see {@link Drift})
     */
    record Ours(String status, boolean noShow, boolean purged) {
    }

    // ---- planning: which integration needs which job ---------------------------------------------

    /**
     * A state row for every connected integration that has none; its first sweep falls at a random
     * point of the interval, so 10,000 integrations connected at once are spread over it.
     */
    int ensureStates(DSLContext dsl, Instant now, Duration sweepInterval) {
        Field<OffsetDateTime> firstSweep = DSL.field("{0} + make_interval(secs => random() * {1})",
                SQLDataType.TIMESTAMPWITHTIMEZONE, DSL.val(ts(now)), DSL.val((double) sweepInterval.toSeconds()));
        return dsl.insertInto(S, S.INTEGRATION_ID, S.TENANT_ID, S.NEXT_SWEEP_AT)
                .select(DSL.select(I.ID, I.TENANT_ID, firstSweep).from(I).where(I.STATUS.eq(CONNECTED)))
                .onConflictDoNothing()
                .execute();
    }

    /** An import for each connected integration whose current connection was not imported yet. */
    int requestImports(DSLContext dsl, Instant now) {
        return requestJob(dsl, JobKind.IMPORT,
                        DSL.when(S.IMPORTED_FOR.isNull(), DSL.inline("connected")).otherwise(DSL.inline("reconnected")),
                        NO_SINCE, now)
                .set(S.IMPORTED_FOR, I.CONNECTED_AT)
                .from(I)
                .where(S.INTEGRATION_ID.eq(I.ID).and(I.STATUS.eq(CONNECTED)).and(I.CONNECTED_AT.isNotNull())
                        .and(S.IMPORTED_FOR.isNull().or(S.IMPORTED_FOR.ne(I.CONNECTED_AT)))
                        .and(S.JOB_KIND.isNull()))
                .execute();
    }

    /** A backfill for each integration with an open delivery gap whose subscription works again. */
    int requestGapBackfills(DSLContext dsl, Instant now) {
        return requestJob(dsl, JobKind.BACKFILL, DSL.coalesce(I.SUBSCRIPTION_GAP_CAUSE, DSL.inline("unknown")),
                        I.SUBSCRIPTION_GAP_STARTED_AT, now)
                .from(I)
                .where(S.INTEGRATION_ID.eq(I.ID).and(I.STATUS.eq(CONNECTED)).and(I.SUBSCRIPTION_STATE.eq("active"))
                        .and(I.SUBSCRIPTION_GAP_STARTED_AT.isNotNull()).and(S.JOB_KIND.isNull()))
                .execute();
    }

    /**
     * A backfill for each active account (it has received deliveries) that has been silent for
     * {@code silence}: nothing delivered and nothing checked since. A quiet account is then checked
     * once per {@code silence}, not on every round.
     */
    int requestSilenceBackfills(DSLContext dsl, Instant now, Duration silence) {
        Field<OffsetDateTime> lastSign = DSL.greatest(I.LAST_DELIVERY_AT, DSL.coalesce(S.CHECKED_THROUGH, I.LAST_DELIVERY_AT));
        return requestJob(dsl, JobKind.BACKFILL, DSL.inline("silent"), lastSign, now)
                .from(I)
                .where(S.INTEGRATION_ID.eq(I.ID).and(I.STATUS.eq(CONNECTED)).and(I.SUBSCRIPTION_STATE.eq("active"))
                        .and(I.LAST_DELIVERY_AT.isNotNull()).and(lastSign.lt(ts(now.minus(silence))))
                        .and(S.JOB_KIND.isNull()))
                .execute();
    }

    /** A sweep for each connected integration whose sweep is due. */
    int requestSweeps(DSLContext dsl, Instant now) {
        return requestJob(dsl, JobKind.SWEEP, DSL.inline("scheduled"), NO_SINCE, now)
                .from(I)
                .where(S.INTEGRATION_ID.eq(I.ID).and(I.STATUS.eq(CONNECTED))
                        .and(S.NEXT_SWEEP_AT.le(ts(now))).and(S.JOB_KIND.isNull()))
                .execute();
    }

    /** Asks for a sweep of one integration now (the settings API's "check now"); false if a job is already there. */
    boolean requestSweep(DSLContext dsl, UUID integrationId, Instant now) {
        return requestJob(dsl, JobKind.SWEEP, DSL.inline("requested"), NO_SINCE, now)
                .where(S.INTEGRATION_ID.eq(integrationId).and(S.JOB_KIND.isNull()))
                .execute() == 1;
    }

    private static final Field<OffsetDateTime> NO_SINCE = DSL.val((OffsetDateTime) null, S.JOB_SINCE);

    /** Gives a state row a job: its kind, its cause for people, where a backfill starts, requested now. */
    private static UpdateSetMoreStep<CalendlySyncStateRecord> requestJob(DSLContext dsl, JobKind kind, Field<String> cause,
                                                                       Field<OffsetDateTime> since, Instant now) {
        return dsl.update(S)
                .set(S.JOB_KIND, kind.name())
                .set(S.JOB_CAUSE, cause)
                .set(S.JOB_SINCE, since)
                .set(S.JOB_REQUESTED_AT, ts(now))
                .set(S.UPDATED_AT, ts(now));
    }

    // ---- running: claim, progress, finish -------------------------------------------------------

    /**
     * Claims the oldest job nobody holds and that is not paused; the lease makes this node its only
     * runner until it expires (a dead node's job is taken over then).
     */
    Optional<Job> claim(DSLContext dsl, String owner, Instant now, Duration lease) {
        CalendlySyncStateRecord r = dsl.selectFrom(S)
                .where(S.JOB_KIND.isNotNull()
                        .and(S.LEASE_UNTIL.isNull().or(S.LEASE_UNTIL.lt(ts(now))))
                        .and(S.JOB_PAUSED_UNTIL.isNull().or(S.JOB_PAUSED_UNTIL.le(ts(now)))))
                .orderBy(S.JOB_REQUESTED_AT.asc())
                .limit(1)
                .forUpdate().skipLocked()
                .fetchOne();
        if (r == null) {
            return Optional.empty();
        }
        dsl.update(S)
                .set(S.LEASE_OWNER, owner)
                .set(S.LEASE_UNTIL, ts(now.plus(lease)))
                .set(S.JOB_STARTED_AT, ts(now))
                .set(S.JOB_PAUSED_UNTIL, (OffsetDateTime) null)
                .set(S.JOB_DONE, 0)
                .set(S.JOB_TOTAL, 0)
                .set(S.UPDATED_AT, ts(now))
                .where(S.INTEGRATION_ID.eq(r.getIntegrationId()))
                .execute();
        return Optional.of(new Job(r.getIntegrationId(), r.getTenantId(), JobKind.valueOf(r.getJobKind()), r.getJobCause(),
                instant(r.getJobSince()), instant(r.getJobRequestedAt())));
    }

    /** Progress, and the lease renewed; false when the job is no longer this runner's (lease lost). */
    boolean progress(DSLContext dsl, UUID integrationId, String owner, int done, int total, Instant pausedUntil,
                     Instant leaseUntil, Instant now) {
        return dsl.update(S)
                .set(S.JOB_DONE, done)
                .set(S.JOB_TOTAL, total)
                .set(S.JOB_PAUSED_UNTIL, ts(pausedUntil))
                .set(S.LEASE_UNTIL, ts(leaseUntil))
                .set(S.UPDATED_AT, ts(now))
                .where(S.INTEGRATION_ID.eq(integrationId).and(S.LEASE_OWNER.eq(owner)))
                .execute() == 1;
    }

    /**
     * The job is over: its result is kept as the last of its kind, continuity is confirmed up to
     * {@code checkedThrough}, the next sweep is scheduled, and the lease released.
     */
    void finish(DSLContext dsl, UUID integrationId, String owner, JobKind kind, JSONB result, Instant checkedThrough,
                Instant nextSweepAt, Instant now) {
        dsl.update(S)
                .set(S.JOB_KIND, (String) null)
                .set(S.JOB_CAUSE, (String) null)
                .set(S.JOB_SINCE, (OffsetDateTime) null)
                .set(S.JOB_REQUESTED_AT, (OffsetDateTime) null)
                .set(S.JOB_PAUSED_UNTIL, (OffsetDateTime) null)
                .set(S.LEASE_OWNER, (String) null)
                .set(S.LEASE_UNTIL, (OffsetDateTime) null)
                .set(lastOf(kind), result)
                .set(S.CHECKED_THROUGH, checkedThrough == null ? S.CHECKED_THROUGH
                        : DSL.greatest(DSL.coalesce(S.CHECKED_THROUGH, DSL.val(ts(checkedThrough))), DSL.val(ts(checkedThrough))))
                .set(S.NEXT_SWEEP_AT, nextSweepAt == null ? S.NEXT_SWEEP_AT : DSL.val(ts(nextSweepAt)))
                .set(S.UPDATED_AT, ts(now))
                .where(S.INTEGRATION_ID.eq(integrationId).and(S.LEASE_OWNER.eq(owner)))
                .execute();
    }

    /** The job failed: its error is shown as the last of its kind and it is retried after {@code retryAt}. */
    void failed(DSLContext dsl, UUID integrationId, String owner, JobKind kind, JSONB result, Instant retryAt, Instant now) {
        dsl.update(S)
                .set(S.JOB_PAUSED_UNTIL, ts(retryAt))
                .set(S.LEASE_OWNER, (String) null)
                .set(S.LEASE_UNTIL, (OffsetDateTime) null)
                .set(lastOf(kind), result)
                .set(S.UPDATED_AT, ts(now))
                .where(S.INTEGRATION_ID.eq(integrationId).and(S.LEASE_OWNER.eq(owner)))
                .execute();
    }

    /** Closes the delivery gap a backfill covered, unless a newer gap was recorded meanwhile. */
    void closeGap(DSLContext dsl, UUID integrationId, Instant since) {
        dsl.update(I)
                .set(I.SUBSCRIPTION_GAP_STARTED_AT, (OffsetDateTime) null)
                .set(I.SUBSCRIPTION_GAP_CAUSE, (String) null)
                .where(I.ID.eq(integrationId).and(I.SUBSCRIPTION_GAP_STARTED_AT.eq(ts(since))))
                .execute();
    }

    private static TableField<CalendlySyncStateRecord, JSONB> lastOf(JobKind kind) {
        return switch (kind) {
            case IMPORT -> S.LAST_IMPORT;
            case BACKFILL -> S.LAST_BACKFILL;
            case SWEEP -> S.LAST_SWEEP;
        };
    }

    // ---- reading --------------------------------------------------------------------------------

    Optional<Integration> integration(DSLContext dsl, UUID id) {
        return dsl.select(I.ID, I.TENANT_ID, I.STATUS, I.CALENDLY_USER_URI, I.CALENDLY_ORGANIZATION_URI, I.SUBSCRIPTION_SCOPE)
                .from(I).where(I.ID.eq(id))
                .fetchOptional(r -> new Integration(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6()));
    }

    /** The tenant's integration (any state but pending), for the settings routes' ownership check. */
    boolean ownedBy(DSLContext dsl, String tenantId, UUID id) {
        return dsl.fetchExists(I, I.ID.eq(id).and(I.TENANT_ID.eq(tenantId)).and(I.STATUS.ne("PENDING")));
    }

    Optional<CalendlySyncStateRecord> state(DSLContext dsl, UUID integrationId) {
        return dsl.selectFrom(S).where(S.INTEGRATION_ID.eq(integrationId)).fetchOptional();
    }

    /** Our bookings of these invitees in the tenant, whichever of its integrations owns them. */
    Map<String, Ours> ours(DSLContext dsl, String tenantId, Collection<String> inviteeUris) {
        Map<String, Ours> out = new HashMap<>();
        if (inviteeUris.isEmpty()) {
            return out;
        }
        var b = CALENDLY_BOOKING;
        dsl.select(b.INVITEE_URI, b.STATUS, b.NO_SHOW, b.PERSONAL_PURGED_AT)
                .from(b)
                // A row without payload is a placeholder (named by its reschedule partner, never seen itself),
                // unless the retention purge emptied it: that one was seen and applied, and is ours.
                .where(b.TENANT_ID.eq(tenantId).and(b.INVITEE_URI.in(inviteeUris))
                        .and(b.INVITEE_PAYLOAD.isNotNull().or(b.PAYLOAD_ENC.isNotNull()).or(b.PERSONAL_PURGED_AT.isNotNull())))
                .forEach(r -> out.put(r.value1(), new Ours(r.value2(), Boolean.TRUE.equals(r.value3()), r.value4() != null)));
        return out;
    }

    SyncSettings settings(DSLContext dsl, String tenantId) {
        return dsl.selectFrom(CALENDLY_SYNC_SETTINGS).where(CALENDLY_SYNC_SETTINGS.TENANT_ID.eq(tenantId))
                .fetchOptional(r -> new SyncSettings(r.getUpcomingDays(), r.getPastDays(), r.getPastMeetingTasks()))
                .orElse(SyncSettings.DEFAULTS);
    }

    void saveSettings(DSLContext dsl, String tenantId, SyncSettings s, Instant now) {
        dsl.insertInto(CALENDLY_SYNC_SETTINGS)
                .set(CALENDLY_SYNC_SETTINGS.TENANT_ID, tenantId)
                .set(CALENDLY_SYNC_SETTINGS.UPCOMING_DAYS, s.upcomingDays())
                .set(CALENDLY_SYNC_SETTINGS.PAST_DAYS, s.pastDays())
                .set(CALENDLY_SYNC_SETTINGS.PAST_MEETING_TASKS, s.pastMeetingTasks())
                .set(CALENDLY_SYNC_SETTINGS.UPDATED_AT, ts(now))
                .onConflict(CALENDLY_SYNC_SETTINGS.TENANT_ID).doUpdate()
                .set(CALENDLY_SYNC_SETTINGS.UPCOMING_DAYS, s.upcomingDays())
                .set(CALENDLY_SYNC_SETTINGS.PAST_DAYS, s.pastDays())
                .set(CALENDLY_SYNC_SETTINGS.PAST_MEETING_TASKS, s.pastMeetingTasks())
                .set(CALENDLY_SYNC_SETTINGS.UPDATED_AT, ts(now))
                .execute();
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
