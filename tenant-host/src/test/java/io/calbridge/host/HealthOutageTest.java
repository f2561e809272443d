package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.testing.TcpProxy;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL becomes unreachable under a running node (a proxy in front of it drops every connection
 * and refuses new ones; the shared server is never touched), then comes back. The node's pool has
 * the production defaults (30 s connection timeout), which the health endpoints must not wait for.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthOutageTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    /** What the issue asks: an answer well under 2 s during an outage. */
    static final Duration FAST = Duration.ofMillis(2000);
    static final String OPERATOR_TOKEN = "operator-token-of-the-health-outage-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();

    static TcpProxy proxy;
    static HikariDataSource pool;
    static HostApp app;

    @BeforeAll
    static void start() throws Exception {
        proxy = db.newProxy();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrlVia(proxy));
        config.setUsername(db.server().user());
        config.setPassword(db.server().password());
        config.setPoolName("health-outage");
        pool = new HikariDataSource(config);
        app = new HostApp(pool, DemoTenants.settings("http://localhost:7070"), OperatorAccess.token(OPERATOR_TOKEN),
                TestKeys.MASTER, "outage-version", plugin -> plugin.subscriptionCheckInterval = Duration.ZERO,
                (c, s) -> {
                }).start(0);
    }

    @AfterAll
    static void stop() throws Exception {
        app.stop();
        pool.close();
        proxy.close();
    }

    @Test
    void databaseUnreachable_healthAndReadyAnswer503FastWithTheReason_liveStaysUp_andRecoveryIsImmediate() throws Exception {
        assertEquals(200, get("/health/ready", null).statusCode());

        proxy.stop();
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                Timed ready = timed("/health/ready", null);
                Timed health = timed("/health", null);
                Timed operator = timed("/health", OPERATOR_TOKEN);

                assertEquals(503, ready.response.statusCode(), ready.response.body());
                assertTrue(ready.elapsed.compareTo(FAST) < 0, "ready took " + ready.elapsed);
                assertEquals("DOWN", json(ready).get("status").asText());
                assertTrue(json(ready).get("reason").asText().startsWith("database unreachable: "), ready.response.body());
                assertEquals(503, health.response.statusCode(), health.response.body());
                assertTrue(health.elapsed.compareTo(FAST) < 0, "health took " + health.elapsed);
                assertFalse(json(health).at("/database/reachable").asBoolean());
                assertEquals(503, operator.response.statusCode());
                assertTrue(operator.elapsed.compareTo(FAST) < 0, "operator health took " + operator.elapsed);
                assertTrue(json(operator).at("/database/error").asText().length() > 0, operator.response.body());
            }
            assertEquals(200, get("/health/live", null).statusCode(), "an outage must not get the node restarted");
        } finally {
            proxy.start();
        }

        HttpResponse<String> back = get("/health/ready", null);
        assertEquals(200, back.statusCode(), "the first probe after the outage: " + back.body());
        assertEquals(200, get("/health", null).statusCode());
    }

    @Test
    void versionsShowOnlyToOperators() throws Exception {
        JsonNode anonymous = JSON.readTree(get("/health", null).body());
        JsonNode wrongToken = JSON.readTree(get("/health", "not-the-operator-token-but-long-enough").body());
        JsonNode operator = JSON.readTree(get("/health", OPERATOR_TOKEN).body());

        for (JsonNode outsider : new JsonNode[] {anonymous, wrongToken}) {
            assertEquals("UP", outsider.get("status").asText(), outsider.toString());
            assertFalse(outsider.has("version"), outsider.toString());
            assertFalse(outsider.get("database").has("server"), outsider.toString());
            assertEquals("applied", outsider.get("migrations").asText(), outsider.toString());
        }
        assertEquals("outage-version", operator.get("version").asText());
        assertTrue(operator.at("/database/server").asText().matches("\\d+.*"), operator.toString());
        assertTrue(operator.at("/migrations/calendly/current").asText().matches("\\d+"), operator.toString());
        assertEquals(0, operator.at("/migrations/host/pending").asInt(), operator.toString());
        assertFalse(get("/", null).body().contains("outage-version"), "the home page is public too");
    }

    record Timed(HttpResponse<String> response, Duration elapsed) {
    }

    private static Timed timed(String path, String token) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = get(path, token);
        return new Timed(response, Duration.ofNanos(System.nanoTime() - started));
    }

    private static JsonNode json(Timed t) throws Exception {
        return JSON.readTree(t.response.body());
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .timeout(Duration.ofSeconds(40));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
