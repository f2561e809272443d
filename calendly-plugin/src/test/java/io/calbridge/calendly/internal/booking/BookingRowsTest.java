package io.calbridge.calendly.internal.booking;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.PermanentProcessingException;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.fixtures.InviteeEvent;
import io.calbridge.fixtures.InviteeEvent.RescheduledTwice;
import io.calbridge.testing.Permutations;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TwoNodeRace;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin's own rows of a booking chain ({@code calendly_booking}, {@code calendly_effect_ledger}),
 * which no API shows whole: the links of a reschedule, the placeholder of an invitee known only by
 * its URI, one chain per person whatever the order or concurrency of the deliveries, and the reasons
 * a body the engine cannot read is dead-lettered with. What the same deliveries do in a CRM is
 * asserted in tenant-host (BookingFixturesTest, BookingTimelineTest), over its real tables.
 */
class BookingRowsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static Bookings bookings;

    record Row(String inviteeUri, String status, boolean placeholder, String oldInvitee, String newInvitee, UUID chainId) {
    }

    @BeforeAll
    static void wire() {
        bookings = engine(db.dataSource());
    }

    static Bookings engine(DataSource dataSource) {
        return Bookings.create(new Db(dataSource), TestHost.services(), Clock.systemUTC());
    }

    private static ProcessingResult process(UUID integration, byte[] body) {
        return bookings.processor().process(BookingDb.delivery(integration, body));
    }

    private static List<Row> rows(UUID integration) {
        return new Db(db.dataSource()).dsl().selectFrom(CALENDLY_BOOKING).where(CALENDLY_BOOKING.INTEGRATION_ID.eq(integration))
                .orderBy(CALENDLY_BOOKING.INVITEE_URI)
                .fetch(r -> new Row(r.getInviteeUri(), r.getStatus(), r.getInviteePayload() == null && r.getPayloadEnc() == null,
                        r.getOldInviteeUri(), r.getNewInviteeUri(), r.getChainId()));
    }

    private static Row row(UUID integration, String inviteeUri) {
        return rows(integration).stream().filter(r -> r.inviteeUri().equals(inviteeUri)).findFirst()
                .orElseThrow(() -> new AssertionError("no booking row for " + inviteeUri));
    }

    private static long chains(UUID integration) {
        return rows(integration).stream().map(Row::chainId).distinct().count();
    }

    @Test
    void newSideOfAReschedule_alone_makesOneBookingWithThePlaceholderOfTheOldInvitee() {
        UUID i = BookingDb.integration(db.dataSource());

        process(i, CalendlyFixtures.webhook("invitee.created.zoom.with-guest.rescheduled-new.json"));

        String newUri = "https://api.calendly.com/scheduled_events/1c3ba7ea-5ddb-4b4a-82fb-eb465d4c00c0/invitees/fa178de9-c763-4821-9c74-45e41855af4d";
        String oldUri = "https://api.calendly.com/scheduled_events/0fefb1b7-c86a-467b-a743-0b0c8be36ca0/invitees/e4d1b4b6-895a-4b2e-bbf1-7ebe5bbe1d7b";
        Row created = row(i, newUri);
        Row old = row(i, oldUri);
        assertEquals("ACTIVE", created.status());
        assertFalse(created.placeholder());
        assertEquals(oldUri, created.oldInvitee());
        assertEquals("RESCHEDULED", old.status());
        assertTrue(old.placeholder());
        assertEquals(newUri, old.newInvitee());
        assertEquals(created.chainId(), old.chainId());
    }

    @Test
    void oldSideOfAReschedule_alone_keepsAPlaceholderOfTheNewInvitee() {
        UUID i = BookingDb.integration(db.dataSource());

        process(i, CalendlyFixtures.webhook("invitee.canceled.reschedule-old.json"));

        String oldUri = "https://api.calendly.com/scheduled_events/b0c4d91c-3ca3-4976-a8fa-9048e7d25cc9/invitees/8740113b-dac7-4c55-995d-edfe6c07ab3a";
        String newUri = "https://api.calendly.com/scheduled_events/1d894a9c-6738-4c5a-ad20-3047d4b3565b/invitees/b019eae1-ffbc-48f0-94b3-2b78967936fa";
        assertEquals("RESCHEDULED", row(i, oldUri).status());
        assertFalse(row(i, oldUri).placeholder());
        assertTrue(row(i, newUri).placeholder());
        assertEquals("ACTIVE", row(i, newUri).status());
        assertEquals(1, chains(i));
    }

    @Test
    void eventTypeEvents_areIgnored_withoutABookingOrALedgerEntry() {
        UUID i = BookingDb.integration(db.dataSource());

        assertEquals(ProcessingResult.IGNORED, process(i, CalendlyFixtures.webhook("event_type.created.standard.docs-example.json")));

        assertTrue(rows(i).isEmpty());
        assertEquals(0, new Db(db.dataSource()).dsl().fetchCount(CALENDLY_EFFECT_LEDGER,
                CALENDLY_EFFECT_LEDGER.TENANT_ID.eq("tenant-" + i)));
    }

    @Test
    void unreadableBodies_areDeadLetteredWithAReason() {
        UUID i = BookingDb.integration(db.dataSource());

        var notJson = assertThrows(PermanentProcessingException.class, () -> process(i, "{not json".getBytes()));
        var array = assertThrows(PermanentProcessingException.class, () -> process(i, "[1]".getBytes()));
        var noPayload = assertThrows(PermanentProcessingException.class,
                () -> process(i, "{\"event\":\"invitee.created\",\"payload\":[]}".getBytes()));
        var noUri = assertThrows(PermanentProcessingException.class,
                () -> process(i, "{\"event\":\"invitee.created\",\"payload\":{\"email\":\"x@example.com\"}}".getBytes()));

        assertTrue(notJson.getMessage().startsWith("The delivery body is not a valid JSON object"), notJson.getMessage());
        assertTrue(noUri.getMessage().contains("payload.uri is missing"), noUri.getMessage());
        assertTrue(array.getMessage().startsWith("The delivery body is not a valid JSON object"), array.getMessage());
        assertEquals("The invitee.created delivery has no payload object, so there is nothing to apply.", noPayload.getMessage());
        assertTrue(rows(i).isEmpty());
    }

    // ---- chains --------------------------------------------------------------------------------

    static final byte[] ORIGINAL = InviteeEvent.basedOn("invitee.canceled.reschedule-old.json").asCreated().bytes();
    static final byte[] RESCHEDULE_CANCEL = CalendlyFixtures.webhook("invitee.canceled.reschedule-old.json");
    static final byte[] RESCHEDULE_CREATE = CalendlyFixtures.webhook("invitee.created.reschedule-new.json");

    @Test
    void reschedule_cancelFirstOrCreateFirst_isOneChainOfTheOldAndTheNewInvitee() {
        for (List<byte[]> order : List.of(List.of(ORIGINAL, RESCHEDULE_CANCEL, RESCHEDULE_CREATE),
                List.of(ORIGINAL, RESCHEDULE_CREATE, RESCHEDULE_CANCEL))) {
            UUID i = BookingDb.integration(db.dataSource());
            order.forEach(b -> process(i, b));

            assertEquals(1, chains(i));
            assertEquals(List.of("ACTIVE", "RESCHEDULED"), rows(i).stream().map(Row::status).toList());
            assertTrue(rows(i).stream().noneMatch(Row::placeholder));
        }
    }

    @Test
    void chainOfTwoReschedules_inEveryOrder_isOneChainWithoutPlaceholders() {
        RescheduledTwice chain = InviteeEvent.rescheduledTwice("chain@example.com");
        for (List<Integer> order : Permutations.of(5)) {
            UUID i = BookingDb.integration(db.dataSource());
            order.forEach(k -> process(i, chain.inOrder().get(k)));

            assertEquals(1, chains(i), "order " + order);
            assertEquals(List.of("RESCHEDULED", "RESCHEDULED", "ACTIVE"), List.of(row(i, chain.uriA()).status(),
                    row(i, chain.uriB()).status(), row(i, chain.uriC()).status()), "order " + order);
            assertEquals(chain.uriB(), row(i, chain.uriA()).newInvitee(), "order " + order);
            assertEquals(chain.uriC(), row(i, chain.uriB()).newInvitee(), "order " + order);
            assertTrue(rows(i).stream().noneMatch(Row::placeholder), "order " + order);
        }
    }

    @Test
    void twoNodesProcessingTheSameChainAtOnce_makeOneChainPerPerson() throws Exception {
        UUID i = BookingDb.integration(db.dataSource());
        try (var poolA = db.newPool(3); var poolB = db.newPool(3)) {
            Bookings nodeA = engine(poolA);
            Bookings nodeB = engine(poolB);
            List<RescheduledTwice> chains = new ArrayList<>();
            for (int k = 0; k < 12; k++) {
                chains.add(InviteeEvent.rescheduledTwice("race" + k + "@example.com"));
            }
            TwoNodeRace.run(chains.stream().map(RescheduledTwice::inOrder).toList(),
                    body -> retryOnDeadlock(() -> nodeA.processor().process(BookingDb.delivery(i, body))),
                    body -> retryOnDeadlock(() -> nodeB.processor().process(BookingDb.delivery(i, body))));
            assertEquals(12, chains(i));
            assertEquals(12 * 3, rows(i).size());
            for (RescheduledTwice chain : chains) {
                assertEquals(row(i, chain.uriA()).chainId(), row(i, chain.uriC()).chainId(), chain.email());
                assertEquals("ACTIVE", row(i, chain.uriC()).status(), chain.email());
                assertNull(row(i, chain.uriC()).newInvitee(), chain.email());
            }
        }
    }

    /** A deadlock aborts one transaction; the inbox worker retries it, so this test does the same. */
    private static void retryOnDeadlock(Runnable work) {
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return;
            } catch (org.jooq.exception.DataAccessException e) {
                if (attempt >= 3 || !String.valueOf(e.sqlState()).equals("40P01")) {
                    throw e;
                }
            }
        }
    }
}
