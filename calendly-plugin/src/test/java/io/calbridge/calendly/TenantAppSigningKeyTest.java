package io.calbridge.calendly;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.DeliveryAttempt;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SigningKeyPolicy;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 13, settings contract): Calendly may sign deliveries to an OAuth app's
 * subscriptions with the app's own webhook signing key rather than the one given when subscribing (the
 * sandbox's {@link SigningKeyPolicy#APP_KEY_ONLY}, Calendly's documented behaviour). A tenant connecting
 * its own app could not give that key, so every delivery was refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TenantAppSigningKeyTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static PluginNodes cluster;
    static PluginNodes.Node node;
    static SandboxEventType intro;

    @BeforeAll
    static void start() {
        cluster = new PluginNodes(db, 1, o -> o.signingKeyPolicy(SigningKeyPolicy.APP_KEY_ONLY));
        node = cluster.start(0);
        intro = cluster.sb.createEventType(cluster.ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static DSLContext sql() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    /** Books as {@code email} and returns Calendly's first attempt to deliver it. */
    private static DeliveryAttempt book(String email) {
        cluster.sb.book(BookingRequest.of(intro, "Invitee", email, Instant.now().plus(Duration.ofDays(2))));
        return cluster.sb.awaitAttempts(a -> a.attempt() == 1 && a.bodyString().contains(email), 1,
                Duration.ofSeconds(20)).get(0);
    }

    @Test
    void withoutTheAppsKey_deliveriesAreRefusedSayingWhy_withItTheyLand() {
        SandboxApp app = cluster.tenantApp("Acme's own app");
        UUID id = node.connectOAuth("acme", PluginNodes.tenantAppJson(app, null), cluster.ada);

        DeliveryAttempt refused = book("refused@example.com");

        assertEquals(401, refused.status(), refused.toString());
        eventually("the refusal is recorded").atMost(Duration.ofSeconds(10)).until(() -> sql().fetchExists(
                CALENDLY_WEBHOOK_REJECTION, CALENDLY_WEBHOOK_REJECTION.INTEGRATION_ID.eq(id)));
        var rejection = sql().selectFrom(CALENDLY_WEBHOOK_REJECTION)
                .where(CALENDLY_WEBHOOK_REJECTION.INTEGRATION_ID.eq(id)).limit(1).fetchOne();
        assertEquals("signature_mismatch", rejection.getReason());
        assertNull(rejection.getDetail(), "the detail is sealed with the tenant's key, not stored in clear");
        assertNotNull(rejection.getDetailEnc());
        JsonNode log = PluginNodes.json(node.get("acme", "/settings/calendly/" + id + "/webhooks?status=REJECTED"));
        assertTrue(log.path("items").get(0).path("detail").asText().contains("its own webhook signing key"), log.toString());

        // The tenant connects again, this time with the app's signing key: same integration, deliveries land.
        UUID again = node.connectOAuth("acme", PluginNodes.tenantAppJson(app, app.signingKey()), cluster.ada);
        DeliveryAttempt landed = book("landed@example.com");

        assertEquals(id, again);
        assertEquals(200, landed.status(), landed.toString());
        eventually("the booking is imported").atMost(Duration.ofSeconds(20))
                .until(() -> cluster.host.contactsByEmail.containsKey("acme|landed@example.com"));
        HttpResponse<String> shown = node.get("acme", "/settings/calendly/" + id);
        assertTrue(PluginNodes.json(shown).path("credentials").path("app_signing_key_set").asBoolean(), shown.body());
        assertFalse(shown.body().contains(app.signingKey()), "the key is never shown");
        byte[] stored = sql().select(CALENDLY_INTEGRATION.APP_SIGNING_KEY_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(id)).fetchOne(CALENDLY_INTEGRATION.APP_SIGNING_KEY_ENC);
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains(app.signingKey()), "stored encrypted");

        // Reconnecting through the same app without repeating the key keeps it.
        node.connectOAuth("acme", PluginNodes.tenantAppJson(app, null), cluster.ada);
        assertEquals(200, book("kept@example.com").status());
    }

    @Test
    void theKeyIsCheckedAndBelongsToTenantAppsOnly() {
        HttpResponse<String> platform = node.post("globex", "/settings/calendly/connect",
                "{\"mode\":\"platform_app\",\"webhook_signing_key\":\"abc\"}");
        HttpResponse<String> spaced = node.post("globex", "/settings/calendly/connect",
                PluginNodes.tenantAppJson(cluster.tenantApp("Globex app"), "not a key"));

        assertEquals(400, platform.statusCode(), platform.body());
        assertEquals("webhook_signing_key", PluginNodes.json(platform).path("error").path("field").asText());
        assertEquals("webhook_signing_key_not_applicable", PluginNodes.json(platform).path("error").path("code").asText());
        assertEquals(400, spaced.statusCode(), spaced.body());
        assertEquals("webhook_signing_key_invalid", PluginNodes.json(spaced).path("error").path("code").asText());
        assertEquals(0, sql().fetchCount(CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.TENANT_ID.eq("globex")),
                "nothing stored");
    }
}
