package io.calbridge.calendly.internal.privacy;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;
import static io.calbridge.db.calendly.Tables.CALENDLY_ERASED_PERSON;
import static io.calbridge.db.calendly.Tables.CALENDLY_PRIVACY_SETTINGS;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record4;
import org.jooq.Record5;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/** SQL of erasure and of the tenant's privacy choices. Callers own transactions. */
final class PrivacyStore {

    /** A tenant's privacy choices; the defaults when it never chose. */
    TenantPrivacy settings(DSLContext dsl, String tenantId) {
        var s = CALENDLY_PRIVACY_SETTINGS;
        return dsl.select(s.AFTER_ERASURE, s.CALENDLY_DELETION).from(s).where(s.TENANT_ID.eq(tenantId))
                .fetchOptional(r -> new TenantPrivacy(TenantPrivacy.AfterErasure.valueOf(r.value1()), r.value2()))
                .orElse(TenantPrivacy.DEFAULTS);
    }

    void saveSettings(DSLContext dsl, String tenantId, TenantPrivacy p, String userId, Instant now) {
        var s = CALENDLY_PRIVACY_SETTINGS;
        dsl.insertInto(s, s.TENANT_ID, s.AFTER_ERASURE, s.CALENDLY_DELETION, s.UPDATED_AT, s.UPDATED_BY)
                .values(tenantId, p.afterErasure().name(), p.calendlyDeletion(), utc(now), userId)
                .onConflict(s.TENANT_ID).doUpdate()
                .set(s.AFTER_ERASURE, p.afterErasure().name())
                .set(s.CALENDLY_DELETION, p.calendlyDeletion())
                .set(s.UPDATED_AT, utc(now))
                .set(s.UPDATED_BY, userId)
                .execute();
    }

    /** The e-mail indexes of everyone the tenant erased. */
    Set<ByteBuffer> erased(DSLContext dsl, String tenantId) {
        Set<ByteBuffer> out = new HashSet<>();
        dsl.select(CALENDLY_ERASED_PERSON.EMAIL_INDEX).from(CALENDLY_ERASED_PERSON)
                .where(CALENDLY_ERASED_PERSON.TENANT_ID.eq(tenantId))
                .fetch(CALENDLY_ERASED_PERSON.EMAIL_INDEX)
                .forEach(b -> out.add(ByteBuffer.wrap(b)));
        return out;
    }

    void rememberErased(DSLContext dsl, String tenantId, byte[] emailIndex, Instant now) {
        dsl.insertInto(CALENDLY_ERASED_PERSON, CALENDLY_ERASED_PERSON.TENANT_ID, CALENDLY_ERASED_PERSON.EMAIL_INDEX,
                        CALENDLY_ERASED_PERSON.ERASED_AT)
                .values(tenantId, emailIndex, utc(now))
                .onConflictDoNothing()
                .execute();
    }

    /** Booking rows of the person, locked: see {@link #personIs}. */
    List<Record4<UUID, UUID, String, String>> bookingsOf(DSLContext dsl, String tenantId, byte[] emailIndex, String email) {
        return bookingsOfQuery(dsl, tenantId, emailIndex, email).fetch();
    }

    /** The statement of {@link #bookingsOf}, unexecuted (its plan is tested). */
    ResultQuery<Record4<UUID, UUID, String, String>> bookingsOfQuery(DSLContext dsl, String tenantId, byte[] emailIndex,
                                                                     String email) {
        var b = CALENDLY_BOOKING;
        return dsl.select(b.ID, b.CHAIN_ID, b.CONTACT_REF, b.INVITEE_URI).from(b)
                .where(personIs(tenantId, emailIndex, email))
                .forUpdate();
    }

    /**
     * The person's booking rows: sealed ones by e-mail index ({@code calendly_booking_email_idx}), rows
     * written before sealing or with sealing off by the clear e-mail, lower-cased and trimmed exactly as
     * {@code calendly_booking_email_clear_idx} holds it ({@code email} is normalised the same way). Both
     * arms are index lookups; {@code lower(email)} alone matched no index and read every clear row of the tenant.
     */
    private static Condition personIs(String tenantId, byte[] emailIndex, String email) {
        var b = CALENDLY_BOOKING;
        return b.TENANT_ID.eq(tenantId).and(b.EMAIL_INDEX.eq(emailIndex).or(DSL.lower(DSL.trim(b.EMAIL)).eq(email)));
    }

    /** Deletes booking rows and every ledger entry of their chains. */
    void deleteBookings(DSLContext dsl, String tenantId, Collection<UUID> ids, Collection<UUID> chains) {
        dsl.deleteFrom(CALENDLY_EFFECT_LEDGER)
                .where(CALENDLY_EFFECT_LEDGER.TENANT_ID.eq(tenantId))
                .and(CALENDLY_EFFECT_LEDGER.CHAIN_ID.in(chains))
                .execute();
        dsl.deleteFrom(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.TENANT_ID.eq(tenantId))
                .and(CALENDLY_BOOKING.ID.in(ids))
                .execute();
    }

    /** The next {@code limit} stored bodies of the tenant after inbox id {@code after}, oldest first. */
    List<Record4<Long, UUID, String, byte[]>> bodies(DSLContext dsl, String tenantId, long after, int limit) {
        var i = CALENDLY_WEBHOOK_INBOX;
        return dsl.select(i.ID, i.INTEGRATION_ID, i.DEDUPE_KEY, i.RAW_BODY).from(i)
                .where(i.TENANT_ID.eq(tenantId))
                .and(i.ID.gt(after))
                .and(i.RAW_BODY.isNotNull())
                .orderBy(i.ID)
                .limit(limit)
                .fetch();
    }

    /** Purges these bodies now; the rows stay (the log, and so a retry is still a duplicate). */
    int purgeBodies(DSLContext dsl, String tenantId, Collection<Long> ids, Instant now) {
        var i = CALENDLY_WEBHOOK_INBOX;
        return dsl.update(i)
                .setNull(i.RAW_BODY)
                .set(i.BODY_PURGED_AT, utc(now))
                .where(i.TENANT_ID.eq(tenantId))
                .and(i.ID.in(ids))
                .execute();
    }

    /** The tenant's rejection rows that have a detail. */
    List<Record5<Long, UUID, OffsetDateTime, String, byte[]>> rejections(DSLContext dsl, String tenantId) {
        var r = CALENDLY_WEBHOOK_REJECTION;
        return dsl.select(r.ID, r.INTEGRATION_ID, r.RECEIVED_AT, r.DETAIL, r.DETAIL_ENC).from(r)
                .where(r.TENANT_ID.eq(tenantId))
                .and(r.DETAIL.isNotNull().or(r.DETAIL_ENC.isNotNull()))
                .fetch();
    }

    int deleteRejections(DSLContext dsl, String tenantId, Collection<Long> ids) {
        var r = CALENDLY_WEBHOOK_REJECTION;
        return dsl.deleteFrom(r).where(r.TENANT_ID.eq(tenantId)).and(r.ID.in(ids)).execute();
    }

    /** The tenant's connected integrations, oldest first. */
    List<UUID> connectedIntegrations(DSLContext dsl, String tenantId) {
        var i = io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
        return dsl.select(i.ID).from(i).where(i.TENANT_ID.eq(tenantId)).and(i.STATUS.eq("CONNECTED"))
                .orderBy(i.CREATED_AT).fetch(i.ID);
    }

    /** The person's booking rows, whole (for an export). */
    List<io.calbridge.db.calendly.tables.records.CalendlyBookingRecord> bookingRows(DSLContext dsl, String tenantId,
                                                                                   byte[] emailIndex, String email) {
        var b = CALENDLY_BOOKING;
        return dsl.selectFrom(b).where(personIs(tenantId, emailIndex, email))
                .orderBy(b.CREATED_AT)
                .fetch();
    }

    /** The ledger entries of these chains. */
    List<io.calbridge.db.calendly.tables.records.CalendlyEffectLedgerRecord> ledger(DSLContext dsl, String tenantId,
                                                                                    Collection<UUID> chains) {
        var l = CALENDLY_EFFECT_LEDGER;
        return dsl.selectFrom(l).where(l.TENANT_ID.eq(tenantId)).and(l.CHAIN_ID.in(chains)).orderBy(l.APPLIED_AT).fetch();
    }

    /** One delivery's metadata: event, status, received. */
    Record4<Long, String, String, OffsetDateTime> deliveryInfo(DSLContext dsl, long id) {
        var i = CALENDLY_WEBHOOK_INBOX;
        return dsl.select(i.ID, i.EVENT, i.STATUS, i.RECEIVED_AT).from(i).where(i.ID.eq(id)).fetchOne();
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
