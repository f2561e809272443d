package io.calbridge.calendly;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.privacy.Retention;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.db.calendly.tables.records.CalendlyBookingRecord;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.testing.TestClock;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A booking row whose personal fields the retention purge dropped has no payload, like a placeholder
 * (an invitee named by a reschedule partner, never seen). The sweep and a contact's refresh, which
 * read Calendly's API over HTTP (the sandbox) while Calendly still has the meeting, must take it for
 * what it is: a booking already applied and purged. Not a missing booking: no drift, no personal data
 * written back, no effect again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PurgedBookingSyncTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final String PAT = "pat.purged@example.com";

    /** Counts the host calls a booking makes, so a repeated effect shows even when the host is idempotent. */
    static final class CountingHost extends TestHost {
        final AtomicInteger contactCalls = new AtomicInteger();
        final AtomicInteger tasksCreated = new AtomicInteger();

        @Override
        public ContactRef findOrCreate(HostCall call, ContactDraft draft) {
            contactCalls.incrementAndGet();
            return super.findOrCreate(call, draft);
        }

        @Override
        public String create(HostCall call, TaskDraft draft) {
            tasksCreated.incrementAndGet();
            return super.create(call, draft);
        }
    }

    private DSLContext sql() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @Test
    void aPurgedBookingThatCalendlyStillHas_isNeitherDriftNorRefetched_byTheSweepOrARefresh() {
        TestClock clock = TestClock.shifted();
        CountingHost host = new CountingHost();
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            PluginNodes.Node node = cluster.start(0, purgedAfter30Days(clock, host));
            SandboxEventType intro = cluster.sb.createEventType(cluster.ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            UUID id = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
            cluster.sb.book(BookingRequest.of(intro, "Pat Purged", PAT, Instant.now().plus(Duration.ofDays(2))));
            eventually("the booking is delivered and applied").until(() -> booking() != null && nothingPending());
            node.wiring().sync().runUntilIdle(); // the import on connect finds it applied already
            assertEquals(1, host.contactCalls.get(), "one contact");
            assertEquals(1, host.tasksCreated.get(), "one task");
            int ledger = sql().fetchCount(CALENDLY_EFFECT_LEDGER);
            assertTrue(ledger > 0, "the effects are in the ledger");

            // 40 days on, the meeting ended more than the 30 days of retention ago; the window reaches back 90 days.
            clock.advance(Duration.ofDays(40));
            HttpResponse<String> window = node.put("acme", "/settings/calendly/" + id + "/sync", "{\"past_days\":90}");
            assertEquals(200, window.statusCode(), window.body());
            Retention.Run purge = node.wiring().privacy().retention().runOnce();
            assertEquals(1, purge.bookings(), "the booking's personal fields are purged");
            assertPurged("after the purge");

            HttpResponse<String> check = node.post("acme", "/settings/calendly/" + id + "/sync/check", "{}");
            assertEquals(202, check.statusCode(), check.body());
            node.wiring().sync().runUntilIdle();
            JsonNode sweep = PluginNodes.json(node.get("acme", "/settings/calendly/" + id + "/sync")).at("/status/last_sweep");
            assertEquals("requested", sweep.path("cause").asText(), sweep.toString());
            assertEquals(1, sweep.path("checked").asInt(), "the sweep saw the meeting in Calendly: " + sweep);
            assertEquals(0, sweep.path("recovered").asInt(), "a purged booking is not a missing one: " + sweep);
            assertEquals(0, sweep.path("failed").asInt(), sweep.toString());
            assertPurged("after the sweep");

            assertEquals(0, node.wiring().sync().importMeetingsOf(id, PAT), "a refresh of the person imports nothing");
            assertPurged("after a refresh");

            assertEquals(ledger, sql().fetchCount(CALENDLY_EFFECT_LEDGER), "no effect again");
            assertEquals(1, host.contactCalls.get(), "the contact was not looked for again");
            assertEquals(1, host.tasksCreated.get(), "no second task");
        }
    }

    @Test
    void aLateDeliveryForAPurgedBooking_writesNoPersonalFieldBack() {
        TestClock clock = TestClock.shifted();
        CountingHost host = new CountingHost();
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            PluginNodes.Node node = cluster.start(0, purgedAfter30Days(clock, host).andThen(
                    c -> c.webhookBodyRetention = Duration.ofDays(60))); // the delivery's body outlives the booking's fields
            SandboxEventType intro = cluster.sb.createEventType(cluster.ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            UUID id = node.connectOAuth("late", PluginNodes.platformJson(), cluster.ada);
            cluster.sb.book(BookingRequest.of(intro, "Pat Purged", PAT, Instant.now().plus(Duration.ofDays(2))));
            eventually("the booking is delivered and applied").until(() -> booking("late") != null && nothingPending());
            int ledger = sql().fetchCount(CALENDLY_EFFECT_LEDGER);

            clock.advance(Duration.ofDays(40));
            assertEquals(1, node.wiring().privacy().retention().runOnce().bookings(), "the booking's fields are purged");
            assertPurged("late", "after the purge");

            // A delivery about the booking arriving late (here the admin replays the original one) carries the
            // invitee's fields in its body; a purged row is final, so none of them is written back.
            long delivery = sql().select(CALENDLY_WEBHOOK_INBOX.ID).from(CALENDLY_WEBHOOK_INBOX)
                    .where(CALENDLY_WEBHOOK_INBOX.TENANT_ID.eq("late")).fetchSingle(CALENDLY_WEBHOOK_INBOX.ID);
            HttpResponse<String> replay = node.post("late", "/settings/calendly/" + id + "/webhooks/" + delivery + "/replay", "{}");
            assertTrue(replay.statusCode() / 100 == 2, replay.body());
            eventually("the replay is processed").until(() -> nothingPending() && "DONE".equals(sql()
                    .select(CALENDLY_WEBHOOK_INBOX.STATUS).from(CALENDLY_WEBHOOK_INBOX)
                    .where(CALENDLY_WEBHOOK_INBOX.ID.eq(delivery)).fetchSingle(CALENDLY_WEBHOOK_INBOX.STATUS)));

            assertPurged("late", "after the late delivery");
            assertEquals(ledger, sql().fetchCount(CALENDLY_EFFECT_LEDGER), "no effect again");
            assertEquals(1, host.tasksCreated.get(), "no second task");
        }
    }

    /** The test runs the sync jobs and the purge; a booking's personal fields are kept 30 days. */
    private static Consumer<CalendlyConfig> purgedAfter30Days(TestClock clock, CountingHost host) {
        return c -> {
            c.clock = clock;
            c.host = host.asServices();
            c.syncPollInterval = Duration.ZERO;
            c.retentionPurgeInterval = Duration.ZERO;
            c.bookingPersonalDataRetention = Duration.ofDays(30);
        };
    }

    /** Only nulls checked: a failure message never prints what a column holds. */
    private void assertPurged(String when) {
        assertPurged("acme", when);
    }

    private void assertPurged(String tenant, String when) {
        CalendlyBookingRecord b = booking(tenant);
        assertNotNull(b.getPersonalPurgedAt(), when);
        assertTrue(b.getPayloadEnc() == null, "no payload " + when);
        assertTrue(b.getEmailEnc() == null, "no e-mail " + when);
        assertTrue(b.getNameEnc() == null, "no name " + when);
        assertTrue(b.getEmailIndex() == null, "no e-mail index " + when);
        assertTrue(b.getInviteePayload() == null && b.getEmail() == null && b.getName() == null, "no clear data " + when);
    }

    private CalendlyBookingRecord booking() {
        return booking("acme");
    }

    private CalendlyBookingRecord booking(String tenant) {
        var rows = sql().selectFrom(CALENDLY_BOOKING).where(CALENDLY_BOOKING.TENANT_ID.eq(tenant)).fetch();
        assertTrue(rows.size() <= 1, "one booking row: " + rows.size());
        return rows.isEmpty() ? null : rows.get(0);
    }

    private boolean nothingPending() {
        return sql().fetchCount(CALENDLY_WEBHOOK_INBOX, CALENDLY_WEBHOOK_INBOX.STATUS.in("PENDING", "PROCESSING")) == 0;
    }
}
