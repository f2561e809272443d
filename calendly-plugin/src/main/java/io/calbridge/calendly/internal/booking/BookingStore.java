package io.calbridge.calendly.internal.booking;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;

import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.db.calendly.tables.records.CalendlyBookingRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record4;
import org.jooq.ResultQuery;
import org.jooq.Row4;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * SQL of {@code calendly_booking}. Takes the caller's transaction; opens none.
 *
 * <p>The invitee's personal fields (e-mail, name, payload, cancel reason, canceled by) are sealed here,
 * at the store boundary, with the tenant's data key ({@link PersonalData}), bound to the row's id;
 * {@code email_index} (an HMAC of the e-mail) lets erasure and export find a person's rows. Rows
 * written before sealing still read from their clear columns; writing a row empties them.
 */
final class BookingStore {
    static final String EMAIL = "calendly_booking.email";
    static final String NAME = "calendly_booking.name";
    static final String PAYLOAD = "calendly_booking.invitee_payload";
    static final String CANCEL_REASON = "calendly_booking.cancel_reason";
    static final String CANCELED_BY = "calendly_booking.canceled_by";

    /** What a row keeps from its insert on: its identity, owner, invitee and creation time. */
    private static final Set<Field<?>> SET_ONCE = Set.of(CALENDLY_BOOKING.ID, CALENDLY_BOOKING.TENANT_ID,
            CALENDLY_BOOKING.INTEGRATION_ID, CALENDLY_BOOKING.INVITEE_URI, CALENDLY_BOOKING.CREATED_AT);

    private final PersonalData personal;

    BookingStore(PersonalData personal) {
        this.personal = personal;
    }

    Map<String, Booking> findByUris(DSLContext dsl, UUID integrationId, Collection<String> uris) {
        Map<String, Booking> found = new LinkedHashMap<>();
        dsl.selectFrom(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.INTEGRATION_ID.eq(integrationId))
                .and(CALENDLY_BOOKING.INVITEE_URI.in(uris))
                .fetch()
                .forEach(r -> found.put(r.getInviteeUri(), toBooking(r)));
        return found;
    }

    /**
     * The rows of a chain. Chain ids are random and never shared between integrations, so the chain
     * alone selects them, through its own index whatever the table's statistics say.
     */
    List<Booking> findChain(DSLContext dsl, UUID chainId) {
        return dsl.selectFrom(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.CHAIN_ID.eq(chainId))
                .orderBy(CALENDLY_BOOKING.CREATED_AT, CALENDLY_BOOKING.ID)
                .fetch(this::toBooking);
    }

    /** Whose other chains {@link #chainsOf} looks up: an e-mail as an invitee of the tenant's integration gave it. */
    record Person(String tenantId, UUID integrationId, String email) {
    }

    /**
     * For each person, the chains of their integration with an invitee of their e-mail (at most 20: a
     * person's own bookings), all in one statement: a batch asks once for every new invitee it has.
     * Each person is looked up on their own through the e-mail's index ({@code email_index}, or
     * {@code lower(trim(email))} when sealing is off), joined laterally so the limit is per person.
     */
    Map<Person, List<UUID>> chainsOf(DSLContext dsl, Collection<Person> people) {
        return personal.seals()
                ? chainsOf(dsl, people, CALENDLY_BOOKING.EMAIL_INDEX, p -> personal.emailIndex(p.tenantId(), p.email()))
                : chainsOf(dsl, people, DSL.lower(DSL.trim(CALENDLY_BOOKING.EMAIL)),
                        p -> p.email().strip().toLowerCase(java.util.Locale.ROOT));
    }

    private <K> Map<Person, List<UUID>> chainsOf(DSLContext dsl, Collection<Person> people, Field<K> column,
                                                 Function<Person, K> keyOf) {
        List<Person> asked = List.copyOf(new LinkedHashSet<>(people));
        Map<Person, List<UUID>> found = new HashMap<>();
        asked.forEach(p -> found.put(p, new ArrayList<>()));
        if (asked.isEmpty()) {
            return found;
        }
        List<Row4<Integer, String, UUID, K>> rows = new ArrayList<>();
        for (int i = 0; i < asked.size(); i++) {
            Person p = asked.get(i);
            rows.add(DSL.row(DSL.val(i), DSL.val(p.tenantId()), DSL.val(p.integrationId()), DSL.val(keyOf.apply(p), column)));
        }
        @SuppressWarnings("unchecked")
        Table<Record4<Integer, String, UUID, K>> wanted = DSL.values(rows.toArray(Row4[]::new))
                .as("wanted", "n", "tenant_id", "integration_id", "email_key");
        Field<Integer> n = wanted.field(0, Integer.class);
        Table<?> chains = DSL.selectDistinct(CALENDLY_BOOKING.CHAIN_ID)
                .from(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.TENANT_ID.eq(wanted.field(1, String.class)))
                .and(CALENDLY_BOOKING.INTEGRATION_ID.eq(wanted.field(2, UUID.class)))
                .and(column.eq(wanted.field(3, column.getType())))
                .limit(20)
                .asTable("chains");
        dsl.select(n, chains.field(CALENDLY_BOOKING.CHAIN_ID))
                .from(wanted.crossJoin(DSL.lateral(chains)))
                .fetch()
                .forEach(r -> found.get(asked.get(r.value1())).add(r.value2()));
        return found;
    }

    /** The integration's most recent invitees that have a payload (placeholders left out). */
    List<Booking> latest(DSLContext dsl, String tenantId, UUID integrationId, int limit) {
        return dsl.selectFrom(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.INTEGRATION_ID.eq(integrationId))
                .and(CALENDLY_BOOKING.TENANT_ID.eq(tenantId))
                .and(CALENDLY_BOOKING.PAYLOAD_ENC.isNotNull().or(CALENDLY_BOOKING.INVITEE_PAYLOAD.isNotNull()))
                .orderBy(CALENDLY_BOOKING.CREATED_AT.desc(), CALENDLY_BOOKING.ID.desc())
                .limit(limit)
                .fetch(this::toBooking);
    }

    /**
     * The statements that store the changed rows, unattached, for {@link LedgerStore#writeTogether}:
     * one insert for the rows this delivery made (the caller holds their invitees' locks, so nobody
     * else can have inserted them meanwhile), one update per changed row that was read.
     */
    List<ResultQuery<?>> save(String tenantId, UUID integrationId, Collection<Booking> bookings, Instant now) {
        return saveAll(List.of(new Rows(tenantId, integrationId, bookings)), now);
    }

    /** One chain's rows (or any rows of one integration), as {@link #saveAll} takes them. */
    record Rows(String tenantId, UUID integrationId, Collection<Booking> bookings) {
    }

    /**
     * As {@link #save}, for the rows of several chains: one insert of every new row of them all (a
     * batch's new bookings in one statement), one update per changed row that was read. No row may
     * appear twice.
     */
    List<ResultQuery<?>> saveAll(List<Rows> chains, Instant now) {
        List<ResultQuery<?>> queries = new ArrayList<>();
        List<Map.Entry<Rows, Booking>> fresh = new ArrayList<>();
        List<Map.Entry<Rows, Booking>> changed = new ArrayList<>();
        for (Rows chain : chains) {
            for (Booking b : chain.bookings()) {
                if (b.dirty) {
                    (b.stored ? changed : fresh).add(Map.entry(chain, b));
                }
            }
        }
        if (!fresh.isEmpty()) {
            List<Map<Field<?>, Field<?>>> rows = fresh.stream().map(r -> columns(r.getKey(), r.getValue(), now)).toList();
            var insert = DSL.insertInto(CALENDLY_BOOKING, rows.get(0).keySet());
            for (var columns : rows) {
                insert = insert.values(columns.values());
            }
            queries.add(insert.returningResult(DSL.inline(1)));
        }
        for (var row : changed) {
            Booking b = row.getValue();
            Map<Field<?>, Field<?>> columns = columns(row.getKey(), b, now);
            columns.keySet().removeAll(SET_ONCE);
            queries.add(DSL.update(CALENDLY_BOOKING)
                    .set(columns)
                    .where(CALENDLY_BOOKING.ID.eq(b.id))
                    .returningResult(DSL.inline(1)));
        }
        return queries;
    }

    /**
     * A row's columns as {@link #saveAll} writes them, in the table's order, each value bound as its
     * column's type: all of them make the insert, and an update sets all but {@link #SET_ONCE}. The
     * one list to extend when the table gains a column. {@code personal_purged_at} is not here: only
     * the retention purge writes it, and a row it marked is saved without personal fields ({@link #seal}).
     */
    private Map<Field<?>, Field<?>> columns(Rows chain, Booking b, Instant now) {
        String tenantId = chain.tenantId();
        Sealed p = seal(tenantId, b);
        Map<Field<?>, Field<?>> row = new LinkedHashMap<>();
        put(row, CALENDLY_BOOKING.ID, b.id);
        put(row, CALENDLY_BOOKING.TENANT_ID, tenantId);
        put(row, CALENDLY_BOOKING.INTEGRATION_ID, chain.integrationId());
        put(row, CALENDLY_BOOKING.CHAIN_ID, b.chainId);
        put(row, CALENDLY_BOOKING.INVITEE_URI, b.inviteeUri);
        put(row, CALENDLY_BOOKING.SCHEDULED_EVENT_URI, b.scheduledEventUri);
        put(row, CALENDLY_BOOKING.EVENT_TYPE_URI, b.eventTypeUri);
        put(row, CALENDLY_BOOKING.EVENT_NAME, b.eventName);
        put(row, CALENDLY_BOOKING.EMAIL, p.email());
        put(row, CALENDLY_BOOKING.NAME, p.name());
        put(row, CALENDLY_BOOKING.STATUS, b.status.name());
        put(row, CALENDLY_BOOKING.START_TIME, at(b.startTime));
        put(row, CALENDLY_BOOKING.END_TIME, at(b.endTime));
        put(row, CALENDLY_BOOKING.INVITEE_TIMEZONE, b.inviteeTimezone);
        put(row, CALENDLY_BOOKING.HOST_USER_URI, b.hostUserUri);
        put(row, CALENDLY_BOOKING.OLD_INVITEE_URI, b.oldInviteeUri);
        put(row, CALENDLY_BOOKING.NEW_INVITEE_URI, b.newInviteeUri);
        put(row, CALENDLY_BOOKING.NO_SHOW, b.noShow);
        put(row, CALENDLY_BOOKING.NO_SHOW_URI, b.noShowUri);
        put(row, CALENDLY_BOOKING.CANCEL_REASON, p.cancelReason());
        put(row, CALENDLY_BOOKING.CANCELED_BY, p.canceledBy());
        put(row, CALENDLY_BOOKING.CANCELER_TYPE, b.cancelerType);
        put(row, CALENDLY_BOOKING.CANCELED_AT, at(b.canceledAt));
        put(row, CALENDLY_BOOKING.CONTACT_REF, b.contactRef);
        put(row, CALENDLY_BOOKING.TASK_REF, b.taskRef);
        put(row, CALENDLY_BOOKING.INVITEE_PAYLOAD, p.payload());
        put(row, CALENDLY_BOOKING.LAST_EVENT_AT, at(b.lastEventAt));
        put(row, CALENDLY_BOOKING.CREATED_AT, at(b.createdAt == null ? now : b.createdAt));
        put(row, CALENDLY_BOOKING.UPDATED_AT, at(now));
        put(row, CALENDLY_BOOKING.EMAIL_ENC, p.emailEnc());
        put(row, CALENDLY_BOOKING.NAME_ENC, p.nameEnc());
        put(row, CALENDLY_BOOKING.PAYLOAD_ENC, p.payloadEnc());
        put(row, CALENDLY_BOOKING.CANCEL_REASON_ENC, p.cancelReasonEnc());
        put(row, CALENDLY_BOOKING.CANCELED_BY_ENC, p.canceledByEnc());
        put(row, CALENDLY_BOOKING.EMAIL_INDEX, p.emailIndex());
        return row;
    }

    /** The typed pairing: a value that is not of its column's type does not compile. */
    private static <T> void put(Map<Field<?>, Field<?>> row, Field<T> column, T value) {
        row.put(column, DSL.val(value, column));
    }

    /** A row's personal fields as stored: sealed (the clear ones null), or clear when sealing is off. */
    private record Sealed(String email, String name, JSONB payload, String cancelReason, String canceledBy,
                          byte[] emailEnc, byte[] nameEnc, byte[] payloadEnc, byte[] cancelReasonEnc, byte[] canceledByEnc,
                          byte[] emailIndex) {
    }

    private Sealed seal(String tenantId, Booking b) {
        if (b.personalPurgedAt != null) {
            return new Sealed(null, null, null, null, null, null, null, null, null, null, null);
        }
        if (!personal.seals()) {
            return new Sealed(b.email, b.name, b.payloadJson == null ? null : JSONB.jsonb(b.payloadJson), b.cancelReason,
                    b.canceledBy, null, null, null, null, null, null);
        }
        String row = b.id.toString();
        return new Sealed(null, null, null, null, null,
                personal.sealText(tenantId, EMAIL, row, b.email),
                personal.sealText(tenantId, NAME, row, b.name),
                personal.sealText(tenantId, PAYLOAD, row, b.payloadJson),
                personal.sealText(tenantId, CANCEL_REASON, row, b.cancelReason),
                personal.sealText(tenantId, CANCELED_BY, row, b.canceledBy),
                personal.emailIndex(tenantId, b.email));
    }

    /** The sealed value when there is one, else the clear column of a row written before sealing. */
    private String open(CalendlyBookingRecord r, String field, byte[] sealed, String clear) {
        return sealed == null ? clear : personal.openText(r.getTenantId(), field, r.getId().toString(), sealed);
    }

    Booking toBooking(CalendlyBookingRecord r) {
        Booking b = new Booking(r.getId(), r.getInviteeUri(), r.getChainId());
        b.stored = true;
        b.scheduledEventUri = r.getScheduledEventUri();
        b.eventTypeUri = r.getEventTypeUri();
        b.eventName = r.getEventName();
        b.email = open(r, EMAIL, r.getEmailEnc(), r.getEmail());
        b.name = open(r, NAME, r.getNameEnc(), r.getName());
        b.status = Booking.Status.valueOf(r.getStatus());
        b.startTime = instant(r.getStartTime());
        b.endTime = instant(r.getEndTime());
        b.inviteeTimezone = r.getInviteeTimezone();
        b.hostUserUri = r.getHostUserUri();
        b.oldInviteeUri = r.getOldInviteeUri();
        b.newInviteeUri = r.getNewInviteeUri();
        b.noShow = Boolean.TRUE.equals(r.getNoShow());
        b.noShowUri = r.getNoShowUri();
        b.cancelReason = open(r, CANCEL_REASON, r.getCancelReasonEnc(), r.getCancelReason());
        b.canceledBy = open(r, CANCELED_BY, r.getCanceledByEnc(), r.getCanceledBy());
        b.cancelerType = r.getCancelerType();
        b.canceledAt = instant(r.getCanceledAt());
        b.contactRef = r.getContactRef();
        b.taskRef = r.getTaskRef();
        b.payloadJson = open(r, PAYLOAD, r.getPayloadEnc(), r.getInviteePayload() == null ? null : r.getInviteePayload().data());
        b.lastEventAt = instant(r.getLastEventAt());
        b.createdAt = instant(r.getCreatedAt());
        b.personalPurgedAt = instant(r.getPersonalPurgedAt());
        return b;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
