package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS) // per test: a hang fails it instead of stalling the build
class WebhookLogTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static WebhookHarness h;
    static TestIntegrations.TestIntegration integration;
    static final String TENANT = "tenant-log";

    /** Newest first: a dead cancel, a stale rejection, a processed booking. */
    @BeforeAll
    static void start() {
        h = WebhookHarness.storeOnly(db.dataSource());
        integration = h.integrations.create(TENANT, Secret.of("log-key"));
        h.integrations.create("tenant-other", Secret.of("other-key"));

        assertEquals(200, h.deliverSigned(integration, CalendlyFixtures.webhook("invitee.created.basic.json")).statusCode());
        h.webhooks.worker().drain();
        h.clock.advance(Duration.ofSeconds(1));
        long old = h.clock.instant().minusSeconds(900).getEpochSecond();
        byte[] body = CalendlyFixtures.webhook("invitee.canceled.by-host.json");
        h.deliver(integration, body, "t=" + old + ",v1=" + SignatureVerifier.sign(integration.key(), old, body));
        h.awaitRejections(integration.id(), 1);
        h.clock.advance(Duration.ofSeconds(1));
        h.processor.behave(d -> {
            throw new PermanentProcessingException("the mapping points at a deleted list");
        });
        assertEquals(200, h.deliverSigned(integration, body).statusCode());
        h.webhooks.worker().drain();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void log_unitesDeliveriesAndRejections_newestFirst() {
        var page = h.webhooks.operations().log(TENANT, WebhookLogQuery.latest());

        assertEquals(List.of("DEAD", "REJECTED", "DONE"), page.items().stream().map(WebhookLogEntry::status).toList());
        assertFalse(page.hasMore());
        var dead = page.items().get(0);
        assertEquals("invitee.canceled", dead.event());
        assertEquals("the mapping points at a deleted list", dead.lastError());
        assertEquals(1, dead.attempts());
        assertNotNull(dead.processedAt());
        var rejected = page.items().get(1);
        assertEquals(WebhookLogEntry.REJECTION, rejected.kind());
        assertEquals("signature_stale", rejected.reason());
        assertTrue(rejected.detail().startsWith("signature timestamp is 90"), rejected.detail());
        assertNull(rejected.payload(), "a rejected body is never kept");
        var done = page.items().get(2);
        assertEquals("DONE", done.status());
        assertEquals(2847, done.bodyBytes());
    }

    @Test
    void payloads_areRedactedByDefault_andRevealedOnRequest() throws Exception {
        var redacted = h.webhooks.operations().log(TENANT, WebhookLogQuery.latest().withStatus("DONE")).items().get(0);
        var revealed = h.webhooks.operations().log(TENANT, WebhookLogQuery.latest().withStatus("DONE").revealingPersonalData())
                .items().get(0);

        assertEquals("[redacted]", redacted.payload().path("payload").path("email").asText());
        assertEquals("[redacted]", redacted.payload().path("payload").path("name").asText());
        assertFalse(Json.mapper().writeValueAsString(redacted).contains("jamie.sample@example.com"));
        assertEquals("jamie.sample@example.com", revealed.payload().path("payload").path("email").asText());
        assertEquals(Json.mapper().readTree(CalendlyFixtures.webhook("invitee.created.basic.json")), revealed.payload());
    }

    @Test
    void remoteAddress_isRedactedByDefault() {
        var rejection = h.webhooks.operations().log(TENANT, WebhookLogQuery.latest().withStatus("REJECTED")).items().get(0);
        var revealed = h.webhooks.operations().log(TENANT, WebhookLogQuery.latest().withStatus("REJECTED").revealingPersonalData())
                .items().get(0);

        assertEquals("[redacted]", rejection.remoteAddress());
        assertEquals("127.0.0.1", revealed.remoteAddress());
    }

    @Test
    void filters_byStatusAndEvent() {
        var ops = h.webhooks.operations();

        assertEquals(List.of("REJECTED"), statuses(ops.log(TENANT, WebhookLogQuery.latest().withStatus("REJECTED"))));
        assertEquals(List.of("DEAD"), statuses(ops.log(TENANT, WebhookLogQuery.latest().withStatus("DEAD"))));
        assertEquals(List.of("DONE"), statuses(ops.log(TENANT, WebhookLogQuery.latest().withEvent("invitee.created"))));
        assertEquals(List.of(), statuses(ops.log(TENANT, WebhookLogQuery.latest().withStatus("PENDING"))));
    }

    @Test
    void pages_followEachOther() {
        var ops = h.webhooks.operations();

        var first = ops.log(TENANT, WebhookLogQuery.latest().page(2, 0));
        var second = ops.log(TENANT, WebhookLogQuery.latest().page(2, 2));

        assertEquals(List.of("DEAD", "REJECTED"), statuses(first));
        assertTrue(first.hasMore());
        assertEquals(List.of("DONE"), statuses(second));
        assertFalse(second.hasMore());
    }

    @Test
    void anotherTenant_seesNothingOfThisOne() {
        assertEquals(List.of(), h.webhooks.operations().log("tenant-other", WebhookLogQuery.latest()).items());
    }

    @Test
    void invalidQuery_is400NamingTheField() {
        var e = assertThrows(ApiException.class,
                () -> h.webhooks.operations().log(TENANT, WebhookLogQuery.latest().withStatus("LOST")));

        assertEquals(400, e.status());
        assertEquals("status", e.field());
        assertEquals("limit", assertThrows(ApiException.class,
                () -> h.webhooks.operations().log(TENANT, WebhookLogQuery.latest().page(101, 0))).field());
    }

    @Test
    void aPageWithAMebibyteBody_rendersRedacted_inLinearTime() throws Exception {
        var big = h.integrations.create("tenant-big-body", Secret.of("big-body-key"));
        var body = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper()
                .readTree(CalendlyFixtures.webhook("invitee.created.basic.json"));
        String utm = "x".repeat(WebhookSettings.defaults().maxBodyBytes() - 4096); // no '@': the old pattern's worst case
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.path("payload").path("tracking")).put("utm_content", utm);
        assertEquals(200, h.deliverSigned(big, Json.mapper().writeValueAsBytes(body)).statusCode());

        // Generous: the goal (200 ms) is measured by PayloadRedactorBenchmark; the old pattern took about 50 minutes.
        var page = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> h.webhooks.operations().log("tenant-big-body", WebhookLogQuery.latest()));

        var payload = page.items().get(0).payload().path("payload");
        assertEquals(utm, payload.path("tracking").path("utm_content").asText());
        assertEquals("[redacted]", payload.path("email").asText());
    }

    private static List<String> statuses(WebhookLogPage page) {
        return page.items().stream().map(WebhookLogEntry::status).toList();
    }
}
