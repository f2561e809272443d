package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jooq.DSLContext;

/**
 * tenant-host with the plugin, connected to the Calendly sandbox in {@code tenant_app} mode with the
 * app's own webhook signing key, so a test can sign any body it likes as Calendly would and post it to
 * the integration's real webhook URL: signature check, inbox, worker, booking engine, tenant-host's
 * tables. Everything about the plugin is seen through its HTTP API.
 */
final class SignedDeliveries implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    final CalendlySandbox sandbox;
    final HostApp app;
    final DemoTenants demo;
    final String base;
    final String adminToken;
    final String integrationId;
    final String webhookUrl;
    private final String signingKey;

    SignedDeliveries(TestDatabase db) throws Exception {
        demo = new DemoTenants(db.dataSource());
        sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true));
        try {
            var org = sandbox.createOrganization("Acme on Calendly", Plan.STANDARD);
            SandboxUser ada = sandbox.createUser(org, "Ada Host", "ada@acme.test", Role.OWNER, "Europe/Warsaw");
            SandboxEventType intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            int port = Ports.free();
            base = "http://127.0.0.1:" + port;
            app = new HostApp(db.dataSource(), DemoTenants.settings(base), TestKeys.MASTER, "test", plugin -> {
                plugin.calendlyApiBaseUrl = sandbox.baseUrl();
                plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
                plugin.webhookPollInterval = Duration.ofMillis(100);
            }, (config, security) -> {
            }).start(port);
            adminToken = JSON.readTree(post("/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}")
                    .body()).get("access_token").asText();
            SandboxApp acmeApp = sandbox.createOAuthApp("Acme's own app", List.of(base + "/settings/calendly/callback"));
            signingKey = acmeApp.signingKey();
            HttpResponse<String> started = post("/settings/calendly/connect", "{\"mode\":\"tenant_app\",\"client_id\":\""
                    + acmeApp.clientId() + "\",\"client_secret\":\"" + acmeApp.clientSecret()
                    + "\",\"webhook_signing_key\":\"" + signingKey + "\"}");
            assertEquals(200, started.statusCode(), started.body());
            String authorize = JSON.readTree(started.body()).get("authorize_url").asText();
            HttpResponse<String> consent = HTTP.send(HttpRequest.newBuilder(URI.create(authorize + "&login_as="
                    + java.net.URLEncoder.encode(ada.uri(), StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, consent.statusCode(), consent.body());
            HttpResponse<String> callback = get(consent.headers().firstValue("Location").orElseThrow().substring(base.length()));
            assertEquals(200, callback.statusCode(), callback.body());
            integrationId = JSON.readTree(callback.body()).get("integration_id").asText();
            // The integration's webhook URL, as Calendly learnt it: from a real booking's delivery.
            sandbox.book(BookingRequest.of(intro, "First Booker", "first.booker@example.com", Instant.now().plus(Duration.ofDays(2))));
            webhookUrl = sandbox.awaitDeliveries(1, Duration.ofSeconds(20)).get(0).url();
            assertTrue(webhookUrl.startsWith(base + "/api/webhooks/calendly/"), webhookUrl);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    DSLContext dsl() {
        return demo.dsl;
    }

    /** A recorded Calendly delivery from {@code fixtures/}, as a tree to change before sending. */
    static ObjectNode fixture(String name) {
        try {
            return (ObjectNode) JSON.readTree(CalendlyFixtures.webhook(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Signs {@code body} with the app's key as Calendly does and posts it to the webhook URL. */
    HttpResponse<String> deliver(byte[] body) {
        long t = Instant.now().getEpochSecond();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            String v1 = HexFormat.of().formatHex(mac.doFinal(body));
            return HTTP.send(HttpRequest.newBuilder(URI.create(webhookUrl))
                    .header("Content-Type", "application/json")
                    .header("Calendly-Webhook-Signature", "t=" + t + ",v1=" + v1)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (GeneralSecurityException | IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> deliver(JsonNode body) {
        try {
            return deliver(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Delivers and checks that the endpoint acknowledged it. */
    void accepted(JsonNode body) {
        HttpResponse<String> r = deliver(body);
        assertEquals(200, r.statusCode(), r.body());
    }

    /** The integration's webhook log as the settings API shows it to Acme's admin. */
    JsonNode webhookLog(String query) {
        HttpResponse<String> r = get("/settings/calendly/" + integrationId + "/webhooks?size=100&" + query);
        assertEquals(200, r.statusCode(), r.body());
        try {
            return JSON.readTree(r.body()).get("items");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Nothing in progress and nothing pending that was not tried yet: a delivery waiting for a retry
     * (one test's poison) does not hold up the others.
     */
    private boolean drained() {
        // PENDING before PROCESSING: a row only moves forward, so one seen in neither is done.
        for (JsonNode item : webhookLog("status=PENDING")) {
            if (item.get("attempts").asInt() == 0) {
                return false;
            }
        }
        return webhookLog("status=PROCESSING").isEmpty();
    }

    /** Waits until the inbox has nothing in progress and nothing pending that was not tried yet. */
    void awaitDrained() {
        try {
            eventually("the inbox drained").until(this::drained);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; pending: " + webhookLog("status=PENDING"), e);
        }
    }

    HttpResponse<String> put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        b.header("Accept", "application/json");
        if (adminToken != null) {
            b.header("Authorization", "Bearer " + adminToken);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
