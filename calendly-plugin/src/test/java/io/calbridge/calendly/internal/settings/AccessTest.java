package io.calbridge.calendly.internal.settings;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.ApiErrors;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.ResponseHeaders;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccessTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final HttpClient http = HttpClient.newHttpClient();
    static final UUID ACME_INTEGRATION = UUID.randomUUID();
    static final UUID GLOBEX_INTEGRATION = UUID.randomUUID();
    static Javalin app;

    /** The host's answer comes from a test header "tenant|user|admin-or-member"; absent means anonymous. */
    static final HostSecurity HEADER_SECURITY = ctx -> Optional.ofNullable(ctx.header("X-Test-Caller")).map(v -> {
        String[] p = v.split("\\|");
        return new Caller(p[0], p[1], "admin".equals(p[2]));
    });

    @BeforeAll
    static void start() {
        Db db = new Db(database.dataSource());
        insertIntegration(db, ACME_INTEGRATION, "acme");
        insertIntegration(db, GLOBEX_INTEGRATION, "globex");
        Access access = new Access(HEADER_SECURITY);
        app = Javalin.create(config -> {
            ApiErrors.register(config.routes);
            ResponseHeaders.register(config.routes, "/settings/calendly");
            config.routes.get("/settings/calendly/whoami", ctx -> ctx.result(access.requireCaller(ctx).userId()));
            config.routes.post("/settings/calendly/admin-only", ctx -> ctx.result("ok " + access.requireAdmin(ctx).tenantId()));
            config.routes.get("/settings/calendly/integrations/{id}", ctx -> {
                Caller caller = access.requireAdmin(ctx);
                var row = Access.loadOwned(db.dsl(), CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.ID,
                        CALENDLY_INTEGRATION.TENANT_ID, ctx.pathParam("id"), caller, "integration");
                ctx.result(row.getId() + " " + row.getTenantId());
            });
            config.routes.get("/settings/calendly/invalid", ctx -> {
                throw ApiException.badRequest("invalid_value", "startTime must be in the future", "startTime");
            });
            config.routes.get("/elsewhere", ctx -> ctx.result("host page"));
        }).start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static void insertIntegration(Db db, UUID id, String tenant) {
        db.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, tenant)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PERSONAL_TOKEN")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .execute();
    }

    private static HttpResponse<String> send(String method, String path, String caller) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (caller != null) {
            b.header("X-Test-Caller", caller);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anonymousCaller_gets401WithJsonError() throws Exception {
        HttpResponse<String> r = send("POST", "/settings/calendly/admin-only", null);

        assertEquals(401, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"error\":{\"code\":\"unauthenticated\",\"message\":\"Sign in to manage the Calendly integration.\"}}", r.body());
    }

    @Test
    void memberWhoIsNotAdmin_gets403() throws Exception {
        HttpResponse<String> r = send("POST", "/settings/calendly/admin-only", "acme|u2|member");

        assertEquals(403, r.statusCode());
        assertTrue(r.body().startsWith("{\"error\":{\"code\":\"forbidden\","), r.body());
    }

    @Test
    void memberIsStillAnAuthenticatedCaller() throws Exception {
        HttpResponse<String> r = send("GET", "/settings/calendly/whoami", "acme|u2|member");

        assertEquals(200, r.statusCode());
        assertEquals("u2", r.body());
    }

    @Test
    void admin_passes() throws Exception {
        HttpResponse<String> r = send("POST", "/settings/calendly/admin-only", "acme|u1|admin");

        assertEquals(200, r.statusCode());
        assertEquals("ok acme", r.body());
    }

    @Test
    void ownRow_isLoaded() throws Exception {
        HttpResponse<String> r = send("GET", "/settings/calendly/integrations/" + ACME_INTEGRATION, "acme|u1|admin");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(ACME_INTEGRATION + " acme", r.body());
    }

    @Test
    void anotherTenantsRow_answersExactlyLikeAMissingOne() throws Exception {
        HttpResponse<String> foreign = send("GET", "/settings/calendly/integrations/" + GLOBEX_INTEGRATION, "acme|u1|admin");
        HttpResponse<String> missing = send("GET", "/settings/calendly/integrations/" + UUID.randomUUID(), "acme|u1|admin");
        HttpResponse<String> malformed = send("GET", "/settings/calendly/integrations/not-a-uuid", "acme|u1|admin");
        HttpResponse<String> lenient = send("GET", "/settings/calendly/integrations/1-1-1-1-1", "acme|u1|admin");

        assertEquals(404, foreign.statusCode());
        assertEquals("{\"error\":{\"code\":\"not_found\",\"message\":\"integration not found\"}}", foreign.body());
        for (HttpResponse<String> other : java.util.List.of(missing, malformed, lenient)) {
            assertEquals(404, other.statusCode());
            assertEquals(foreign.body(), other.body());
            assertEquals(headersWithoutDate(foreign), headersWithoutDate(other));
        }
    }

    private static java.util.Map<String, java.util.List<String>> headersWithoutDate(HttpResponse<String> r) {
        var copy = new java.util.TreeMap<>(r.headers().map());
        copy.remove("date");
        return copy;
    }

    @Test
    void validationError_namesTheField() throws Exception {
        HttpResponse<String> r = send("GET", "/settings/calendly/invalid", "acme|u1|admin");

        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":{\"code\":\"invalid_value\",\"message\":\"startTime must be in the future\",\"field\":\"startTime\"}}", r.body());
    }

    @Test
    void pluginResponses_carrySecurityHeaders_evenErrors() throws Exception {
        for (HttpResponse<String> r : java.util.List.of(
                send("GET", "/settings/calendly/whoami", "acme|u1|admin"),
                send("POST", "/settings/calendly/admin-only", null))) {
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null));
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        }
    }

    @Test
    void hostRoutes_areLeftAlone() throws Exception {
        HttpResponse<String> r = send("GET", "/elsewhere", null);

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Security-Policy").isEmpty());
    }

    @Test
    void parseId_acceptsOnlyExactForms() {
        var uuidType = CALENDLY_INTEGRATION.ID.getDataType();
        UUID id = UUID.randomUUID();

        assertEquals(Optional.of(id), Access.parseId(id.toString(), uuidType));
        assertEquals(Optional.of(id), Access.parseId(id.toString().toUpperCase(java.util.Locale.ROOT), uuidType));
        assertEquals(Optional.empty(), Access.parseId("1-1-1-1-1", uuidType));
        assertEquals(Optional.empty(), Access.parseId("", uuidType));
        assertEquals(Optional.of(42L), Access.parseId("42", org.jooq.impl.SQLDataType.BIGINT));
        assertEquals(Optional.empty(), Access.parseId("1.5", org.jooq.impl.SQLDataType.BIGINT));
        assertEquals(Optional.empty(), Access.parseId("abc", org.jooq.impl.SQLDataType.BIGINT));
    }
}
