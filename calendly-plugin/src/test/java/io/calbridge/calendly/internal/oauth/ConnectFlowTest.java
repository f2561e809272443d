package io.calbridge.calendly.internal.oauth;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import io.calbridge.calendly.internal.client.Credential;
import io.calbridge.calendly.internal.client.WebhookSubscription;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.URLDecoder;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A tenant connects Calendly in each mode, over real HTTP against the sandbox. */
class ConnectFlowTest {
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

    private static SandboxUser newUser(Role role) {
        String n = UUID.randomUUID().toString().substring(0, 8);
        return kit.sb.createUser(kit.org, "User " + n, n + "@example.com", role, "Europe/Berlin");
    }

    @Test
    void tenantApp_connectsWithPkce_storesOnlyCiphertext_andSubscribesItsOwnUrl() {
        SandboxUser user = newUser(Role.OWNER);

        URI callback = kit.authorize("t-app", "u1", kit.tenantAppJson(), user);
        JsonNode result = connectAt(callback, "t-app", "u1");

        UUID id = UUID.fromString(result.get("integration_id").asText());
        IntegrationRow row = kit.node.row(id);
        assertEquals(IntegrationStatus.CONNECTED, row.status());
        assertEquals(ConnectionMode.TENANT_APP, row.mode());
        assertEquals(user.uri(), row.calendlyUserUri());
        assertEquals(kit.org.uri(), row.calendlyOrganizationUri());
        assertEquals("owner", row.calendlyRole());
        assertEquals(kit.tenantApp.clientId(), row.clientId());
        assertCiphertext(row.clientSecretEnc(), kit.tenantApp.clientSecret());
        Secret access = kit.node.open(id, Purpose.ACCESS_TOKEN, row.accessTokenEnc());
        Secret refresh = kit.node.open(id, Purpose.REFRESH_TOKEN, row.refreshTokenEnc());
        assertCiphertext(row.accessTokenEnc(), access.reveal());
        assertCiphertext(row.refreshTokenEnc(), refresh.reveal());
        assertEquals(user.uri(), kit.node.calendly.api(Credential.fixed(access)).me().uri(), "the stored token works");
        assertTrue(row.accessTokenExpiresAt().isAfter(kit.clock.instant().plusSeconds(7000)));
        assertSubscribed(row, "organization", true);
    }

    @Test
    void platformApp_connectsThroughTheOperatorsApp() {
        SandboxUser user = newUser(Role.ADMIN);

        JsonNode result = kit.connectOAuth("t-platform", "u1", "{\"mode\":\"platform_app\"}", user);

        IntegrationRow row = kit.node.row(UUID.fromString(result.get("integration_id").asText()));
        assertEquals(ConnectionMode.PLATFORM_APP, row.mode());
        assertNull(row.clientId(), "the platform app's credentials live in configuration, not in the row");
        assertNull(row.clientSecretEnc());
        Secret access = kit.node.open(row.id(), Purpose.ACCESS_TOKEN, row.accessTokenEnc());
        assertCiphertext(row.accessTokenEnc(), access.reveal());
        assertEquals(200, kit.usersMeStatus(access));
        assertSubscribed(row, "organization", true);
    }

    @Test
    void personalToken_isCheckedStoredEncryptedAndSubscribes() {
        SandboxUser user = newUser(Role.USER);
        String pat = kit.sb.createPersonalAccessToken(user);

        var r = kit.post("/settings/calendly/connect", "t-pat", "u1", OAuthKit.patJson(pat));

        assertEquals(200, r.statusCode(), r.body());
        IntegrationRow row = kit.node.row(UUID.fromString(OAuthKit.json(r).get("integration_id").asText()));
        assertEquals(IntegrationStatus.CONNECTED, row.status());
        assertEquals(ConnectionMode.PERSONAL_TOKEN, row.mode());
        assertEquals("user", row.calendlyRole());
        assertCiphertext(row.accessTokenEnc(), pat);
        assertEquals(pat, kit.node.tokens().accessToken(row.id()).reveal());
        assertNull(row.refreshTokenEnc());
        assertNull(row.accessTokenExpiresAt(), "personal tokens do not expire");
        assertSubscribed(row, "user", false);
    }

    @Test
    void personalTokenThatCalendlyRejects_isA400NamingTheFieldAndStoresNothing() {
        int before = integrationCount();

        var r = kit.post("/settings/calendly/connect", "t-pat-bad", "u1", OAuthKit.patJson("not-a-real-token"));

        assertEquals(400, r.statusCode());
        JsonNode error = OAuthKit.json(r).get("error");
        assertEquals("token_invalid", error.get("code").asText());
        assertEquals("personal_token", error.get("field").asText());
        assertEquals(before, integrationCount());
    }

    @Test
    void authorizeUrl_asksForPkceS256TheConfiguredScopesAndOurRedirectUri() {
        var r = kit.post("/settings/calendly/connect", "t-url", "u1", kit.tenantAppJson());

        String url = OAuthKit.json(r).get("authorize_url").asText();
        String query = URLDecoder.decode(URI.create(url).getRawQuery(), UTF_8);
        assertTrue(url.startsWith(kit.sb.baseUrl() + "/oauth/authorize?"), url);
        assertTrue(query.contains("code_challenge_method=S256"), query);
        assertTrue(query.matches(".*code_challenge=[A-Za-z0-9_-]{43}(&.*|$)"), query);
        assertTrue(query.contains("scope=" + String.join(" ", OAuthKit.SCOPES)), query);
        assertTrue(query.contains("redirect_uri=" + kit.publicBase + "/settings/calendly/callback"), query);
        assertTrue(query.contains("client_id=" + kit.tenantApp.clientId()), query);
    }

    @Test
    void aStolenCodeWithoutTheVerifier_isRefusedByCalendly() {
        SandboxUser user = newUser(Role.OWNER);
        URI callback = kit.authorize("t-stolen", "u1", kit.tenantAppJson(), user);
        String code = param(callback, "code");

        CalendlyApiException e = assertThrows(CalendlyApiException.class, () -> kit.node.calendly.oauth().exchangeCode(
                new ClientCredentials(kit.tenantApp.clientId(), Secret.of(kit.tenantApp.clientSecret())), code,
                URI.create(kit.publicBase + "/settings/calendly/callback"), null));

        assertTrue(e.isInvalidGrant() || "invalid_request".equals(e.oauthError()), e.getMessage());
    }

    @Test
    void browserFormPost_isRedirectedToCalendly() {
        var r = kit.postForm("/settings/calendly/connect", "t-form", "u1", "mode=platform_app");

        assertEquals(303, r.statusCode());
        assertTrue(r.headers().firstValue("Location").orElseThrow().startsWith(kit.sb.baseUrl() + "/oauth/authorize?"));
    }

    @Test
    void missingOrUnknownMode_isA400NamingTheField() {
        var missing = kit.post("/settings/calendly/connect", "t-bad", "u1", "{}");
        var unknown = kit.post("/settings/calendly/connect", "t-bad", "u1", "{\"mode\":\"magic\"}");
        var noSecret = kit.post("/settings/calendly/connect", "t-bad", "u1",
                "{\"mode\":\"tenant_app\",\"client_id\":\"abc\"}");

        assertEquals(400, missing.statusCode());
        assertEquals("mode", OAuthKit.json(missing).get("error").get("field").asText());
        assertEquals("invalid_mode", OAuthKit.json(unknown).get("error").get("code").asText());
        assertEquals("client_secret", OAuthKit.json(noSecret).get("error").get("field").asText());
    }

    @Test
    void unauthenticatedConnect_isA401() {
        var r = kit.post("/settings/calendly/connect", null, null, "{\"mode\":\"platform_app\"}");

        assertEquals(401, r.statusCode());
        assertEquals("unauthenticated", OAuthKit.json(r).get("error").get("code").asText());
    }

    @Test
    void connectingTheSameCalendlyUserAgain_updatesTheExistingIntegrationInPlace() {
        SandboxUser user = newUser(Role.OWNER);
        JsonNode first = kit.connectOAuth("t-again", "u1", kit.tenantAppJson(), user);
        IntegrationRow before = kit.node.row(UUID.fromString(first.get("integration_id").asText()));
        String pathToken = kit.node.pathToken(before.id());

        JsonNode second = kit.connectOAuth("t-again", "u2", "{\"mode\":\"platform_app\"}", user);

        assertEquals(first.get("integration_id").asText(), second.get("integration_id").asText());
        assertTrue(second.get("reconnected").asBoolean());
        IntegrationRow after = kit.node.row(before.id());
        assertEquals(ConnectionMode.PLATFORM_APP, after.mode());
        assertEquals(pathToken, kit.node.pathToken(after.id()), "the webhook URL is kept");
        assertEquals(before.subscriptionUri(), after.subscriptionUri(), "the working subscription is kept");
        assertEquals(1, kit.node.service().integrations("t-again").size());
    }

    @Test
    void aSecondTenantOnTheSameCalendlyOrganization_connectsWithAWarning() {
        SandboxUser user = newUser(Role.OWNER);
        kit.connectOAuth("t-shared-a", "u1", kit.tenantAppJson(), user);

        JsonNode second = kit.connectOAuth("t-shared-b", "u1", kit.tenantAppJson(), user);

        assertEquals(List.of(ConnectionService.WARNING_SHARED_ACCOUNT),
                List.of(second.get("warnings").get(0).asText()));
        IntegrationRow b = kit.node.row(UUID.fromString(second.get("integration_id").asText()));
        IntegrationRow a = kit.node.service().integrations("t-shared-a").stream()
                .map(kit.node::row).filter(r -> r.calendlyUserUri().equals(user.uri()))
                .findFirst().orElseThrow();
        assertFalse(kit.node.pathToken(a.id()).equals(kit.node.pathToken(b.id())), "each tenant has its own webhook URL");
        assertFalse(a.subscriptionUri().equals(b.subscriptionUri()), "and its own subscription");
    }

    private static JsonNode connectAt(URI callback, String tenant, String user) {
        var r = kit.get(callback, tenant, user, true);
        assertEquals(200, r.statusCode(), r.body());
        return OAuthKit.json(r);
    }

    private static void assertCiphertext(byte[] stored, String plaintext) {
        assertNotNull(stored);
        assertFalse(OAuthKit.contains(stored, plaintext.getBytes(UTF_8)), "the column holds the plaintext");
    }

    private static void assertSubscribed(IntegrationRow row, String scope, boolean routingForms) {
        assertNull(row.subscriptionError(), row.subscriptionError());
        assertEquals("active", kit.sb.subscriptionState(row.subscriptionUri()).orElse("missing"));
        WebhookSubscription s = kit.node.api(row.id()).webhookSubscription(row.subscriptionUri());
        assertEquals(kit.settings().webhookUrl(kit.node.pathToken(row.id())), s.callbackUrl());
        assertEquals(scope, s.scope());
        assertEquals(routingForms, s.events().contains(SubscriptionManager.ROUTING_EVENT), s.events().toString());
        assertTrue(s.events().containsAll(SubscriptionManager.INVITEE_EVENTS));
        Secret key = kit.node.open(row.id(), Purpose.SIGNING_KEY, row.signingKeyEnc());
        assertEquals(64, key.reveal().length());
        assertFalse(OAuthKit.contains(row.signingKeyEnc(), key.revealUtf8()));
    }

    private static String param(URI uri, String name) {
        for (String p : uri.getRawQuery().split("&")) {
            if (p.startsWith(name + "=")) {
                return URLDecoder.decode(p.substring(name.length() + 1), UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }

    private static int integrationCount() {
        return kit.node.db.dsl().fetchCount(io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION);
    }
}
