package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.sandbox.Booking;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Canceler;
import io.calbridge.sandbox.DeliveryAttempt;
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
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path over real HTTP: tenant-host connects to the Calendly sandbox through the settings
 * API, the plugin creates its own webhook subscription, and the sandbox's real signed deliveries
 * (book, reschedule, no-show, cancel) end up in tenant-host's tables exactly once. Everything
 * about the plugin is seen through its API: the settings routes and the webhook log.
 */
class SandboxDeliveriesTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();
    static CalendlySandbox sandbox;
    static HostApp app;
    static DemoTenants demo;
    static SandboxEventType intro;
    static String base;
    static String adminToken;
    static String integrationId;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoTenants(db.dataSource());
        sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true));
        var org = sandbox.createOrganization("Acme on Calendly", Plan.STANDARD);
        SandboxUser ada = sandbox.createUser(org, "Ada Host", "ada@acme.test", Role.OWNER, "Europe/Warsaw");
        intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        app = new HostApp(db.dataSource(), DemoTenants.settings(base), TestKeys.MASTER, "test", plugin -> {
            plugin.calendlyApiBaseUrl = sandbox.baseUrl();
            plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
        }, (config, security) -> {
        }).start(port);

        adminToken = JSON.readTree(post("/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}", null)
                .body()).get("access_token").asText();
        HttpResponse<String> connected = post("/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + sandbox.createPersonalAccessToken(ada) + "\"}", adminToken);
        assertTrue(connected.statusCode() / 100 == 2, connected.statusCode() + " " + connected.body());
        integrationId = JSON.readTree(connected.body()).get("integration_id").asText();
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

    static HttpResponse<String> post(String path, String json, String bearer) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The integration's webhook log as the settings API shows it to Acme's admin. */
    static JsonNode webhookLog(String query) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + "/settings/calendly/" + integrationId + "/webhooks?size=100&" + query))
                .header("Accept", "application/json").header("Authorization", "Bearer " + adminToken).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("items");
    }

    private static boolean logged(String query, int atLeast) {
        try {
            return webhookLog(query).size() >= atLeast;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bookRescheduleNoShowAndCancelArriveThroughThePluginsOwnSubscription() throws Exception {
        DSLContext dsl = demo.dsl;
        JsonNode integrations = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/settings/calendly"))
                .header("Authorization", "Bearer " + adminToken).GET().build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("integrations");
        assertEquals(1, integrations.size(), integrations.toString());
        assertEquals("CONNECTED", integrations.get(0).get("status").asText());

        Instant start = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
        Booking booked = sandbox.book(BookingRequest.of(intro, "Jane Doe", "Jane.Doe@Example.com", start)
                .timezone("America/New_York").answer("Company?", "Initech").utmSource("newsletter"));
        eventually("the contact and its task").until(() -> tasks(dsl, "jane.doe@example.com").size() == 1);
        var contact = dsl.selectFrom(CONTACT).where(CONTACT.TENANT_ID.eq(demo.acme)).fetchSingle();
        assertEquals("Jane Doe", contact.getFullName());
        JsonNode fields = JSON.readTree(contact.getCustomFields().data());
        assertTrue(fields.toString().contains("Initech"), fields.toString());
        assertTrue(fields.toString().contains("newsletter"), fields.toString());
        assertEquals(start, tasks(dsl, "jane.doe@example.com").get(0).getDueAt().toInstant());

        Instant moved = start.plus(Duration.ofDays(1));
        Booking rescheduled = sandbox.reschedule(booked.inviteeUri(), moved);
        eventually("the task moved")
                .until(() -> moved.equals(tasks(dsl, "jane.doe@example.com").get(0).getDueAt().toInstant()));

        sandbox.markNoShow(rescheduled.inviteeUri());
        eventually("the no-show").until(() -> logged("event=invitee_no_show.created&status=DONE", 1));

        sandbox.cancel(rescheduled.inviteeUri(), Canceler.INVITEE, "Something came up");
        eventually("the task canceled").until(() -> "CANCELED".equals(tasks(dsl, "jane.doe@example.com").get(0).getStatus()));

        // One contact and one task for the whole story: the reschedule moved the task, nothing was duplicated.
        assertEquals(1, dsl.fetchCount(CONTACT, CONTACT.TENANT_ID.eq(demo.acme)));
        assertEquals(1, tasks(dsl, "jane.doe@example.com").size());
        // Every delivery went to the one URL the plugin subscribed itself, was accepted, and was processed.
        sandbox.awaitIdle(Duration.ofSeconds(10));
        List<DeliveryAttempt> deliveries = sandbox.deliveries();
        assertTrue(deliveries.size() >= 5, "book, cancel+create of the reschedule, no-show, cancel: " + deliveries);
        String ownUrl = deliveries.get(0).url();
        assertTrue(ownUrl.startsWith(base + "/api/webhooks/calendly/"), ownUrl);
        for (DeliveryAttempt d : deliveries) {
            assertEquals(ownUrl, d.url());
            assertTrue(d.delivered(), d.toString());
        }
        eventually("the inbox drained").until(() -> !logged("status=PENDING", 1) && !logged("status=PROCESSING", 1));
        assertEquals(deliveries.size(), webhookLog("status=DONE").size());
    }

    private static List<io.calbridge.db.host.tables.records.TaskRecord> tasks(DSLContext dsl, String email) {
        return dsl.select(TASK.fields()).from(TASK).join(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(TASK.TENANT_ID.eq(demo.acme)).and(CONTACT.EMAIL.equalIgnoreCase(email))
                .fetchInto(TASK);
    }
}
