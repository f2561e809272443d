package io.calbridge.calendly.internal.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.CalendlyActionException;
import io.calbridge.calendly.CalendlyActions;
import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may act on Calendly from the CRM: the host decides through {@code HostSecurity.mayAct}, whose
 * default lets tenant admins only (a host written before the actions gives members nothing new);
 * refusals come before anything is read, over HTTP and in the Java API alike.
 */
class ActionPermissionTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final HttpClient http = HttpClient.newHttpClient();
    static Javalin app;

    /** Caller from the test header "tenant|user|admin-or-member"; user "viewer" may only view (as the host decides). */
    static final HostSecurity SECURITY = new HostSecurity() {
        @Override
        public Optional<Caller> caller(Context ctx) {
            return Optional.ofNullable(ctx.header("X-Test-Caller")).map(v -> {
                String[] p = v.split("\\|");
                return new Caller(p[0], p[1], "admin".equals(p[2]));
            });
        }

        @Override
        public boolean mayAct(Caller caller, Action action) {
            if ("viewer".equals(caller.userId())) {
                return action == Action.VIEW_MEETINGS;
            }
            return HostSecurity.super.mayAct(caller, action);
        }
    };

    @BeforeAll
    static void start() {
        app = Javalin.create(config -> config.registerPlugin(new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.security = SECURITY;
            c.host = TestHost.services();
            c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
            c.workerThreads = 0;
            c.subscriptionCheckInterval = Duration.ZERO;
        }))).start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static HttpResponse<String> send(String method, String path, String caller, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (caller != null) {
            b.header("X-Test-Caller", caller);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String code(HttpResponse<String> r) throws Exception {
        JsonNode n = Json.mapper().readTree(r.body());
        return n.at("/error/code").asText();
    }

    @Test
    void byDefaultOnlyTenantAdminsAct() throws Exception {
        String meetings = "/settings/calendly/contacts/c-1/meetings";
        String cancel = "/settings/calendly/meetings/" + UUID.randomUUID() + "/cancel";
        assertEquals(401, send("GET", meetings, null, null).statusCode());
        HttpResponse<String> member = send("GET", meetings, "acme|mia|member", null);
        assertEquals(403, member.statusCode(), member.body());
        assertEquals("forbidden", code(member));
        assertEquals(403, send("POST", cancel, "acme|mia|member", "{}").statusCode());
        assertEquals(403, send("PUT", "/settings/calendly/meetings/" + UUID.randomUUID() + "/no-show", "acme|mia|member",
                null).statusCode());
        assertEquals(403, send("POST", "/settings/calendly/contacts/c-1/scheduling-links", "acme|mia|member", "{}")
                .statusCode());

        HttpResponse<String> admin = send("GET", meetings, "acme|ada|admin", null);
        assertEquals(200, admin.statusCode(), admin.body());
        assertEquals(0, Json.mapper().readTree(admin.body()).get("upcoming").size());
        HttpResponse<String> unknown = send("POST", cancel, "acme|ada|admin", "{}");
        assertEquals(404, unknown.statusCode(), "a meeting that is not the tenant's: " + unknown.body());
    }

    @Test
    void theHostMayOpenSomeActionsToMembers() throws Exception {
        assertEquals(200, send("GET", "/settings/calendly/contacts/c-1/meetings", "acme|viewer|member", null).statusCode());
        HttpResponse<String> cancel = send("POST", "/settings/calendly/meetings/" + UUID.randomUUID() + "/cancel",
                "acme|viewer|member", "{}");
        assertEquals(403, cancel.statusCode(), "refused before the meeting is even looked up");
    }

    @Test
    void badInputNamesTheField() throws Exception {
        HttpResponse<String> noKey = send("POST", "/settings/calendly/contacts/c-1/scheduling-links", "acme|ada|admin",
                "{\"event_type_uri\":\"https://api.calendly.com/event_types/ET1\"}");
        assertEquals(400, noKey.statusCode(), noKey.body());
        assertEquals("idempotency_key", Json.mapper().readTree(noKey.body()).at("/error/field").asText());
        HttpResponse<String> longReason = send("POST", "/settings/calendly/meetings/" + UUID.randomUUID() + "/cancel",
                "acme|ada|admin", "{\"reason\":\"" + "x".repeat(10_001) + "\"}");
        assertEquals(400, longReason.statusCode());
        assertEquals("reason", Json.mapper().readTree(longReason.body()).at("/error/field").asText());
        HttpResponse<String> notText = send("POST", "/settings/calendly/meetings/" + UUID.randomUUID() + "/cancel",
                "acme|ada|admin", "{\"reason\":42}");
        assertEquals(400, notText.statusCode());
        assertEquals("reason", Json.mapper().readTree(notText.body()).at("/error/field").asText());
    }

    @Test
    void theJavaApiAsksTheSameQuestion() {
        CalendlyActions actions = app.unsafe.appDataManager.get(CalendlyPlugin.ACTIONS);
        CalendlyActionException e = assertThrows(CalendlyActionException.class, () -> actions.cancelMeeting(
                new HostSecurity.Caller("acme", "mia", false), UUID.randomUUID().toString(), null));
        assertEquals(403, e.status());
        assertEquals("forbidden", e.code());
        assertEquals(0, actions.meetings(new HostSecurity.Caller("acme", "ada", true), "c-1", false).upcoming().size());
        assertEquals(404, assertThrows(CalendlyActionException.class, () -> actions.markNoShow(
                new HostSecurity.Caller("acme", "ada", true), "not-a-uuid")).status());
    }
}
