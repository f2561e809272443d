package io.calbridge.calendly.internal.oauth;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_OAUTH_STATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What comes back to the callback is checked before anything is stored. */
class CallbackStateTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static OAuthKit kit;

    @BeforeAll
    static void start() {
        // Codes expire long before states here, so an expired code can be tested with a live state.
        kit = OAuthKit.startWithSettingsPage(db.dataSource(), o -> o.authCodeLifetime(Duration.ofSeconds(30)),
                "/app/settings/calendly");
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    private static SandboxUser newUser() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        return kit.sb.createUser(kit.org, "User " + n, n + "@example.com", Role.OWNER, "UTC");
    }

    private static URI callback(String query) {
        return URI.create(kit.publicBase + "/settings/calendly/callback?" + query);
    }

    private static String errorCode(HttpResponse<String> r) {
        return OAuthKit.json(r).get("error").get("code").asText();
    }

    private static int rows(String tenant, IntegrationStatus status) {
        return kit.node.db.dsl().fetchCount(CALENDLY_INTEGRATION,
                CALENDLY_INTEGRATION.TENANT_ID.eq(tenant).and(CALENDLY_INTEGRATION.STATUS.eq(status.name())));
    }

    private static int codeExchanges() {
        return kit.sb.stats().tokenRequests("authorization_code");
    }

    @Test
    void forgedState_isRejected_andNothingIsStored() {
        int exchanges = codeExchanges();

        HttpResponse<String> r = kit.get(callback("code=abc&state=" + UUID.randomUUID()), "t-forged", "u1", true);

        assertEquals(400, r.statusCode());
        assertEquals("state_invalid", errorCode(r));
        assertEquals(0, rows("t-forged", IntegrationStatus.CONNECTED));
        assertEquals(exchanges, codeExchanges(), "Calendly was not asked");
    }

    @Test
    void missingState_isRejected() {
        HttpResponse<String> r = kit.get(callback("code=abc"), "t-nostate", "u1", true);

        assertEquals(400, r.statusCode());
        assertEquals("state_missing", errorCode(r));
    }

    @Test
    void reusedState_isRejected_andChangesNothing() {
        URI cb = kit.authorize("t-reuse", "u1", kit.tenantAppJson(), newUser());
        HttpResponse<String> first = kit.get(cb, "t-reuse", "u1", true);
        UUID id = UUID.fromString(OAuthKit.json(first).get("integration_id").asText());
        IntegrationRow before = kit.node.row(id);
        int exchanges = codeExchanges();

        HttpResponse<String> again = kit.get(cb, "t-reuse", "u1", true);

        assertEquals(400, again.statusCode());
        assertEquals("state_reused", errorCode(again));
        assertEquals(before.tokenVersion(), kit.node.row(id).tokenVersion());
        assertEquals(exchanges, codeExchanges());
        assertEquals(1, rows("t-reuse", IntegrationStatus.CONNECTED));
    }

    @Test
    void expiredState_isRejected_andThePendingConnectionIsRemoved() {
        URI cb = kit.authorize("t-expired", "u1", kit.tenantAppJson(), newUser());
        assertEquals(1, rows("t-expired", IntegrationStatus.PENDING));
        kit.clock.advance(OAuthSettings.STATE_TTL.plusSeconds(1));
        int exchanges = codeExchanges();

        HttpResponse<String> r = kit.get(cb, "t-expired", "u1", true);

        assertEquals(400, r.statusCode());
        assertEquals("state_expired", errorCode(r));
        assertEquals(0, rows("t-expired", IntegrationStatus.PENDING));
        assertEquals(0, rows("t-expired", IntegrationStatus.CONNECTED));
        assertEquals(exchanges, codeExchanges());
    }

    @Test
    void anotherTenantsState_isRejected_andTheRightfulUserCanStillFinish() {
        URI cb = kit.authorize("t-victim", "u1", kit.tenantAppJson(), newUser());

        HttpResponse<String> stolen = kit.get(cb, "t-attacker", "u9", true);

        assertEquals(403, stolen.statusCode());
        assertEquals("state_wrong_tenant", errorCode(stolen));
        assertEquals(0, kit.node.db.dsl().fetchCount(CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.TENANT_ID.eq("t-attacker")));
        HttpResponse<String> rightful = kit.get(cb, "t-victim", "u1", true);
        assertEquals(200, rightful.statusCode(), rightful.body());
    }

    @Test
    void anotherUsersStateInTheSameTenant_isRejected() {
        URI cb = kit.authorize("t-colleague", "alice", kit.tenantAppJson(), newUser());

        HttpResponse<String> r = kit.get(cb, "t-colleague", "bob", true);

        assertEquals(403, r.statusCode());
        assertEquals("state_wrong_tenant", errorCode(r));
        assertEquals(0, rows("t-colleague", IntegrationStatus.CONNECTED));
    }

    @Test
    void declinedConsent_isExplained_andLeavesNothing() {
        kit.sb.autoApprove(false);
        try {
            HttpResponse<String> connect = kit.post("/settings/calendly/connect", "t-deny", "u1", kit.tenantAppJson());
            URI authorize = URI.create(OAuthKit.json(connect).get("authorize_url").asText());
            HttpResponse<String> denied = kit.postTo(URI.create(kit.sb.baseUrl() + "/oauth/authorize"),
                    authorize.getRawQuery() + "&decision=deny");
            assertEquals(302, denied.statusCode(), denied.body());
            URI cb = URI.create(denied.headers().firstValue("Location").orElseThrow());

            HttpResponse<String> r = kit.get(cb, "t-deny", "u1", true);

            assertEquals(400, r.statusCode());
            assertEquals("access_denied", errorCode(r));
            assertEquals(0, rows("t-deny", IntegrationStatus.PENDING));
            assertEquals(0, rows("t-deny", IntegrationStatus.CONNECTED));
        } finally {
            kit.sb.autoApprove(true);
        }
    }

    @Test
    void expiredCode_isExplained_andLeavesNothing() {
        URI cb = kit.authorize("t-slow", "u1", kit.tenantAppJson(), newUser());
        kit.clock.advance(Duration.ofMinutes(1)); // the code lives 30 s here, the state 10 min

        HttpResponse<String> r = kit.get(cb, "t-slow", "u1", true);

        assertEquals(400, r.statusCode());
        assertEquals("code_rejected", errorCode(r));
        assertEquals(0, rows("t-slow", IntegrationStatus.PENDING));
        assertEquals(0, rows("t-slow", IntegrationStatus.CONNECTED));
        assertEquals(0, kit.node.db.dsl().fetchCount(CALENDLY_OAUTH_STATE, CALENDLY_OAUTH_STATE.TENANT_ID.eq("t-slow")));
    }

    @Test
    void unauthenticatedCallback_isA401() {
        URI cb = kit.authorize("t-anon", "u1", kit.tenantAppJson(), newUser());

        HttpResponse<String> r = kit.get(cb, null, null, true);

        assertEquals(401, r.statusCode());
        assertEquals(1, rows("t-anon", IntegrationStatus.PENDING), "the rightful user can still finish");
    }

    @Test
    void browserCallback_landsOnTheSettingsPageWithTheOutcome() {
        URI cb = kit.authorize("t-browser", "u1", kit.tenantAppJson(), newUser());

        HttpResponse<String> ok = kit.get(cb, "t-browser", "u1", false);
        HttpResponse<String> forged = kit.get(callback("code=x&state=" + URLEncoder.encode("nope",
                StandardCharsets.UTF_8)), "t-browser", "u1", false);

        assertEquals(303, ok.statusCode());
        String location = ok.headers().firstValue("Location").orElseThrow();
        UUID id = kit.node.service().integrations("t-browser").get(0);
        assertTrue(location.startsWith(kit.settingsPage + "?calendly=connected&integration=" + id), location);
        assertEquals(303, forged.statusCode());
        assertEquals(kit.settingsPage + "?calendly=error&reason=state_invalid",
                forged.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void pendingAuthorizationsNobodyFinished_arePurged() {
        kit.authorize("t-abandoned", "u1", kit.tenantAppJson(), newUser());
        assertEquals(1, rows("t-abandoned", IntegrationStatus.PENDING));

        kit.clock.advance(Duration.ofHours(2));
        kit.node.service().purgeAbandoned();

        assertEquals(0, rows("t-abandoned", IntegrationStatus.PENDING));
        assertTrue(kit.node.service().integrations("t-abandoned").isEmpty());
    }
}
