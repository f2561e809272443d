package io.calbridge.host.security;

import io.calbridge.host.HostSchema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.TestBrowser;
import io.calbridge.host.TestKeys;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: every anonymous {@code GET /login} created a server session of 120 minutes (20,000
 * requests, 20,000 sessions). Anonymous pages now create none; the login form stays CSRF-protected
 * with a cookie-bound, signed token.
 */
class AnonymousSessionsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static final AtomicReference<SessionHandler> sessions = new AtomicReference<>();
    static HostApp app;

    @BeforeAll
    static void start() {
        new DemoTenants(db.dataSource());
        app = new HostApp(db.dataSource(), DemoTenants.settings("http://localhost:7070"), TestKeys.MASTER, "test", c -> {
        }, (config, security) -> config.jetty.modifyServletContextHandler(h -> sessions.set(h.getSessionHandler()))).start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    @Test
    void thousandsOfAnonymousPages_createNoServerSession_andALoginCreatesOne() throws Exception {
        HttpClient cookieless = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        int before = sessions.get().getSessionsCreated();

        for (int i = 0; i < 2000; i++) {
            for (String path : i % 100 == 0 ? List.of("/login", "/app/contacts", "/", "/health", "/api/me") : List.of("/login")) {
                var r = cookieless.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertTrue(r.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("calbridge_session=")),
                        path + " set a session cookie");
            }
        }

        assertEquals(before, sessions.get().getSessionsCreated(), "anonymous pages created server sessions");
        TestBrowser b = new TestBrowser(app.port());
        assertEquals(303, b.login("admin@acme.test", "demo-password").statusCode());
        assertEquals(200, b.getJson("/api/me", null).statusCode());
        assertTrue(sessions.get().getSessionsCreated() > before, "a login starts a session (pac4j renews it once)");
    }

    @Test
    void anonymousVisitor_isSentBackToThePageItAskedFor_afterLogin() {
        TestBrowser b = new TestBrowser(app.port());

        var asked = b.get("/app/tasks?status=open");
        var login = b.login("admin@acme.test", "demo-password");

        assertEquals(302, asked.statusCode());
        assertEquals("/app/tasks?status=open", login.headers().firstValue("Location").orElse(""));
    }

    @Test
    void loginWithAnInventedTokenInBothCookieAndForm_isRefused() throws Exception {
        String invented = "AAAAAAAAAAAAAAAAAAAAAAAA.99999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        var r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + "/callback"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "calbridge_login=" + invented)
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(invented, StandardCharsets.UTF_8)
                        + "&username=admin%40acme.test&password=demo-password"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(403, r.statusCode(), "a planted cookie with a matching form value is not a token this site signed");
    }
}
