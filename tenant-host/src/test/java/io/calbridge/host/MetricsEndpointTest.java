package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics}: Prometheus text with the plugin's, the JVM's and the pool's meters, for
 * operators only; a real signed delivery from the Calendly sandbox moves the webhook and worker
 * counters.
 */
class MetricsEndpointTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final String OPERATOR_TOKEN = "0123456789abcdef0123456789abcdef-metrics";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();
    static CalendlySandbox sandbox;
    static SandboxEventType intro;
    static HostApp app;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        sandbox = CalendlySandbox.start(SandboxOptions.defaults());
        var org = sandbox.createOrganization("Metrics on Calendly", Plan.STANDARD);
        SandboxUser ada = sandbox.createUser(org, "Ada Host", "ada@acme.test", Role.OWNER, "Europe/Warsaw");
        intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        new DemoTenants(db.dataSource());
        app = new HostApp(db.dataSource(), DemoTenants.settings(base), OperatorAccess.token(OPERATOR_TOKEN), TestKeys.MASTER,
                "test", plugin -> {
                    plugin.calendlyApiBaseUrl = sandbox.baseUrl();
                    plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
                    plugin.webhookPollInterval = Duration.ofMillis(200);
                    plugin.subscriptionCheckInterval = Duration.ZERO;
                }, (config, security) -> {
                }).start(port);
        String token = JSON.readTree(post("/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}", null)
                .body()).get("access_token").asText();
        HttpResponse<String> connected = post("/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + sandbox.createPersonalAccessToken(ada) + "\"}", token);
        assertEquals(2, connected.statusCode() / 100, connected.statusCode() + " " + connected.body());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void onlyOperatorsReadMetrics() throws Exception {
        HttpResponse<String> anonymous = metrics(null);
        HttpResponse<String> wrong = metrics(OPERATOR_TOKEN + "x");

        assertEquals(401, anonymous.statusCode());
        assertEquals("Bearer realm=\"tenant-host operators\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(anonymous.body().contains("operator_token_required"), anonymous.body());
        assertEquals(401, wrong.statusCode());
        assertEquals(200, metrics(OPERATOR_TOKEN).statusCode());
    }

    @Test
    void prometheusTextWithPluginJvmAndPoolMeters() throws Exception {
        HttpResponse<String> response = metrics(OPERATOR_TOKEN);

        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        String text = response.body();
        for (String name : List.of(
                "# TYPE calendly_webhook_inbox_depth gauge",
                "calendly_webhook_dead_letters ",
                "calendly_webhook_processing_lag_seconds_count ",
                "calendly_token_refreshes_total{result=\"refreshed\"}",
                "calendly_token_refreshes_total{result=\"reauthorization_required\"}",
                "cache_gets_total{cache=\"calbridge.crypto.access_tokens\",result=\"hit\"}",
                "cache_size{cache=\"calbridge.crypto.data_keys\"}",
                "hikaricp_connections_active{pool=\"" + poolName() + "\"}",
                "hikaricp_connections_acquire_seconds_count{pool=\"" + poolName() + "\"}",
                "jvm_memory_used_bytes{",
                "jvm_threads_live_threads ",
                "jvm_gc_",
                "process_uptime_seconds ",
                "system_cpu_count ")) {
            assertTrue(text.contains(name), name + " missing from /metrics:\n" + text);
        }
    }

    @Test
    void aSignedDeliveryMovesTheWebhookAndWorkerCounters() throws Exception {
        double accepted = value("calendly_webhook_deliveries_total{outcome=\"accepted\",reason=\"none\"}");
        double done = value("calendly_webhook_processed_total{result=\"done\"}");
        double lag = value("calendly_webhook_processing_lag_seconds_count");

        sandbox.book(BookingRequest.of(intro, "Mia Metrics", "mia@example.com",
                sandbox.clock().instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS)));
        sandbox.awaitDeliveries(1, Duration.ofSeconds(20));
        eventually("the delivery processed")
                .until(() -> value("calendly_webhook_processed_total{result=\"done\"}") >= done + 1);

        assertEquals(accepted + 1, value("calendly_webhook_deliveries_total{outcome=\"accepted\",reason=\"none\"}"));
        assertEquals(done + 1, value("calendly_webhook_processed_total{result=\"done\"}"));
        assertEquals(lag + 1, value("calendly_webhook_processing_lag_seconds_count"));
    }

    private static String poolName() {
        return ((com.zaxxer.hikari.HikariDataSource) db.dataSource()).getPoolName();
    }

    /** A sample's value, 0 while the series does not exist yet (counters with tags appear at their first use). */
    private static double value(String series) throws Exception {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics(OPERATOR_TOKEN).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static HttpResponse<String> metrics(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String json, String bearer) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
