package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.db.host.tables.records.TaskRecord;
import io.calbridge.sandbox.Booking;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Acting on Calendly from the CRM, over real HTTP: a tenant member calls the plugin's action routes
 * on tenant-host, the plugin calls the Calendly sandbox, the sandbox's signed webhooks come back and
 * land in tenant-host's tables. Every action is also sent again, as a client whose reply was lost
 * would, and with the sandbox losing Calendly's own reply: nothing happens twice.
 */
class WriteBackTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();
    static CalendlySandbox sandbox;
    static HostApp app;
    static DemoTenants demo;
    static SandboxEventType intro;
    static SandboxEventType globexCall;
    static SandboxEventType workshop;
    static String base;
    static String member;
    static String globexAdmin;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoTenants(db.dataSource());
        sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true));
        var org = sandbox.createOrganization("Acme on Calendly", Plan.STANDARD);
        SandboxUser ada = sandbox.createUser(org, "Ada Host", "ada@acme.test", Role.OWNER, "Europe/Warsaw");
        intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        workshop = sandbox.createEventType(ada, "Workshop", EventKind.GROUP(5), Duration.ofMinutes(90));
        var otherOrg = sandbox.createOrganization("Globex on Calendly", Plan.STANDARD);
        SandboxUser gus = sandbox.createUser(otherOrg, "Gus Host", "gus@globex.test", Role.OWNER, "UTC");
        globexCall = sandbox.createEventType(gus, "Globex call", EventKind.SOLO, Duration.ofMinutes(30));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        app = new HostApp(db.dataSource(), DemoTenants.settings(base), TestKeys.MASTER, "test", plugin -> {
            plugin.calendlyApiBaseUrl = sandbox.baseUrl();
            plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
            plugin.webhookPollInterval = Duration.ofMillis(100);
        }, (config, security) -> {
        }).start(port);

        String acmeAdmin = token("admin@acme.test");
        member = token("member@acme.test");
        globexAdmin = token("admin@globex.test");
        // A token from before Calendly had scopes: everything allowed.
        connect(acmeAdmin, sandbox.createPersonalAccessToken(ada));
        // Connected when the plugin asked only to read: no scheduled_events:write, no scheduling_links:write.
        connect(globexAdmin, sandbox.createPersonalAccessToken(gus, Set.of("users:read", "scheduled_events:read",
                "event_types:read", "organizations:read", "webhooks:read", "webhooks:write")));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static String token(String email) throws Exception {
        HttpResponse<String> r = send("POST", "/api/token", "{\"email\":\"" + email + "\",\"password\":\"demo-password\"}", null, null);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    static void connect(String admin, String personalToken) throws Exception {
        HttpResponse<String> r = send("POST", "/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + personalToken + "\"}", admin, null);
        assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
    }

    static HttpResponse<String> send(String method, String path, String json, String bearer, String idempotencyKey)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static UUID contactOf(String email) {
        return demo.dsl.select(CONTACT.ID).from(CONTACT).where(CONTACT.EMAIL.equalIgnoreCase(email)).fetchOne(CONTACT.ID);
    }

    static List<TaskRecord> tasksOf(UUID contact) {
        return demo.dsl.selectFrom(TASK).where(TASK.CONTACT_ID.eq(contact)).fetch();
    }

    /** Books, waits for the CRM's contact and task, and returns the contact's one meeting id. */
    static UUID bookAndAwait(String name, String email, Instant start) throws Exception {
        sandbox.book(BookingRequest.of(intro, name, email, start));
        eventually("the contact and task of " + name)
                .until(() -> contactOf(email) != null && tasksOf(contactOf(email)).size() == 1);
        return contactOf(email);
    }

    static JsonNode meetings(UUID contact, String bearer) throws Exception {
        return ok(send("GET", "/settings/calendly/contacts/" + contact + "/meetings", null, bearer, null), 200);
    }

    static long deliveries(String event, String inviteeEmail) {
        return sandbox.deliveries().stream().filter(d -> d.event().equals(event) && d.delivered()
                && d.bodyString().contains(inviteeEmail)).count();
    }

    @Test
    void cancelFromTheCrmEndsInOneCanceledBookingAndOneCanceledTask() throws Exception {
        Instant start = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
        UUID contact = bookAndAwait("Jane Doe", "jane@example.com", start);
        JsonNode listed = meetings(contact, member);
        assertEquals(1, listed.get("upcoming").size(), listed.toString());
        String meeting = listed.at("/upcoming/0/id").asText();
        assertEquals(tasksOf(contact).get(0).getId().toString(), listed.at("/upcoming/0/task_id").asText());

        JsonNode canceled = ok(send("POST", "/settings/calendly/meetings/" + meeting + "/cancel",
                "{\"reason\":\"Customer asked by phone\"}", member, null), 200);
        assertFalse(canceled.get("already_done").asBoolean());
        eventually("the task canceled by the webhook").until(() -> "CANCELED".equals(tasksOf(contact).get(0).getStatus()));
        eventually("the booking canceled")
                .until(() -> "CANCELED".equals(meetingsQuietly(contact).at("/past/0/status").asText()));

        // The client lost that reply and sends the cancel again: Calendly already shows it, nothing happens.
        JsonNode again = ok(send("POST", "/settings/calendly/meetings/" + meeting + "/cancel",
                "{\"reason\":\"Customer asked by phone\"}", member, null), 200);
        assertTrue(again.get("already_done").asBoolean());
        sandbox.awaitIdle(Duration.ofSeconds(10));
        assertEquals(1, deliveries("invitee.canceled", "jane@example.com"), "Calendly canceled once");
        JsonNode after = meetings(contact, member);
        assertEquals(0, after.get("upcoming").size());
        assertEquals(1, after.get("past").size(), "one booking, canceled: " + after);
        assertEquals(1, tasksOf(contact).size(), "one task");
        assertEquals("CANCELED", tasksOf(contact).get(0).getStatus());
    }

    @Test
    void aCancelWhoseCalendlyReplyIsLostIsStillOneCancel() throws Exception {
        Booking booked = sandbox.book(BookingRequest.of(intro, "Lou Lost", "lou@example.com",
                Instant.now().plus(Duration.ofDays(4)).truncatedTo(ChronoUnit.HOURS)));
        eventually("Lou's task")
                .until(() -> contactOf("lou@example.com") != null && tasksOf(contactOf("lou@example.com")).size() == 1);
        UUID contact = contactOf("lou@example.com");
        String meeting = meetings(contact, member).at("/upcoming/0/id").asText();
        sandbox.faults().loseNextReplies(1, "/scheduled_events/" + booked.eventUuid() + "/cancellation");
        JsonNode r = ok(send("POST", "/settings/calendly/meetings/" + meeting + "/cancel", "{}", member, null), 200);
        assertTrue(r.get("already_done").asBoolean(), "the plugin's retry found it canceled: " + r);
        eventually("the task canceled").until(() -> "CANCELED".equals(tasksOf(contact).get(0).getStatus()));
        sandbox.awaitIdle(Duration.ofSeconds(10));
        assertEquals(1, deliveries("invitee.canceled", "lou@example.com"));
        assertEquals(1, tasksOf(contact).size());
    }

    @Test
    void aMeetingThatTookPlaceCannotBeCanceledAndNothingChanges() throws Exception {
        UUID contact = bookAndAwait("Paula Past", "paula@example.com", Instant.now().minus(Duration.ofHours(3)));
        JsonNode listed = meetings(contact, member);
        assertEquals(0, listed.get("upcoming").size(), "it started three hours ago");
        String meeting = listed.at("/past/0/id").asText();
        JsonNode error = ok(send("POST", "/settings/calendly/meetings/" + meeting + "/cancel", "{}", member, null), 409)
                .get("error");
        assertEquals("meeting_in_past", error.get("code").asText());
        assertFalse(error.toString().contains("paula"), "no invitee data in errors: " + error);
        assertEquals("OPEN", tasksOf(contact).get(0).getStatus());
        assertEquals(404, send("POST", "/settings/calendly/meetings/" + UUID.randomUUID() + "/cancel", "{}", member, null)
                .statusCode());
    }

    @Test
    void aGroupEventWithOtherInviteesIsNotCanceledForEveryone() throws Exception {
        Instant start = Instant.now().plus(Duration.ofDays(9)).truncatedTo(ChronoUnit.HOURS);
        sandbox.book(BookingRequest.of(workshop, "Greta Group", "greta@example.com", start));
        sandbox.book(BookingRequest.of(workshop, "Gordon Group", "gordon@example.com", start));
        eventually("both contacts")
                .until(() -> contactOf("greta@example.com") != null && contactOf("gordon@example.com") != null
                && tasksOf(contactOf("gordon@example.com")).size() == 1);
        String meeting = meetings(contactOf("greta@example.com"), member).at("/upcoming/0/id").asText();
        JsonNode error = ok(send("POST", "/settings/calendly/meetings/" + meeting + "/cancel", "{}", member, null), 409)
                .get("error");
        assertEquals("group_meeting", error.get("code").asText());
        assertEquals("OPEN", tasksOf(contactOf("gordon@example.com")).get(0).getStatus(), "Gordon's meeting stands");
        assertEquals(0, deliveries("invitee.canceled", "gordon@example.com"));
    }

    @Test
    void aNoShowIsMarkedAndTakenBackAndRetriesChangeNothing() throws Exception {
        UUID contact = bookAndAwait("Nolan Noshow", "nolan@example.com",
                Instant.now().plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.HOURS));
        String meeting = meetings(contact, member).at("/upcoming/0/id").asText();
        String path = "/settings/calendly/meetings/" + meeting + "/no-show";

        assertFalse(ok(send("PUT", path, null, member, null), 200).get("already_done").asBoolean());
        eventually("the no-show stored").until(() -> meetingsQuietly(contact).at("/upcoming/0/no_show").asBoolean());
        assertTrue(ok(send("PUT", path, null, member, null), 200).get("already_done").asBoolean(), "retry: already marked");

        assertFalse(ok(send("DELETE", path, null, member, null), 200).get("already_done").asBoolean());
        eventually("the no-show taken back").until(() -> !meetingsQuietly(contact).at("/upcoming/0/no_show").asBoolean());
        assertTrue(ok(send("DELETE", path, null, member, null), 200).get("already_done").asBoolean(), "retry: not a no-show");

        sandbox.awaitIdle(Duration.ofSeconds(10));
        assertEquals(1, deliveries("invitee_no_show.created", "nolan@example.com"));
        assertEquals(1, deliveries("invitee_no_show.deleted", "nolan@example.com"));
        JsonNode refreshed = ok(send("GET", "/settings/calendly/contacts/" + contact + "/meetings?refresh=true", null,
                member, null), 200);
        assertFalse(refreshed.at("/upcoming/0/no_show").asBoolean());
        assertFalse(refreshed.at("/upcoming/0/awaiting_webhook").asBoolean(), "Calendly and the plugin agree");
        assertTrue(refreshed.hasNonNull("refreshed_at"));

        // Marked again, Calendly's reply lost on the way: the plugin's resend finds it marked; one mark, one webhook.
        sandbox.faults().loseNextReplies(1, "/invitee_no_shows");
        assertTrue(ok(send("PUT", path, null, member, null), 200).get("already_done").asBoolean());
        eventually("the second no-show stored").until(() -> meetingsQuietly(contact).at("/upcoming/0/no_show").asBoolean());
        sandbox.awaitIdle(Duration.ofSeconds(10));
        assertEquals(2, deliveries("invitee_no_show.created", "nolan@example.com"), "one per mark");
    }

    @Test
    void aLinkSentToAContactBringsTheBookingBackToThatContactWhateverEmailIsTyped() throws Exception {
        UUID carla = bookAndAwait("Carla Contact", "carla@example.com",
                Instant.now().plus(Duration.ofDays(6)).truncatedTo(ChronoUnit.HOURS));
        String body = "{\"event_type_uri\":\"" + intro.uri() + "\",\"name\":\"Carla Contact\",\"email\":\"carla@example.com\"}";
        String linksPath = "/settings/calendly/contacts/" + carla + "/scheduling-links";
        JsonNode link = ok(send("POST", linksPath, body, member, "link-1"), 201);
        String url = link.get("url").asText();
        assertTrue(url.contains("utm_content=calbridge-link."), url);
        int calendlyCalls = sandbox.stats().apiRequests("/scheduling_links");
        JsonNode again = ok(send("POST", linksPath, body, member, "link-1"), 201);
        assertEquals(url, again.get("url").asText(), "the retry gets the same link");
        assertEquals(calendlyCalls, sandbox.stats().apiRequests("/scheduling_links"), "and Calendly is not asked again");
        assertEquals(409, send("POST", "/settings/calendly/contacts/" + UUID.randomUUID() + "/scheduling-links", body,
                member, "link-1").statusCode(), "the key belongs to another link");
        assertEquals(400, send("POST", linksPath, body, member, null).statusCode(), "no Idempotency-Key");

        Booking viaLink = sandbox.bookViaLink(url, Instant.now().plus(Duration.ofDays(8)).truncatedTo(ChronoUnit.HOURS),
                "Carla Contact", "carla.private@example.com");
        eventually("a second task on Carla").until(() -> tasksOf(carla).size() == 2);
        assertEquals(null, contactOf("carla.private@example.com"), "no contact for the typed address");
        assertEquals(2, meetings(carla, member).get("upcoming").size());
        assertTrue(viaLink.inviteeUri().startsWith(sandbox.baseUrl()));

        // The link's reply lost at Calendly: the plugin retries, and the contact still gets one URL.
        sandbox.faults().loseNextReplies(1, "/scheduling_links");
        JsonNode lost = ok(send("POST", linksPath, body, member, "link-2"), 201);
        assertEquals(lost.get("url").asText(), ok(send("POST", linksPath, body, member, "link-2"), 201).get("url").asText());
    }

    @Test
    void anIntegrationConnectedWithoutTheWriteScopesSaysReconnect() throws Exception {
        sandbox.book(BookingRequest.of(globexCall, "Gina Globex", "gina@example.com",
                Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS)));
        eventually("Gina's contact")
                .until(() -> contactOf("gina@example.com") != null && tasksOf(contactOf("gina@example.com")).size() == 1);
        UUID gina = contactOf("gina@example.com");
        String meeting = meetings(gina, globexAdmin).at("/upcoming/0/id").asText();

        HttpResponse<String> cancel = send("POST", "/settings/calendly/meetings/" + meeting + "/cancel", "{}", globexAdmin, null);
        JsonNode error = ok(cancel, 409).get("error");
        assertEquals("reconnect_required", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("reconnect") && error.get("message").asText().contains(
                "scheduled_events:write"), error.toString());
        JsonNode linkError = ok(send("POST", "/settings/calendly/contacts/" + gina + "/scheduling-links",
                "{\"event_type_uri\":\"" + globexCall.uri() + "\"}", globexAdmin, "g-1"), 409).get("error");
        assertEquals("reconnect_required", linkError.get("code").asText());
        assertTrue(linkError.get("message").asText().contains("scheduling_links:write"), linkError.toString());
        assertEquals("OPEN", tasksOf(gina).get(0).getStatus(), "nothing changed");

        // Another tenant's meeting is not found, as a missing one.
        assertEquals(404, send("POST", "/settings/calendly/meetings/" + meeting + "/cancel", "{}", member, null).statusCode());
    }

    static JsonNode meetingsQuietly(UUID contact) {
        try {
            return meetings(contact, member);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
