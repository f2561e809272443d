package io.calbridge.calendly;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.DeliveryAttempt;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET .../{id}/webhooks/{entryId}[?kind=rejection]}: one line of the webhook log by its id, so a
 * caller that knows the id (from the log, or a replay) need not page through the whole log. The answer
 * is the list's item exactly (payload redacted); an id of another tenant, of another integration of the
 * same tenant, or of no entry answers the same 404.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookLogEntryApiTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static final String INVITEE = "entry.invitee@example.com";

    static PluginNodes cluster;
    static PluginNodes.Node node;
    /** acme's integration with Ada's organization, which gets the booking and a refused delivery. */
    static UUID acme;
    /** acme's second integration (another organization): nothing delivered to it. */
    static UUID acmeOther;
    /** globex's integration with Ada's organization: the same booking is delivered to it too. */
    static UUID globex;

    @BeforeAll
    static void start() {
        cluster = new PluginNodes(db, 1, o -> { });
        node = cluster.start(0);
        SandboxEventType intro = cluster.sb.createEventType(cluster.ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        acme = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
        globex = node.connectOAuth("globex", PluginNodes.platformJson(), cluster.ada);
        SandboxUser bob = cluster.sb.createUser(cluster.sb.createOrganization("Beta", Plan.STANDARD), "Bob",
                "bob@example.com", Role.OWNER, "UTC");
        acmeOther = node.connectOAuth("acme", PluginNodes.platformJson(), bob);
        assertNotEquals(acme, acmeOther);

        cluster.sb.book(BookingRequest.of(intro, "Entry Invitee", INVITEE, Instant.now().plus(Duration.ofDays(2))));
        List<DeliveryAttempt> delivered = cluster.sb.awaitAttempts(a -> a.delivered() && a.bodyString().contains(INVITEE),
                2, Duration.ofSeconds(20));
        // Someone who does not know the signing keys posts the same bodies to both URLs: refused and logged.
        for (DeliveryAttempt a : delivered) {
            HttpResponse<String> refused = node.redeliver(URI.create(a.url()).getRawPath(),
                    "t=" + Instant.now().getEpochSecond() + ",v1=00", a.body());
            assertEquals(401, refused.statusCode(), refused.body());
        }
        eventually("both tenants' deliveries processed and the refusals logged").until(() ->
                processed("acme", acme) && processed("globex", globex));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static JsonNode logOf(String tenant, UUID integration, String query) {
        HttpResponse<String> r = node.get(tenant, "/settings/calendly/" + integration + "/webhooks" + query);
        assertEquals(200, r.statusCode(), r.body());
        return PluginNodes.json(r).path("items");
    }

    private static boolean processed(String tenant, UUID integration) {
        JsonNode items = logOf(tenant, integration, "");
        boolean delivery = false;
        boolean rejection = false;
        for (JsonNode item : items) {
            delivery |= item.path("kind").asText().equals("delivery") && item.path("status").asText().equals("DONE");
            rejection |= item.path("kind").asText().equals("rejection");
        }
        return delivery && rejection;
    }

    /** The log's newest item of that kind. */
    private static JsonNode listed(String tenant, UUID integration, String kind) {
        for (JsonNode item : logOf(tenant, integration, "")) {
            if (item.path("kind").asText().equals(kind)) {
                return item;
            }
        }
        throw new AssertionError("no " + kind + " in " + tenant + "'s log");
    }

    private static HttpResponse<String> entry(String tenant, UUID integration, String entryId) {
        return node.get(tenant, "/settings/calendly/" + integration + "/webhooks/" + entryId);
    }

    @Test
    void aDelivery_isAnsweredAsTheLogListsIt_withItsPayloadRedacted() {
        JsonNode listed = listed("acme", acme, "delivery");

        HttpResponse<String> r = entry("acme", acme, listed.path("id").asText());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(listed, PluginNodes.json(r));
        assertEquals("invitee.created", PluginNodes.json(r).path("event").asText());
        assertTrue(r.body().contains("[redacted]"), r.body());
        assertFalse(r.body().contains(INVITEE), "no e-mail in the answer: " + r.body());
        assertFalse(r.body().contains("Entry Invitee"), "no name in the answer: " + r.body());
        HttpResponse<String> named = entry("acme", acme, listed.path("id").asText() + "?kind=DELIVERY");
        assertEquals(200, named.statusCode(), named.body());
        assertEquals(listed, PluginNodes.json(named), "kind=delivery is the default, in any case");
    }

    @Test
    void aRejection_isAskedForByKind_becauseItsIdsAreCountedApartFromTheDeliveries() {
        JsonNode listed = listed("acme", acme, "rejection");

        HttpResponse<String> r = entry("acme", acme, listed.path("id").asText() + "?kind=rejection");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(listed, PluginNodes.json(r));
        assertEquals("REJECTED", PluginNodes.json(r).path("status").asText());
        assertFalse(PluginNodes.json(r).path("replayable").asBoolean());
        HttpResponse<String> bad = entry("acme", acme, listed.path("id").asText() + "?kind=inbox");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("kind", PluginNodes.json(bad).path("error").path("field").asText(), bad.body());
    }

    @Test
    void anotherTenantsEntry_anotherIntegrationsEntry_andNoEntry_allAnswerTheSame404() {
        String acmeDelivery = listed("acme", acme, "delivery").path("id").asText();
        String acmeRejection = listed("acme", acme, "rejection").path("id").asText();
        String globexDelivery = listed("globex", globex, "delivery").path("id").asText();
        String globexRejection = listed("globex", globex, "rejection").path("id").asText();
        assertNotEquals(acmeDelivery, globexDelivery);

        HttpResponse<String> unknown = entry("acme", acme, "987654321");
        List<HttpResponse<String>> hidden = List.of(
                entry("acme", acme, globexDelivery),
                entry("acme", acme, globexRejection + "?kind=rejection"),
                entry("acme", acmeOther, acmeDelivery),
                entry("acme", acmeOther, acmeRejection + "?kind=rejection"),
                entry("acme", acme, "1.5"),
                entry("acme", acme, "not-a-number"));

        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("not_found", PluginNodes.json(unknown).path("error").path("code").asText(), unknown.body());
        for (HttpResponse<String> r : hidden) {
            assertEquals(404, r.statusCode(), r.uri() + ": " + r.body());
            assertEquals(unknown.body(), r.body(), r.uri() + " tells more than an unknown id");
        }
        HttpResponse<String> viaOtherTenant = entry("globex", acme, acmeDelivery);
        assertEquals(404, viaOtherTenant.statusCode(), viaOtherTenant.body());
        assertEquals(200, entry("globex", globex, globexDelivery).statusCode(), "globex sees its own");
    }
}
