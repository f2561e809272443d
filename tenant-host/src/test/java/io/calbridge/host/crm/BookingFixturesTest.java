package io.calbridge.host.crm;

import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recorded webhook fixture, delivered to a connected tenant's webhook URL and processed end to
 * end into tenant-host's real tables, each in a tenant of its own (zone America/New_York,
 * {@link Harness#standardSettings}). The plugin is seen through its API: the webhook log says how a
 * delivery ended, the privacy export shows the plugin's booking rows.
 */
class BookingFixturesTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static Harness h;

    @BeforeAll
    static void start() {
        h = Harness.start(db.dataSource());
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    static List<String> deliveries() {
        return CalendlyFixtures.webhookDeliveries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deliveries")
    void everyFixture_processedTwiceMoreChangesNothing(String fixture) {
        TestTenant t = h.tenant("America/New_York");
        String first = h.fixture(t, fixture).status();
        List<String> after = h.snapshot(t);

        assertEquals(fixture.startsWith("event_type.") ? "IGNORED" : "DONE", first);
        assertEquals(first, h.fixture(t, fixture).status());
        assertEquals(first, h.fixture(t, fixture).status());
        assertEquals(after, h.snapshot(t));
        if (first.equals("DONE")) {
            assertEquals(1, h.view(t).contacts().size(), "one contact per invitee");
            assertEquals(1, h.view(t).tasks().size(), "one task per booking");
        } else {
            assertTrue(after.isEmpty(), "ignored deliveries leave nothing behind: " + after);
        }
    }

    @Test
    void basicBooking_becomesContactWithAnswersAndUtm_listsTags_andTaskAtMeetingStart() throws Exception {
        TestTenant t = h.tenant("America/New_York");

        assertEquals("DONE", h.fixture(t, "invitee.created.basic.json").status());

        CrmView v = h.view(t);
        var c = v.contact("jamie.sample@example.com");
        assertEquals("Jamie", c.firstName());
        assertEquals("Sample", c.lastName());
        assertEquals("Jamie Sample", c.fullName());
        assertNull(c.phone(), "no text reminder number in this booking");
        assertEquals("America/Denver", c.timezone());
        assertEquals("booked", c.status());
        assertEquals("host-alpha@example.org", c.ownerEmail(), "the Calendly host is on the team");
        assertEquals("calendly", c.source());
        assertEquals("+1 555-010-0001", c.fields().get("Phone"), "question text trimmed");
        assertEquals("Example niche content", c.fields().get("What Kind of Business do you have ?"));
        assertEquals("@fake.handle.01", c.fields().get("What's your Instagram username? (Example @example.handle)"));
        assertEquals("8PM Mountain time - Monday, April 20, 2026", c.fields().get("Confirm the selected time and time zone please :"));
        assertEquals("high_performance_content_strategy", c.fields().get("utm_campaign"));
        assertEquals("dmteam", c.fields().get("utm_source"));
        assertEquals("dm", c.fields().get("utm_medium"));
        assertEquals("dmteam", c.fields().get("utm_content"));
        assertFalse(c.fields().containsKey("utm_term"), "null UTM values are not stored");
        assertEquals(10, c.fields().size());
        assertEquals(Set.of("Newsletter", "Leads"), v.lists(c.email()));
        assertEquals(Set.of("calendly", "booked"), v.tags(c.email()));

        var task = v.tasks().get(0);
        assertEquals("Ex-Fit High Performance Content Strategy Meeting with Jamie Sample", task.title());
        assertEquals(Instant.parse("2026-04-21T02:00:00Z"), task.dueAt(), "due at the meeting's start");
        assertEquals("OPEN", task.status());
        assertEquals("host-alpha@example.org", task.ownerEmail());
        assertEquals(c.email(), task.contactEmail());
        assertTrue(task.description().startsWith("""
                Ex-Fit High Performance Content Strategy Meeting on Mon 20 Apr 2026 22:00 EDT
                Invitee: Jamie Sample <jamie.sample@example.com>
                Where: http://go.example.com/host-alpha

                Phone: +1 555-010-0001
                What Kind of Business do you have ?: Example niche content"""), task.description());

        var a = v.activities();
        assertEquals(1, a.size());
        assertEquals("calendly.booked", a.get(0).kind());
        assertEquals("Booked \"Ex-Fit High Performance Content Strategy Meeting\" for Mon 20 Apr 2026 22:00 EDT", a.get(0).summary());
        assertEquals(Instant.parse("2026-04-19T20:58:38.460659Z"), a.get(0).occurredAt());
        assertEquals(6, ((List<?>) a.get(0).details().get("answers")).size());
        assertEquals(Map.of("utm_campaign", "high_performance_content_strategy", "utm_source", "dmteam", "utm_medium", "dm",
                "utm_content", "dmteam"), a.get(0).details().get("utm"));

        List<JsonNode> bookings = h.bookings(t, c.email());
        assertEquals(1, bookings.size());
        JsonNode b = bookings.get(0);
        assertEquals("ACTIVE", b.get("status").asText());
        assertEquals(Harness.JSON.readTree(CalendlyFixtures.webhook("invitee.created.basic.json")).get("payload"), b.get("payload"),
                "the payload is kept for the dry run, complete");
        assertEquals(c.id(), b.get("host_contact_id").asText());
        assertEquals(task.id(), b.get("host_task_id").asText());
    }

    @Test
    void singleNameFieldZoomBooking_keepsFullNameAndPhone_andFallsBackToDefaultOwner() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.created.zoom.single-name-field.json");

        CrmView v = h.view(t);
        var c = v.contact("nico.fakename@example.com");
        assertNull(c.firstName());
        assertNull(c.lastName());
        assertEquals("Nico Fakename", c.fullName());
        assertEquals("+1 555-010-0004", c.phone(), "from text_reminder_number");
        assertEquals("America/Chicago", c.timezone());
        assertEquals("owner@tenant.example", c.ownerEmail(), "the Calendly host is not on the team: default owner");
        assertEquals("Just content creation",
                c.fields().get("Please share the #1 struggle in your business, so we can come prepared.\n\nBe as specific as possible."));
        assertEquals("Nico Fakename FB", c.fields().get("What is your Facebook Name?"));
        assertEquals(2, c.fields().size());
        var task = v.tasks().get(0);
        assertEquals("1-1 Momentum Call with Nico Fakename", task.title());
        assertEquals(Instant.parse("2026-04-20T20:00:00Z"), task.dueAt());
        assertEquals("owner@tenant.example", task.ownerEmail());
        assertTrue(task.description().contains("Where: https://us02web.zoom.us/j/85550000001?pwd=FAKEFAKEFAKEFAKEFAKEFAKEFAKE.1"),
                task.description());
        assertTrue(task.description().contains("Mon 20 Apr 2026 16:00 EDT"), "tenant zone, not the invitee's: " + task.description());
    }

    @Test
    void newSideOfAReschedule_alone_makesOneBookingWithThePlaceholderOfTheOldInvitee() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.created.zoom.with-guest.rescheduled-new.json");

        CrmView v = h.view(t);
        var c = v.contact("ari@exampleton.example");
        assertEquals("Ari Exampleton", c.fullName());
        assertEquals("+1 555-010-0006", c.phone());
        assertEquals(Set.of("calendly", "booked", "rescheduled"), v.tags(c.email()));
        var task = v.tasks().get(0);
        assertEquals("EX FIT call with Coach E with Ari Exampleton", task.title(), "event name's trailing space trimmed");
        assertEquals(Instant.parse("2026-04-20T19:00:00Z"), task.dueAt());
        assertEquals("OPEN", task.status());
        String newUri = "https://api.calendly.com/scheduled_events/1c3ba7ea-5ddb-4b4a-82fb-eb465d4c00c0/invitees/fa178de9-c763-4821-9c74-45e41855af4d";
        String oldUri = "https://api.calendly.com/scheduled_events/0fefb1b7-c86a-467b-a743-0b0c8be36ca0/invitees/e4d1b4b6-895a-4b2e-bbf1-7ebe5bbe1d7b";
        // The old invitee is known only by its URI (a placeholder without e-mail, payload or contact):
        // its row and the chain's links are asserted in the plugin, BookingRowsTest.
        assertEquals(List.of(newUri), h.bookings(t, c.email()).stream().map(b -> b.get("invitee_uri").asText()).toList());
        assertEquals("ACTIVE", h.booking(t, c.email(), newUri).get("status").asText());
        assertEquals(List.of("calendly.rebooked"), v.activityKinds(c.email()));
        assertEquals("New time for \"EX FIT call with Coach E\": Mon 20 Apr 2026 15:00 EDT", v.activities().get(0).summary());
    }

    @Test
    void googleMeetBookingWithGuest_usesTheJoinUrlAndTheInviteeZone() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.created.google-meet-processing.with-guest.json");

        CrmView v = h.view(t);
        var c = v.contact("nadia.placeholder@example.com");
        assertEquals("Nadia Placeholder", c.fullName());
        assertNull(c.firstName());
        assertEquals("Asia/Calcutta", c.timezone());
        assertEquals("asdmsdkjsdjj sdsd", c.fields().get("Please share anything that will help prepare for our meeting."));
        var task = v.tasks().get(0);
        assertEquals("30 Minute Meeting with Nadia Placeholder", task.title());
        assertEquals(Instant.parse("2025-05-22T16:30:00Z"), task.dueAt());
        assertTrue(task.description().contains("Where: https://calendly.com/events/7ad2d944-a72f-48b8-93f6-10318311cd75/google_meet"));
        assertEquals(1, v.contacts().size(), "the guest is not an invitee: no contact for them");
    }

    @Test
    void docsExampleBooking_withoutNameParts() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.created.docs-example.json");

        var c = h.view(t).contact("test@example.com");
        assertEquals("John Doe", c.fullName());
        assertNull(c.firstName());
        assertEquals("America/New_York", c.timezone());
        assertEquals(Map.of(), c.fields());
        var task = h.view(t).tasks().get(0);
        assertEquals("15 Minute Meeting with John Doe", task.title());
        assertEquals(Instant.parse("2019-08-24T14:15:22.123456Z"), task.dueAt());
        assertTrue(task.description().contains("Where: string"), task.description());
    }

    @Test
    void cancelByInvitee_beforeItsCreate_stillMakesTheContact_thenCancelsTheTaskTagsAndSetsStatus() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.canceled.by-invitee.json");

        CrmView v = h.view(t);
        var c = v.contact("dana.testerson@example.com");
        assertEquals("Dana", c.firstName());
        assertEquals("canceled", c.status());
        assertEquals("host-charlie@example.org", c.ownerEmail());
        assertEquals("dmteam", c.fields().get("utm_source"));
        assertEquals(Set.of("calendly", "booked", "canceled"), v.tags(c.email()));
        assertEquals(Set.of("Newsletter", "Leads"), v.lists(c.email()));
        var task = v.tasks().get(0);
        assertEquals("CANCELED", task.status(), "canceled, not deleted");
        assertEquals(Instant.parse("2026-04-09T16:45:00Z"), task.dueAt());
        var a = v.activities();
        assertEquals(List.of("calendly.booked", "calendly.canceled"), a.stream().map(CrmView.ActivityRow::kind).toList());
        assertEquals(Instant.parse("2026-04-09T06:11:59.338822Z"), a.get(0).occurredAt());
        assertEquals(Instant.parse("2026-04-09T15:30:41.781268Z"), a.get(1).occurredAt());
        assertEquals("Canceled \"The Complete Strategy Meeting W/ Example-Fitness\" (Thu 9 Apr 2026 12:45 EDT) by Dana Testerson: "
                + "family emergency, will get with Sam to reschedule", a.get(1).summary());
        var b = h.bookings(t, c.email()).get(0);
        assertEquals("CANCELED", b.get("status").asText());
        assertEquals("family emergency, will get with Sam to reschedule", b.get("cancel_reason").asText());
        assertEquals("Dana Testerson", b.get("canceled_by").asText());
    }

    @Test
    void cancelByHost_recordsTheHostAsCanceler() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.canceled.by-host.json");

        CrmView v = h.view(t);
        var c = v.contact("jordan.placeholder@example.com");
        assertEquals("canceled", c.status());
        assertEquals("owner@tenant.example", c.ownerEmail(), "Host Delta is not on the team");
        var b = h.bookings(t, c.email()).get(0);
        assertEquals("Host Delta", b.get("canceled_by").asText());
        assertEquals("unable to make it", b.get("cancel_reason").asText());
        assertEquals("CANCELED", v.tasks().get(0).status());
        assertTrue(v.activities().get(1).summary().endsWith("by Host Delta: unable to make it"), v.activities().get(1).summary());
    }

    @Test
    void docsExampleCancel() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.canceled.docs-example.json");

        CrmView v = h.view(t);
        assertEquals("canceled", v.contact("test@example.com").status());
        assertEquals("Meeting Conflict", h.bookings(t, "test@example.com").get(0).get("cancel_reason").asText());
        assertEquals("CANCELED", v.tasks().get(0).status());
    }

    @Test
    void oldSideOfAReschedule_alone_firesNoCancelEffects() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee.canceled.reschedule-old.json");

        CrmView v = h.view(t);
        var c = v.contact("andi.mock@example.com");
        assertEquals("booked", c.status(), "a reschedule is not a cancellation");
        assertEquals(Set.of("calendly", "booked", "rescheduled"), v.tags(c.email()));
        var task = v.tasks().get(0);
        assertEquals("OPEN", task.status());
        assertEquals(Instant.parse("2026-04-17T20:00:00Z"), task.dueAt(), "the new time is not known yet");
        String oldUri = "https://api.calendly.com/scheduled_events/b0c4d91c-3ca3-4976-a8fa-9048e7d25cc9/invitees/8740113b-dac7-4c55-995d-edfe6c07ab3a";
        String newUri = "https://api.calendly.com/scheduled_events/1d894a9c-6738-4c5a-ad20-3047d4b3565b/invitees/b019eae1-ffbc-48f0-94b3-2b78967936fa";
        assertEquals("RESCHEDULED", h.booking(t, c.email(), oldUri).get("status").asText());
        // The new invitee is a placeholder (no e-mail yet), asserted in the plugin, BookingRowsTest.
        assertEquals(List.of(oldUri), h.bookings(t, c.email()).stream().map(b -> b.get("invitee_uri").asText()).toList(),
                "not " + newUri + " yet");
        assertEquals(List.of("calendly.booked", "calendly.rescheduled"), v.activityKinds(c.email()));
        assertEquals("Rescheduled \"The Complete Strategy Meeting W/ Example-Fitness\" from Fri 17 Apr 2026 16:00 EDT by Andi Mock: "
                + "Works better for me to leave more time for the call", v.activities().get(1).summary());
    }

    @Test
    void noShowDeletedForAnUnknownInvitee_recordsTheBookingWithoutANoShow() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "invitee_no_show.deleted.docs-example.json");

        CrmView v = h.view(t);
        assertEquals("booked", v.contact("test@example.com").status());
        assertFalse(h.bookings(t, "test@example.com").get(0).get("no_show").asBoolean());
        assertEquals(Set.of("calendly", "booked"), v.tags("test@example.com"));
    }

    @Test
    void sampleWebhookData_isAppliedThroughItsPayload() {
        TestTenant t = h.tenant("America/New_York");

        h.fixture(t, "sample_webhook_data.invitee.created.docs-example.json");

        CrmView v = h.view(t);
        var c = v.contact("test@example.com");
        assertEquals("John", c.firstName());
        assertEquals("+1 404-555-1234", c.phone());
        assertNull(c.timezone(), "\"string\" is not a time zone");
        assertEquals("string", c.fields().get("utm_source"));
        assertEquals("Calendly Office", h.view(t).tasks().get(0).description().lines()
                .filter(l -> l.startsWith("Where: ")).findFirst().orElseThrow().substring(7));
    }

    @Test
    void eventTypeEvents_areIgnored() {
        TestTenant t = h.tenant("America/New_York");

        assertEquals("IGNORED", h.fixture(t, "event_type.created.standard.docs-example.json").status());

        // No booking row and no ledger entry: asserted in the plugin, BookingRowsTest.
        assertEquals(List.of(), h.snapshot(t));
    }
}
