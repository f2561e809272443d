package io.calbridge.calendly.internal.writeback;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_SCHEDULING_LINK;

import io.calbridge.db.calendly.tables.records.CalendlyBookingRecord;
import io.calbridge.db.calendly.tables.records.CalendlySchedulingLinkRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** SQL of the write-back feature. Takes the caller's transaction; opens none. */
final class WriteBackStore {
    /** The most meetings one contact listing shows. */
    static final int MAX_MEETINGS = 200;

    /** One invitee's booking, as the actions need it. */
    record BookingRow(UUID id, UUID integrationId, String inviteeUri, String scheduledEventUri, String eventName,
                      Instant startTime, Instant endTime, String status, boolean noShow, String contactRef,
                      String taskRef) {
    }

    /** What the actions need to know of an integration. */
    record IntegrationFacts(UUID id, String status, String scopes, String userUri, String organizationUri,
                            String role) {
    }

    /** A live integration and the name and e-mail of the Calendly user it is connected to. */
    record LiveIntegration(UUID id, String userName, String userEmail) {
    }

    record LinkRow(UUID id, UUID integrationId, String contactRef, String eventTypeUri, String token,
                   String bookingUrl, Instant createdAt, Instant usedAt) {
    }

    /** The tenant's booking with this id; placeholders (invitees never seen) are not meetings. */
    Optional<BookingRow> booking(DSLContext dsl, String tenantId, UUID id) {
        return dsl.selectFrom(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.ID.eq(id))
                .and(CALENDLY_BOOKING.TENANT_ID.eq(tenantId))
                .and(seen())
                .fetchOptional(WriteBackStore::toBooking);
    }

    List<BookingRow> bookingsOfContact(DSLContext dsl, String tenantId, String contactRef) {
        return dsl.selectFrom(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.TENANT_ID.eq(tenantId))
                .and(CALENDLY_BOOKING.CONTACT_REF.eq(contactRef))
                .and(seen())
                .orderBy(CALENDLY_BOOKING.START_TIME.desc().nullsLast(), CALENDLY_BOOKING.ID)
                .limit(MAX_MEETINGS)
                .fetch(WriteBackStore::toBooking);
    }

    Optional<IntegrationFacts> integration(DSLContext dsl, String tenantId, UUID id) {
        return dsl.select(CALENDLY_INTEGRATION.ID, CALENDLY_INTEGRATION.STATUS, CALENDLY_INTEGRATION.SCOPES,
                        CALENDLY_INTEGRATION.CALENDLY_USER_URI, CALENDLY_INTEGRATION.CALENDLY_ORGANIZATION_URI,
                        CALENDLY_INTEGRATION.CALENDLY_ROLE)
                .from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(id))
                .and(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId))
                .fetchOptional(r -> new IntegrationFacts(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                        r.value6()));
    }

    /** The tenant's integrations that are not disconnected, oldest first. */
    List<LiveIntegration> liveIntegrations(DSLContext dsl, String tenantId) {
        return dsl.select(CALENDLY_INTEGRATION.ID, CALENDLY_INTEGRATION.CALENDLY_USER_NAME,
                        CALENDLY_INTEGRATION.CALENDLY_USER_EMAIL)
                .from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId))
                .and(CALENDLY_INTEGRATION.STATUS.in("CONNECTED", "REAUTHORIZATION_REQUIRED"))
                .orderBy(CALENDLY_INTEGRATION.CREATED_AT, CALENDLY_INTEGRATION.ID)
                .fetch(r -> new LiveIntegration(r.value1(), r.value2(), r.value3()));
    }

    Optional<LinkRow> linkByKey(DSLContext dsl, String tenantId, String idempotencyKey) {
        return dsl.selectFrom(CALENDLY_SCHEDULING_LINK)
                .where(CALENDLY_SCHEDULING_LINK.TENANT_ID.eq(tenantId))
                .and(CALENDLY_SCHEDULING_LINK.IDEMPOTENCY_KEY.eq(idempotencyKey))
                .fetchOptional(WriteBackStore::toLink);
    }

    /** Inserts the link unless the key is taken (a concurrent retry); the caller reads it back. */
    void insertLink(DSLContext dsl, String tenantId, UUID id, UUID integrationId, String contactRef, String eventTypeUri,
                    String token, String idempotencyKey, String createdBy, Instant now) {
        dsl.insertInto(CALENDLY_SCHEDULING_LINK)
                .set(CALENDLY_SCHEDULING_LINK.ID, id)
                .set(CALENDLY_SCHEDULING_LINK.TENANT_ID, tenantId)
                .set(CALENDLY_SCHEDULING_LINK.INTEGRATION_ID, integrationId)
                .set(CALENDLY_SCHEDULING_LINK.CONTACT_REF, contactRef)
                .set(CALENDLY_SCHEDULING_LINK.EVENT_TYPE_URI, eventTypeUri)
                .set(CALENDLY_SCHEDULING_LINK.TOKEN, token)
                .set(CALENDLY_SCHEDULING_LINK.IDEMPOTENCY_KEY, idempotencyKey)
                .set(CALENDLY_SCHEDULING_LINK.CREATED_BY, createdBy)
                .set(CALENDLY_SCHEDULING_LINK.CREATED_AT, at(now))
                .onConflict(CALENDLY_SCHEDULING_LINK.TENANT_ID, CALENDLY_SCHEDULING_LINK.IDEMPOTENCY_KEY)
                .doNothing()
                .execute();
    }

    /** Stores Calendly's URL unless one is already there (two racing retries: the first answer stays). */
    void setBookingUrl(DSLContext dsl, UUID linkId, String bookingUrl) {
        dsl.update(CALENDLY_SCHEDULING_LINK)
                .set(CALENDLY_SCHEDULING_LINK.BOOKING_URL, bookingUrl)
                .where(CALENDLY_SCHEDULING_LINK.ID.eq(linkId))
                .and(CALENDLY_SCHEDULING_LINK.BOOKING_URL.isNull())
                .execute();
    }

    Optional<LinkRow> link(DSLContext dsl, UUID linkId) {
        return dsl.selectFrom(CALENDLY_SCHEDULING_LINK)
                .where(CALENDLY_SCHEDULING_LINK.ID.eq(linkId))
                .fetchOptional(WriteBackStore::toLink);
    }

    /**
     * The contact of the link with this token, marking it used by {@code inviteeUri}; empty when no
     * link of this tenant and integration has the token, or another invitee already used it.
     */
    Optional<String> claim(DSLContext dsl, String tenantId, UUID integrationId, String token, String inviteeUri,
                           Instant now) {
        return dsl.update(CALENDLY_SCHEDULING_LINK)
                .set(CALENDLY_SCHEDULING_LINK.USED_BY_INVITEE_URI, inviteeUri)
                .set(CALENDLY_SCHEDULING_LINK.USED_AT,
                        org.jooq.impl.DSL.coalesce(CALENDLY_SCHEDULING_LINK.USED_AT, org.jooq.impl.DSL.val(at(now))))
                .where(CALENDLY_SCHEDULING_LINK.TOKEN.eq(token))
                .and(CALENDLY_SCHEDULING_LINK.TENANT_ID.eq(tenantId))
                .and(CALENDLY_SCHEDULING_LINK.INTEGRATION_ID.eq(integrationId))
                .and(CALENDLY_SCHEDULING_LINK.USED_BY_INVITEE_URI.isNull()
                        .or(CALENDLY_SCHEDULING_LINK.USED_BY_INVITEE_URI.eq(inviteeUri)))
                .returningResult(CALENDLY_SCHEDULING_LINK.CONTACT_REF)
                .fetchOptional(r -> r.value1());
    }

    /** An invitee whose delivery was seen: its payload is stored, sealed (since V40) or in clear. */
    private static org.jooq.Condition seen() {
        return CALENDLY_BOOKING.PAYLOAD_ENC.isNotNull().or(CALENDLY_BOOKING.INVITEE_PAYLOAD.isNotNull());
    }

    private static BookingRow toBooking(CalendlyBookingRecord r) {
        return new BookingRow(r.getId(), r.getIntegrationId(), r.getInviteeUri(), r.getScheduledEventUri(),
                r.getEventName(), instant(r.getStartTime()), instant(r.getEndTime()), r.getStatus(),
                Boolean.TRUE.equals(r.getNoShow()), r.getContactRef(), r.getTaskRef());
    }

    private static LinkRow toLink(CalendlySchedulingLinkRecord r) {
        return new LinkRow(r.getId(), r.getIntegrationId(), r.getContactRef(), r.getEventTypeUri(), r.getToken(),
                r.getBookingUrl(), instant(r.getCreatedAt()), instant(r.getUsedAt()));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
