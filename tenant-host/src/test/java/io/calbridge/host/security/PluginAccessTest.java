package io.calbridge.host.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.HostSchema;
import io.calbridge.host.TestBrowser;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin's settings routes as tenant-host serves them: tenant-host's HostSecurity (session or
 * bearer JWT) answers the plugin's access checks, and tenant-host's CSRF filter guards them.
 *
 * <p>The access checks are those of a real settings route that changes something without reaching
 * Calendly ({@code POST .../webhooks/replay-dead-letters}); a probe route shows the caller that
 * tenant-host's {@code HostSecurity} hands the plugin. {@code io.calbridge.host.settings.SettingsApiTest}
 * calls every route of the settings API the same four ways.
 */
class PluginAccessTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static CalendlySandbox calendly;
    static HostApp app;
    static DemoTenants demo;
    static UUID acmeIntegration;
    static TestBrowser acmeAdmin;
    static TestBrowser acmeMember;
    static TestBrowser globexAdmin;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoTenants(db.dataSource());
        calendly = CalendlySandbox.start(SandboxOptions.defaults());
        var ada = calendly.createUser(calendly.createOrganization("Acme on Calendly", Plan.STANDARD), "Ada Host",
                "ada@acme.test", Role.OWNER, "Europe/Warsaw");
        app = new HostApp(db.dataSource(), DemoTenants.settings("http://localhost:7070"), io.calbridge.host.TestKeys.MASTER, "test",
                plugin -> {
                    plugin.calendlyApiBaseUrl = calendly.baseUrl();
                    plugin.calendlyAuthBaseUrl = calendly.baseUrl();
                }, (config, security) -> config.routes.get("/settings/calendly/probe", ctx -> {
                    var caller = security.hostSecurity().caller(ctx);
                    ctx.json(caller.<Map<String, Object>>map(c -> Map.of("tenant", c.tenantId(), "user", c.userId(),
                            "admin", c.tenantAdmin())).orElse(Map.of()));
                })).start(0);
        acmeAdmin = new TestBrowser(app.port()).loggedInAs("admin@acme.test");
        acmeMember = new TestBrowser(app.port()).loggedInAs("member@acme.test");
        globexAdmin = new TestBrowser(app.port()).loggedInAs("admin@globex.test");
        HttpResponse<String> connected = acmeAdmin.json("POST", "/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + calendly.createPersonalAccessToken(ada) + "\"}",
                acmeAdmin.csrfToken());
        assertEquals(200, connected.statusCode(), connected.body());
        acmeIntegration = UUID.fromString(JSON.readTree(connected.body()).get("integration_id").asText());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (calendly != null) {
            calendly.close();
        }
    }

    private static HttpResponse<String> replayDeadLetters(TestBrowser b, UUID id, String csrf, String bearer) {
        Map<String, String> headers = new java.util.HashMap<>();
        if (csrf != null) {
            headers.put("X-CSRF-Token", csrf);
        }
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        return b.postJson("/settings/calendly/" + id + "/webhooks/replay-dead-letters", "{}", headers);
    }

    private static String token(String email) throws Exception {
        return JSON.readTree(new TestBrowser(app.port()).postJson("/api/token",
                "{\"email\":\"" + email + "\",\"password\":\"demo-password\"}", Map.of()).body()).get("access_token").asText();
    }

    @Test
    void anonymous_gets401() {
        TestBrowser anonymous = new TestBrowser(app.port());

        HttpResponse<String> get = anonymous.getJson("/settings/calendly", null);
        HttpResponse<String> post = replayDeadLetters(anonymous, acmeIntegration, null, null);

        assertEquals(401, get.statusCode());
        assertEquals("{\"error\":{\"code\":\"unauthenticated\",\"message\":\"Sign in to manage the Calendly integration.\"}}", get.body());
        assertEquals(401, post.statusCode());
    }

    @Test
    void memberWhoIsNotAdmin_gets403() {
        HttpResponse<String> get = acmeMember.getJson("/settings/calendly", null);
        HttpResponse<String> post = replayDeadLetters(acmeMember, acmeIntegration, acmeMember.csrfToken(), null);

        assertEquals(403, get.statusCode());
        assertEquals(403, post.statusCode());
        assertEquals("forbidden", codeOf(post));
    }

    @Test
    void adminOfAnotherTenant_gets404LikeForAMissingId() {
        String csrf = globexAdmin.csrfToken();

        HttpResponse<String> foreign = replayDeadLetters(globexAdmin, acmeIntegration, csrf, null);
        HttpResponse<String> missing = replayDeadLetters(globexAdmin, UUID.randomUUID(), csrf, null);

        assertEquals(404, foreign.statusCode());
        assertEquals(missing.statusCode(), foreign.statusCode());
        assertEquals(missing.body(), foreign.body());
    }

    @Test
    void rightAdmin_getsThrough_withTheirTenantAndUser() throws Exception {
        HttpResponse<String> get = acmeAdmin.getJson("/settings/calendly/probe", null);
        HttpResponse<String> post = replayDeadLetters(acmeAdmin, acmeIntegration, acmeAdmin.csrfToken(), null);

        assertEquals(200, get.statusCode(), get.body());
        assertEquals(demo.acme.toString(), JSON.readTree(get.body()).get("tenant").asText());
        assertEquals(demo.acmeAdmin.toString(), JSON.readTree(get.body()).get("user").asText());
        assertTrue(JSON.readTree(get.body()).get("admin").asBoolean());
        assertEquals(200, post.statusCode(), post.body());
        var integrations = JSON.readTree(acmeAdmin.getJson("/settings/calendly", null).body()).get("integrations");
        assertEquals(acmeIntegration.toString(), integrations.get(0).get("integration_id").asText(), "Acme's own integration");
    }

    @Test
    void browserPostWithoutOrWithAWrongCsrfToken_isRefusedBeforeThePlugin() {
        HttpResponse<String> none = replayDeadLetters(acmeAdmin, acmeIntegration, null, null);
        HttpResponse<String> wrong = replayDeadLetters(acmeAdmin, acmeIntegration, "forged", null);

        assertEquals(403, none.statusCode());
        assertEquals("csrf_token_invalid", codeOf(none));
        assertEquals(403, wrong.statusCode());
        assertEquals("csrf_token_invalid", codeOf(wrong));
    }

    @Test
    void bearerCalls_needNoCsrfToken_andAreCheckedLikeSessions() throws Exception {
        TestBrowser api = new TestBrowser(app.port());

        assertEquals(200, replayDeadLetters(api, acmeIntegration, null, token("admin@acme.test")).statusCode());
        assertEquals(403, replayDeadLetters(api, acmeIntegration, null, token("member@acme.test")).statusCode());
        assertEquals(404, replayDeadLetters(api, acmeIntegration, null, token("admin@globex.test")).statusCode());
    }

    @Test
    void webhookRoutes_areNotCsrfChecked_evenFromABrowserWithASession() {
        // The plugin's own webhook endpoint answers (404: no integration has this token), not the CSRF
        // filter (403) nor the login (401).
        var withSession = acmeAdmin.postJson("/api/webhooks/calendly/tok", "{}", Map.of());
        assertEquals(404, withSession.statusCode(), withSession.body());
        assertEquals(404, new TestBrowser(app.port()).postJson("/api/webhooks/calendly/tok", "{}", Map.of()).statusCode());
    }

    private static String codeOf(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body()).get("error").get("code").asText();
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }
}
