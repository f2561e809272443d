package io.calbridge.calendly.internal.oauth;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.client.ClientCredentials;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Disconnecting leaves no live secret behind, cleans up at Calendly, and keeps the booking history. */
class DisconnectTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static OAuthKit kit;

    @BeforeAll
    static void start() {
        kit = OAuthKit.start(db.dataSource());
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @BeforeEach
    void noFaults() {
        kit.sb.faults().clear();
    }

    private static UUID connect(String tenant) {
        String n = UUID.randomUUID().toString().substring(0, 8);
        SandboxUser user = kit.sb.createUser(kit.org, "User " + n, n + "@example.com", Role.OWNER, "UTC");
        return UUID.fromString(kit.connectOAuth(tenant, "u1", kit.tenantAppJson(), user).get("integration_id").asText());
    }

    private static HttpResponse<String> disconnect(String tenant, UUID id) {
        return kit.post("/settings/calendly/" + id + "/disconnect", tenant, "u1", "{}");
    }

    private static void assertWiped(IntegrationRow row) {
        assertEquals(IntegrationStatus.DISCONNECTED, row.status());
        assertNull(row.clientSecretEnc());
        assertNull(row.accessTokenEnc());
        assertNull(row.refreshTokenEnc());
        assertNull(row.signingKeyEnc());
        assertNull(row.previousSigningKeyEnc());
        assertNull(row.subscriptionUri());
        assertNotNull(row.disconnectedAt());
    }

    @Test
    void disconnect_deletesTheSubscription_revokesTheTokens_wipesTheSecrets_andKeepsTheBookings() {
        UUID id = connect("t-bye");
        IntegrationRow before = kit.node.row(id);
        Secret access = kit.node.open(id, Purpose.ACCESS_TOKEN, before.accessTokenEnc());
        Secret refresh = kit.node.open(id, Purpose.REFRESH_TOKEN, before.refreshTokenEnc());
        kit.node.db.dsl().insertInto(CALENDLY_BOOKING)
                .set(CALENDLY_BOOKING.ID, UUID.randomUUID())
                .set(CALENDLY_BOOKING.TENANT_ID, "t-bye")
                .set(CALENDLY_BOOKING.INTEGRATION_ID, id)
                .set(CALENDLY_BOOKING.CHAIN_ID, UUID.randomUUID())
                .set(CALENDLY_BOOKING.INVITEE_URI, kit.sb.baseUrl() + "/scheduled_events/e1/invitees/i1")
                .set(CALENDLY_BOOKING.STATUS, "ACTIVE")
                .execute();

        HttpResponse<String> r = disconnect("t-bye", id);

        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = OAuthKit.json(r);
        assertEquals("DISCONNECTED", body.get("status").asText());
        assertTrue(body.get("subscriptions_deleted").asBoolean());
        assertTrue(body.get("tokens_revoked").asBoolean());
        assertEquals(0, body.get("problems").size(), body.toString());
        assertTrue(kit.sb.subscriptionState(before.subscriptionUri()).isEmpty(), "the subscription is gone at Calendly");
        assertEquals(401, kit.usersMeStatus(access), "the access token is revoked");
        CalendlyApiException refused = assertThrows(CalendlyApiException.class, () -> kit.node.calendly.oauth().refresh(
                new ClientCredentials(kit.tenantApp.clientId(), Secret.of(kit.tenantApp.clientSecret())), refresh));
        assertTrue(refused.isInvalidGrant(), "the refresh token is revoked");
        assertWiped(kit.node.row(id));
        assertEquals(1, kit.node.db.dsl().fetchCount(CALENDLY_BOOKING, CALENDLY_BOOKING.INTEGRATION_ID.eq(id)));
        assertThrows(NotConnectedException.class, () -> kit.node.tokens().accessToken(id));
        assertTrue(kit.node.changed.contains(id), "caches elsewhere were told");
    }

    @Test
    void anotherTenantsIntegration_isA404_andStaysConnected() {
        UUID id = connect("t-owner");

        HttpResponse<String> r = disconnect("t-intruder", id);

        assertEquals(404, r.statusCode());
        assertEquals(IntegrationStatus.CONNECTED, kit.node.row(id).status());
        assertEquals(404, disconnect("t-owner", UUID.randomUUID()).statusCode());
        assertEquals(404, kit.post("/settings/calendly/not-a-uuid/disconnect", "t-owner", "u1", "{}").statusCode());
    }

    @Test
    void calendlyFailingDuringDisconnect_isReported_andTheSecretsAreWipedAnyway() {
        UUID id = connect("t-bad-day");
        kit.sb.faults().failNextApiRequests(100, 500, "/webhook_subscriptions");

        HttpResponse<String> r = disconnect("t-bad-day", id);

        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = OAuthKit.json(r);
        assertFalse(body.get("subscriptions_deleted").asBoolean());
        assertTrue(body.get("problems").size() > 0);
        assertTrue(body.get("problems").get(0).asText().contains("500"), body.toString());
        assertWiped(kit.node.row(id));
    }

    @Test
    void anExpiredAccessToken_isRefreshedInMemoryToCleanUp() {
        UUID id = connect("t-stale");
        String subscription = kit.node.row(id).subscriptionUri();
        kit.clock.advance(Duration.ofHours(3));

        HttpResponse<String> r = disconnect("t-stale", id);

        JsonNode body = OAuthKit.json(r);
        assertTrue(body.get("subscriptions_deleted").asBoolean(), body.toString());
        assertTrue(body.get("tokens_revoked").asBoolean(), body.toString());
        assertTrue(kit.sb.subscriptionState(subscription).isEmpty());
        assertWiped(kit.node.row(id));
    }

    @Test
    void aPersonalToken_isForgotten_andTheTenantIsToldToDeleteItInCalendly() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        SandboxUser user = kit.sb.createUser(kit.org, "User " + n, n + "@example.com", Role.USER, "UTC");
        String pat = kit.sb.createPersonalAccessToken(user);
        UUID id = UUID.fromString(OAuthKit.json(kit.post("/settings/calendly/connect", "t-pat-bye", "u1",
                OAuthKit.patJson(pat))).get("integration_id").asText());
        String subscription = kit.node.row(id).subscriptionUri();

        JsonNode body = OAuthKit.json(disconnect("t-pat-bye", id));

        assertTrue(body.get("subscriptions_deleted").asBoolean());
        assertTrue(body.get("notes").get(0).asText().contains("personal access token"));
        assertTrue(kit.sb.subscriptionState(subscription).isEmpty());
        assertWiped(kit.node.row(id));
    }

    @Test
    void disconnectingTwice_isHarmless() {
        UUID id = connect("t-twice");
        disconnect("t-twice", id);

        HttpResponse<String> again = disconnect("t-twice", id);

        assertEquals(200, again.statusCode());
        assertEquals("DISCONNECTED", OAuthKit.json(again).get("status").asText());
    }
}
