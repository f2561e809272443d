package io.calbridge.host.security;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.HostSchema;
import io.calbridge.host.TestBrowser;
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
 * bearer JWT) answers the plugin's {@link Access} checks, and tenant-host's CSRF filter guards them.
 *
 * <p>The routes here are probes built exactly like a settings route (Access.requireAdmin,
 * Access.loadOwned on calendly_integration), so that the caller HostSecurity reports can be seen;
 * {@code io.calbridge.host.settings.SettingsApiTest} calls every real route of the settings API the
 * same four ways.
 */
class PluginAccessTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static HostApp app;
    static DemoTenants demo;
    static UUID acmeIntegration;
    static TestBrowser acmeAdmin;
    static TestBrowser acmeMember;
    static TestBrowser globexAdmin;

    @BeforeAll
    static void start() {
        demo = new DemoTenants(db.dataSource());
        app = new HostApp(db.dataSource(), DemoTenants.settings("http://localhost:7070"), io.calbridge.host.TestKeys.MASTER, "test", plugin -> {
        }, (config, security) -> {
            Access access = new Access(security.hostSecurity());
            config.routes.get("/settings/calendly/probe", ctx -> {
                Caller caller = access.requireAdmin(ctx);
                ctx.json(Map.of("tenant", caller.tenantId(), "user", caller.userId()));
            });
            config.routes.post("/settings/calendly/probe/{id}/disconnect", ctx -> {
                Caller caller = access.requireAdmin(ctx);
                var row = Access.loadOwned(demo.dsl, CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.ID, CALENDLY_INTEGRATION.TENANT_ID,
                        ctx.pathParam("id"), caller, "integration");
                ctx.json(Map.of("disconnected", row.getId().toString()));
            });
        }).start(0);
        // Started after the app: the plugin creates its tables when it starts.
        acmeIntegration = UUID.randomUUID();
        demo.dsl.insertInto(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.ID, acmeIntegration)
                .set(CALENDLY_INTEGRATION.TENANT_ID, demo.acme.toString()).set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PERSONAL_TOKEN")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED").set(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN, "tok-" + acmeIntegration).execute();
        acmeAdmin = new TestBrowser(app.port()).loggedInAs("admin@acme.test");
        acmeMember = new TestBrowser(app.port()).loggedInAs("member@acme.test");
        globexAdmin = new TestBrowser(app.port()).loggedInAs("admin@globex.test");
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static HttpResponse<String> disconnect(TestBrowser b, UUID id, String csrf, String bearer) {
        Map<String, String> headers = new java.util.HashMap<>();
        if (csrf != null) {
            headers.put("X-CSRF-Token", csrf);
        }
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        return b.postJson("/settings/calendly/probe/" + id + "/disconnect", "{}", headers);
    }

    private static String token(String email) throws Exception {
        return JSON.readTree(new TestBrowser(app.port()).postJson("/api/token",
                "{\"email\":\"" + email + "\",\"password\":\"demo-password\"}", Map.of()).body()).get("access_token").asText();
    }

    @Test
    void anonymous_gets401() {
        TestBrowser anonymous = new TestBrowser(app.port());

        HttpResponse<String> get = anonymous.getJson("/settings/calendly/probe", null);
        HttpResponse<String> post = disconnect(anonymous, acmeIntegration, null, null);

        assertEquals(401, get.statusCode());
        assertEquals("{\"error\":{\"code\":\"unauthenticated\",\"message\":\"Sign in to manage the Calendly integration.\"}}", get.body());
        assertEquals(401, post.statusCode());
    }

    @Test
    void memberWhoIsNotAdmin_gets403() {
        HttpResponse<String> get = acmeMember.getJson("/settings/calendly/probe", null);
        HttpResponse<String> post = disconnect(acmeMember, acmeIntegration, acmeMember.csrfToken(), null);

        assertEquals(403, get.statusCode());
        assertEquals(403, post.statusCode());
        assertEquals("forbidden", codeOf(post));
    }

    @Test
    void adminOfAnotherTenant_gets404LikeForAMissingId() {
        String csrf = globexAdmin.csrfToken();

        HttpResponse<String> foreign = disconnect(globexAdmin, acmeIntegration, csrf, null);
        HttpResponse<String> missing = disconnect(globexAdmin, UUID.randomUUID(), csrf, null);

        assertEquals(404, foreign.statusCode());
        assertEquals(missing.statusCode(), foreign.statusCode());
        assertEquals(missing.body(), foreign.body());
    }

    @Test
    void rightAdmin_getsThrough_withTheirTenantAndUser() throws Exception {
        HttpResponse<String> get = acmeAdmin.getJson("/settings/calendly/probe", null);
        HttpResponse<String> post = disconnect(acmeAdmin, acmeIntegration, acmeAdmin.csrfToken(), null);

        assertEquals(200, get.statusCode(), get.body());
        assertEquals(demo.acme.toString(), JSON.readTree(get.body()).get("tenant").asText());
        assertEquals(demo.acmeAdmin.toString(), JSON.readTree(get.body()).get("user").asText());
        assertEquals(200, post.statusCode(), post.body());
    }

    @Test
    void browserPostWithoutOrWithAWrongCsrfToken_isRefusedBeforeThePlugin() {
        HttpResponse<String> none = disconnect(acmeAdmin, acmeIntegration, null, null);
        HttpResponse<String> wrong = disconnect(acmeAdmin, acmeIntegration, "forged", null);

        assertEquals(403, none.statusCode());
        assertEquals("csrf_token_invalid", codeOf(none));
        assertEquals(403, wrong.statusCode());
        assertEquals("csrf_token_invalid", codeOf(wrong));
    }

    @Test
    void bearerCalls_needNoCsrfToken_andAreCheckedLikeSessions() throws Exception {
        TestBrowser api = new TestBrowser(app.port());

        assertEquals(200, disconnect(api, acmeIntegration, null, token("admin@acme.test")).statusCode());
        assertEquals(403, disconnect(api, acmeIntegration, null, token("member@acme.test")).statusCode());
        assertEquals(404, disconnect(api, acmeIntegration, null, token("admin@globex.test")).statusCode());
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
