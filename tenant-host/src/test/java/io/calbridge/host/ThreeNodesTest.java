package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.host.security.JwtKey;
import io.calbridge.host.security.SecuritySettings;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three tenant-host nodes on one database behind a round-robin client, no sticky sessions: each
 * request of one browser (one cookie jar) goes to the next node. The admin logs in on node 1,
 * connects Calendly on node 2 with that session, changes the booking settings on node 3, and the
 * next booking, delivered to and processed by node 1 (the only node with worker threads), follows
 * the new settings. The bound documented in docs/operations.md for settings and mappings is "the
 * next delivery processed after the change commits": they are read at each delivery, on any node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThreeNodesTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static final ObjectMapper JSON = new ObjectMapper();

    static CalendlySandbox sandbox;
    static SandboxUser ada;
    static SandboxEventType intro;
    static DemoTenants demo;
    static final List<HostApp> nodes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoTenants(db.dataSource());
        sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true));
        var org = sandbox.createOrganization("Acme on Calendly", Plan.STANDARD);
        ada = sandbox.createUser(org, "Ada Host", "ada@acme.test", Role.OWNER, "Europe/Warsaw");
        intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        // Calendly delivers to node 1's address; every node signs and checks with the same keys.
        SecuritySettings security = DemoTenants.settings("http://127.0.0.1:" + ports[0]).withJwtKey(JwtKey.random());
        for (int n = 0; n < 3; n++) {
            boolean worker = n == 0;
            nodes.add(new HostApp(db.dataSource(), security, TestKeys.MASTER, "test", plugin -> {
                plugin.calendlyApiBaseUrl = sandbox.baseUrl();
                plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
                plugin.webhookPollInterval = Duration.ofMillis(100);
                plugin.subscriptionCheckInterval = Duration.ZERO;
                plugin.workerThreads = worker ? 2 : 0;
            }, (config, s) -> {
            }).start(ports[n]));
        }
    }

    @AfterAll
    static void stop() {
        nodes.forEach(HostApp::stop);
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void loginOnOneNode_actOnAnother_settingsChangedOnTheThird_takeEffectOnTheFirst() throws Exception {
        RoundRobin browser = new RoundRobin(nodes.stream().map(HostApp::port).toList());

        // node 3 shows the login form, node 1 logs in: the session is written before the redirect.
        browser.expectNext(3);
        String formToken = TestBrowser.csrfFrom(browser.send(browser.get("/login")).body());
        browser.expectNext(1);
        HttpResponse<String> login = browser.send(browser.form("/callback",
                "_csrf=" + enc(formToken) + "&username=" + enc("admin@acme.test") + "&password=demo-password"));
        assertEquals(303, login.statusCode(), login.body());
        assertEquals("/app", login.headers().firstValue("Location").orElse(""));

        // node 2 knows the session: it renders the app page (with the session's CSRF token)...
        browser.expectNext(2);
        HttpResponse<String> page = browser.send(browser.get("/app/contacts"));
        assertEquals(200, page.statusCode(), "node 2 did not know the session from node 1");
        String csrf = TestBrowser.csrfFrom(page.body());
        // ...node 3 connects Calendly for the session's tenant...
        browser.expectNext(3);
        HttpResponse<String> connected = browser.send(browser.json("POST", "/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + sandbox.createPersonalAccessToken(ada) + "\"}", csrf));
        assertEquals(2, connected.statusCode() / 100, connected.body());
        String integration = JSON.readTree(connected.body()).get("integration_id").asText();

        // ...node 1 reads the default task title, node 2 changes it...
        browser.expectNext(1);
        JsonNode before = JSON.readTree(browser.send(browser.json("GET", "/settings/calendly/" + integration + "/settings",
                null, null)).body());
        assertEquals("{{event.name}} with {{invitee.name}}", before.get("task").get("title").asText());
        browser.expectNext(2);
        HttpResponse<String> changed = browser.send(browser.json("PUT", "/settings/calendly/" + integration + "/settings",
                "{\"task\":{\"title\":\"Changed on node 2: call {{invitee.name}}\"}}", csrf));
        assertEquals(200, changed.statusCode(), changed.body());
        // ...and node 3 changes it again: the one that must take effect.
        browser.expectNext(3);
        changed = browser.send(browser.json("PUT", "/settings/calendly/" + integration + "/settings",
                "{\"task\":{\"title\":\"Changed on node 3: call {{invitee.name}}\"}}", csrf));
        assertEquals(200, changed.statusCode(), changed.body());

        // Node 1 answers with node 3's settings at once...
        browser.expectNext(1);
        JsonNode after = JSON.readTree(browser.send(browser.json("GET", "/settings/calendly/" + integration + "/settings",
                null, null)).body());
        assertEquals("Changed on node 3: call {{invitee.name}}", after.get("task").get("title").asText());
        // ...and its worker applies them to the next booking, delivered to it by Calendly.
        sandbox.book(BookingRequest.of(intro, "Jane Doe", "jane@example.com",
                Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS)));
        String title = awaitTaskTitle("jane@example.com");
        assertEquals("Changed on node 3: call Jane Doe", title);

        // Logging out on node 2 ends the session everywhere.
        browser.expectNext(2);
        assertEquals(303, browser.send(browser.form("/logout", "_csrf=" + enc(csrf))).statusCode());
        browser.expectNext(3);
        assertEquals(401, browser.send(browser.json("GET", "/api/me", null, null)).statusCode());
    }

    private static String awaitTaskTitle(String email) {
        List<String> titles = eventually("the booking's task").until(() -> demo.dsl.select(TASK.TITLE).from(TASK)
                .join(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(TASK.TENANT_ID.eq(demo.acme)).and(CONTACT.EMAIL.equalIgnoreCase(email)).fetch(TASK.TITLE), t -> !t.isEmpty());
        assertEquals(1, titles.size(), titles.toString());
        return titles.get(0);
    }

    /** One browser (one cookie jar) whose requests go to the nodes in turn: 3, 1, 2, 3, ... */
    static final class RoundRobin {
        private final List<Integer> ports;
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        private int next;

        RoundRobin(List<Integer> ports) {
            this.ports = ports;
            this.next = ports.size() - 1;
        }

        /** Fails unless the next request goes to node {@code n} (1-based): keeps the story honest. */
        void expectNext(int n) {
            assertEquals(n, next % ports.size() + 1, "the round-robin client is at another node");
        }

        HttpRequest.Builder get(String path) {
            return request(path).header("Accept", "text/html").GET();
        }

        HttpRequest.Builder form(String path, String body) {
            return request(path).header("Accept", "text/html").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }

        HttpRequest.Builder json(String method, String path, String body, String csrf) {
            HttpRequest.Builder b = request(path).header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (csrf != null) {
                b.header("X-CSRF-Token", csrf);
            }
            return b;
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            next++;
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Cookies are per host name; all nodes are 127.0.0.1, so the jar is shared as behind one address. */
        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(next % ports.size()) + path));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

}
