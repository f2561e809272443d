package io.calbridge.host.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.HostSchema;
import io.calbridge.host.TestBrowser;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SecurityHeadersTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static HostApp http;
    static HostApp https;

    @BeforeAll
    static void start() {
        new DemoTenants(db.dataSource());
        http = new HostApp(db.dataSource(), DemoTenants.settings("http://localhost:7070"), io.calbridge.host.TestKeys.MASTER, "test", plugin -> {
        }, (c, s) -> {
        }).start(0);
        https = new HostApp(db.dataSource(), DemoTenants.settings("https://crm.example.test"), io.calbridge.host.TestKeys.MASTER, "test", plugin -> {
        }, (c, s) -> {
        }).start(0);
    }

    @AfterAll
    static void stop() {
        http.stop();
        https.stop();
    }

    @Test
    void pagesApisErrorsAndRedirects_allCarryTheHeaders() {
        TestBrowser b = new TestBrowser(http.port()).loggedInAs("admin@acme.test");
        List<HttpResponse<String>> responses = List.of(
                b.get("/app/contacts"),
                b.get("/app/contacts/" + java.util.UUID.randomUUID()),
                b.getJson("/api/me", null),
                new TestBrowser(http.port()).get("/login"),
                new TestBrowser(http.port()).get("/app/tasks"),
                new TestBrowser(http.port()).getJson("/api/me", null),
                new TestBrowser(http.port()).getJson("/settings/calendly/anything", null),
                b.get("/"));

        for (HttpResponse<String> r : responses) {
            String where = r.request().uri() + " " + r.statusCode();
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.startsWith("default-src 'self';"), where + " " + csp);
            assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), where);
            assertTrue(csp.contains("form-action 'self' https://auth.calendly.com"), where);
            assertFalse(csp.contains("unsafe-inline"), where);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), where);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), where);
            assertEquals("same-origin", r.headers().firstValue("Referrer-Policy").orElse(""), where);
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), where);
            assertTrue(r.headers().firstValue("Strict-Transport-Security").isEmpty(), "no HSTS over http: " + where);
        }
    }

    @Test
    void staticAssets_areServedWithTheHeaders_andMayBeCached() {
        HttpResponse<String> css = new TestBrowser(http.port()).get("/static/app.css");
        HttpResponse<String> js = new TestBrowser(http.port()).get("/static/app.js");

        assertEquals(200, css.statusCode());
        assertEquals(200, js.statusCode());
        assertTrue(js.body().contains("X-CSRF-Token"));
        assertEquals("nosniff", css.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertFalse(css.headers().firstValue("Cache-Control").orElse("").contains("no-store"));
    }

    @Test
    void httpsPublicUrl_addsHstsAndSecureCookies() {
        HttpResponse<String> r = new TestBrowser(https.port()).get("/login");

        assertEquals("max-age=31536000; includeSubDomains", r.headers().firstValue("Strict-Transport-Security").orElse(""));
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-calbridge_login=")).findFirst().orElseThrow();
        assertTrue(cookie.contains("Secure") && cookie.contains("Path=/") && cookie.contains("HttpOnly"), cookie);
    }

    @Test
    void noPageHasInlineScriptsOrStyles() {
        TestBrowser b = new TestBrowser(http.port()).loggedInAs("admin@acme.test");
        for (String path : List.of("/login", "/", "/app/contacts", "/app/tasks", "/app/lists", "/app/tags", "/app/calendly")) {
            String body = (path.equals("/login") ? new TestBrowser(http.port()) : b).get(path).body();

            assertFalse(body.contains("<script>") || body.contains("<style") || body.contains(" style=") || body.contains(" onclick="), path);
        }
    }

    /**
     * Regression (issue 13): the error pages Jetty writes itself, before the app sees a request (400
     * for {@code /app/%00}, 431 for headers over the limit), lacked the headers every page has.
     */
    @Test
    void jettysOwnErrorPages_carryTheHeadersToo() throws Exception {
        for (HostApp app : List.of(http, https)) {
            String badUri = raw(app.port(), "GET /app/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            String hugeHeaders = raw(app.port(), "GET /login HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(64 * 1024)
                    + "\r\nConnection: close\r\n\r\n");

            assertTrue(badUri.startsWith("HTTP/1.1 400"), badUri);
            assertTrue(hugeHeaders.startsWith("HTTP/1.1 431"), hugeHeaders);
            for (String response : List.of(badUri, hugeHeaders)) {
                String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
                assertTrue(head.contains("content-security-policy: default-src 'self';"), head);
                assertTrue(head.contains("frame-ancestors 'none'"), head);
                assertTrue(head.contains("x-content-type-options: nosniff"), head);
                assertTrue(head.contains("x-frame-options: deny"), head);
                assertTrue(head.contains("referrer-policy: same-origin"), head);
                assertTrue(head.contains("no-store"), head);
                assertEquals(app == https, head.contains("strict-transport-security: max-age=31536000"), head);
            }
        }
    }

    /** One request written byte for byte (an HTTP client would refuse to send these), the answer as text. */
    private static String raw(int port, String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException reset) {
            throw new AssertionError("connection reset before an answer", reset);
        }
    }
}
