package io.calbridge.calendly.internal.settings;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.testing.TestClock;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the health of an integration says in each state, from the stored rows alone. The secret
 * columns hold bytes that are not ciphertext at all: the health only tests them for presence, so
 * it works without the tenant's key and never decrypts anything.
 */
class HealthServiceTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final byte[] OPAQUE = "not-even-ciphertext".getBytes(StandardCharsets.UTF_8);
    static HealthService health;
    static Db plugin;

    @BeforeAll
    static void wire() {
        plugin = new Db(db.dataSource());
        health = new HealthService(plugin, Duration.ofMinutes(5), TestClock.fixed(NOW));
    }

    static UUID integration(String tenant, String mode, String status, Instant expiresAt, boolean refresh, String subscription) {
        UUID id = UUID.randomUUID();
        plugin.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, tenant)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, mode)
                .set(CALENDLY_INTEGRATION.STATUS, status)
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, "DISCONNECTED".equals(status) ? null : OPAQUE)
                .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_EXPIRES_AT, ts(expiresAt))
                .set(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC, refresh ? OPAQUE : null)
                .set(CALENDLY_INTEGRATION.SCOPES, "users:read webhooks:write  event_types:read")
                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_STATE, subscription)
                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_SCOPE, subscription == null ? null : "user")
                .set(CALENDLY_INTEGRATION.CREATED_AT, ts(NOW.minusSeconds(600)))
                .execute();
        return id;
    }

    static void delivery(String tenant, UUID integration, String status, Instant received) {
        plugin.dsl().insertInto(CALENDLY_WEBHOOK_INBOX)
                .set(CALENDLY_WEBHOOK_INBOX.TENANT_ID, tenant)
                .set(CALENDLY_WEBHOOK_INBOX.INTEGRATION_ID, integration)
                .set(CALENDLY_WEBHOOK_INBOX.EVENT, "invitee.created")
                .set(CALENDLY_WEBHOOK_INBOX.DEDUPE_KEY, UUID.randomUUID().toString())
                .set(CALENDLY_WEBHOOK_INBOX.RAW_BODY, "{}".getBytes(StandardCharsets.UTF_8))
                .set(CALENDLY_WEBHOOK_INBOX.STATUS, status)
                .set(CALENDLY_WEBHOOK_INBOX.RECEIVED_AT, ts(received))
                .execute();
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static List<String> codes(IntegrationSummary s) {
        return s.health().problems().stream().map(IntegrationSummary.Problem::code).toList();
    }

    @Test
    void aTokenCloseToExpiry_isDueForRefresh_andThatIsHealthy() {
        UUID id = integration("t-refresh", "PLATFORM_APP", "CONNECTED", NOW.plusSeconds(120), true, "active");

        IntegrationSummary s = health.get("t-refresh", id);

        assertEquals("refresh_due", s.health().token().state());
        assertTrue(s.health().healthy(), s.health().problems().toString());
        assertEquals(List.of("event_types:read", "users:read", "webhooks:write"), s.health().scopes());
        assertTrue(s.credentials().accessTokenSet());
        assertTrue(s.credentials().refreshTokenSet());
        assertFalse(s.credentials().personalTokenSet());
        assertEquals("platform_app", s.mode());
    }

    @Test
    void aFreshToken_isValid_andAnExpiredOneWithoutRefreshToken_isMissing() {
        UUID fresh = integration("t-tokens", "TENANT_APP", "CONNECTED", NOW.plus(Duration.ofHours(1)), true, "active");
        UUID dead = integration("t-tokens", "TENANT_APP", "CONNECTED", NOW.minusSeconds(1), false, "active");

        assertEquals("valid", health.get("t-tokens", fresh).health().token().state());
        IntegrationSummary missing = health.get("t-tokens", dead);
        assertEquals("missing", missing.health().token().state());
        assertEquals(List.of("token_missing"), codes(missing));
        assertFalse(missing.health().healthy());
    }

    @Test
    void reauthorizationRequired_isAProblemThatSaysToConnectAgain() {
        UUID id = integration("t-reauth", "TENANT_APP", "REAUTHORIZATION_REQUIRED", null, false, "active");
        plugin.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.TOKEN_FAILURE, "invalid_grant: refresh token revoked")
                .where(CALENDLY_INTEGRATION.ID.eq(id)).execute();

        IntegrationSummary s = health.get("t-reauth", id);

        assertEquals("reauthorization_required", s.health().token().state());
        assertEquals(List.of("reauthorization_required"), codes(s));
        assertTrue(s.health().problems().get(0).message().contains("invalid_grant: refresh token revoked"));
        assertTrue(s.health().problems().get(0).message().contains("Connect the account again"));
    }

    @Test
    void aDisabledSubscriptionWithAGap_deadLetters_andRejections_areCountedAndNamed() {
        String tenant = "t-deliveries";
        UUID id = integration(tenant, "PERSONAL_TOKEN", "CONNECTED", null, false, "disabled");
        plugin.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_GAP_STARTED_AT, ts(NOW.minusSeconds(3600)))
                .where(CALENDLY_INTEGRATION.ID.eq(id)).execute();
        delivery(tenant, id, "DONE", NOW.minusSeconds(500));
        delivery(tenant, id, "DEAD", NOW.minusSeconds(400));
        delivery(tenant, id, "DEAD", NOW.minusSeconds(300));
        delivery(tenant, id, "PENDING", NOW.minusSeconds(200));
        for (Instant at : List.of(NOW.minusSeconds(60), NOW.minus(Duration.ofHours(25)))) {
            plugin.dsl().insertInto(CALENDLY_WEBHOOK_REJECTION).set(CALENDLY_WEBHOOK_REJECTION.TENANT_ID, tenant)
                    .set(CALENDLY_WEBHOOK_REJECTION.INTEGRATION_ID, id).set(CALENDLY_WEBHOOK_REJECTION.REASON, "signature_stale")
                    .set(CALENDLY_WEBHOOK_REJECTION.RECEIVED_AT, ts(at)).execute();
        }

        IntegrationSummary s = health.get(tenant, id);

        assertEquals("not_expiring", s.health().token().state());
        assertTrue(s.credentials().personalTokenSet());
        assertFalse(s.credentials().accessTokenSet());
        assertEquals(List.of("webhooks_inactive", "delivery_gap", "dead_letters"), codes(s));
        assertTrue(s.health().problems().get(2).message().startsWith("2 deliveries could not be processed"));
        IntegrationSummary.Deliveries d = s.health().deliveries();
        assertEquals(1, d.pending());
        assertEquals(2, d.dead());
        assertEquals(1, d.rejectedLast24h());
        assertEquals("PENDING", d.lastStatus());
        assertEquals(NOW.minusSeconds(200), d.lastReceivedAt());
        assertEquals(NOW.minusSeconds(3600), s.health().webhooks().gapSince());
        assertTrue(s.health().problems().get(2).message().contains("deliveries could not be processed and were set aside"));
    }

    @Test
    void oneDeadLetter_isOneDeliveryThatWasSetAside() {
        // Regression (issue 13): "1 delivery could not be processed and were set aside".
        String tenant = "t-one-dead";
        UUID id = integration(tenant, "PERSONAL_TOKEN", "CONNECTED", null, false, "active");
        delivery(tenant, id, "DEAD", NOW.minusSeconds(400));

        String message = health.get(tenant, id).health().problems().stream().filter(p -> p.code().equals("dead_letters"))
                .findFirst().orElseThrow().message();

        assertTrue(message.startsWith("1 delivery could not be processed and was set aside."), message);
    }

    @Test
    void aDisconnectedIntegration_isListedWithItsHistory_butHasNoToken() {
        UUID id = integration("t-gone", "TENANT_APP", "DISCONNECTED", null, false, null);

        IntegrationSummary s = health.get("t-gone", id);

        assertEquals("none", s.health().token().state());
        assertEquals(List.of("disconnected"), codes(s));
        assertNull(s.health().webhooks().subscriptionState());
    }

    @Test
    void onlyTheTenantsOwnFinishedIntegrations_areVisible() {
        UUID mine = integration("t-mine", "TENANT_APP", "CONNECTED", NOW.plusSeconds(3600), true, "active");
        UUID pending = integration("t-mine", "TENANT_APP", "PENDING", null, false, null);
        UUID theirs = integration("t-theirs", "TENANT_APP", "CONNECTED", NOW.plusSeconds(3600), true, "active");
        delivery("t-theirs", theirs, "DEAD", NOW.minusSeconds(5));

        assertEquals(List.of(mine), health.list("t-mine").stream().map(IntegrationSummary::integrationId).toList());
        for (UUID other : List.of(pending, theirs, UUID.randomUUID())) {
            ApiException e = assertThrows(ApiException.class, () -> health.get("t-mine", other));
            assertEquals(404, e.status());
            assertEquals("Calendly integration not found", e.getMessage());
        }
        assertFalse(health.deliveryOf("t-mine", theirs, 1L));
        assertEquals(0, health.get("t-mine", mine).health().deliveries().dead());
    }
}
