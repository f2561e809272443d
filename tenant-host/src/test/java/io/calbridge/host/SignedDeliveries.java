package io.calbridge.host;

import io.calbridge.testing.Http;
import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.CalendlyConfig;
import io.calbridge.calendly.MasterKey;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.host.demo.DemoData;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.sandbox.CalendlySignatures;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * tenant-host with the plugin, connected to the Calendly sandbox in {@code tenant_app} mode with the
 * app's own webhook signing key, so a test can sign any body it likes as Calendly would and post it to
 * the integration's real webhook URL: signature check, inbox, worker, booking engine, tenant-host's
 * tables. Acme is connected so; {@link #connect} connects more tenants the same way. The plugin's
 * master key and configuration may be the test's. Everything about the plugin is seen through its
 * HTTP API, so what stays in the database is what a run of tenant-host leaves there.
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
    /** Acme's connection: its admin, its integration, its webhook URL and signing key. */
    final Connection acme;

    /**
     * A tenant connected to a Calendly organisation of its own: its admin's bearer token, its
     * integration, and what Calendly knows of it (the webhook URL and the key deliveries are signed with).
     */
    record Connection(String adminToken, String integrationId, String webhookUrl, String signingKey) {
        /** {@code body} signed with the integration's key as Calendly signs it, to post to its webhook URL. */
        HttpRequest delivery(byte[] body) {
            return HttpRequest.newBuilder(URI.create(webhookUrl))
                    .header("Content-Type", "application/json")
                    .header("Calendly-Webhook-Signature", CalendlySignatures.header(signingKey, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        }
    }

    SignedDeliveries(TestDatabase db) throws Exception {
        this(db.dataSource(), TestKeys.MASTER, plugin -> {
        });
    }

    /**
     * @param dataSource a database with tenant-host's schema
     * @param masterKey  the plugin's master key: Acme's secrets are stored sealed under it
     * @param tuning     adjusts the plugin's configuration after the sandbox's URLs are set
     */
    SignedDeliveries(DataSource dataSource, MasterKey masterKey, Consumer<CalendlyConfig> tuning) throws Exception {
        demo = new DemoTenants(dataSource);
        sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true));
        try {
            int port = Ports.free();
            base = "http://127.0.0.1:" + port;
            app = new HostApp(dataSource, DemoTenants.settings(base), masterKey, "test", plugin -> {
                plugin.calendlyApiBaseUrl = sandbox.baseUrl();
                plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
                plugin.webhookPollInterval = Duration.ofMillis(100);
                tuning.accept(plugin);
            }, (config, security) -> {
            }).start(port);
            acme = connect("admin@acme.test", "ada@acme.test", "first.booker@example.com");
            adminToken = acme.adminToken();
            integrationId = acme.integrationId();
            webhookUrl = acme.webhookUrl();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * Connects the tenant whose admin is {@code adminEmail} (password {@link DemoData#PASSWORD}) to a
     * new Calendly organisation owned by {@code calendlyOwner}, in {@code tenant_app} mode with an OAuth
     * app of its own and that app's signing key, and learns the integration's webhook URL as Calendly
     * does: from the delivery of a real booking by {@code firstBooker}.
     */
    Connection connect(String adminEmail, String calendlyOwner, String firstBooker) throws Exception {
        String domain = calendlyOwner.substring(calendlyOwner.indexOf('@') + 1);
        var org = sandbox.createOrganization(domain + " on Calendly", Plan.STANDARD);
        SandboxUser owner = sandbox.createUser(org, "Owner of " + domain, calendlyOwner, Role.OWNER, "Europe/Warsaw");
        SandboxEventType intro = sandbox.createEventType(owner, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        String token = JSON.readTree(send(postJson("/api/token", "{\"email\":\"" + adminEmail + "\",\"password\":\""
                + DemoData.PASSWORD + "\"}"), null).body()).get("access_token").asText();
        SandboxApp tenantApp = sandbox.createOAuthApp(domain + "'s own app", List.of(base + "/settings/calendly/callback"));
        HttpResponse<String> started = send(postJson("/settings/calendly/connect", "{\"mode\":\"tenant_app\",\"client_id\":\""
                + tenantApp.clientId() + "\",\"client_secret\":\"" + tenantApp.clientSecret()
                + "\",\"webhook_signing_key\":\"" + tenantApp.signingKey() + "\"}"), token);
        assertEquals(200, started.statusCode(), started.body());
        String authorize = JSON.readTree(started.body()).get("authorize_url").asText();
        HttpResponse<String> consent = HTTP.send(HttpRequest.newBuilder(URI.create(authorize + "&login_as="
                + java.net.URLEncoder.encode(owner.uri(), StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, consent.statusCode(), consent.body());
        String callbackPath = consent.headers().firstValue("Location").orElseThrow().substring(base.length());
        HttpResponse<String> callback = send(HttpRequest.newBuilder(URI.create(base + callbackPath)).GET(), token);
        assertEquals(200, callback.statusCode(), callback.body());
        String integration = JSON.readTree(callback.body()).get("integration_id").asText();
        sandbox.book(BookingRequest.of(intro, "First Booker", firstBooker, Instant.now().plus(Duration.ofDays(2))));
        String url = sandbox.awaitAttempts(a -> a.delivered() && a.bodyString().contains(firstBooker), 1, Duration.ofSeconds(20))
                .get(0).url();
        assertTrue(url.startsWith(base + "/api/webhooks/calendly/"), url);
        return new Connection(token, integration, url, tenantApp.signingKey());
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
        return Http.send(HTTP, acme.delivery(body));
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
        return webhookLog(acme, "size=100&" + query).get("items");
    }

    /** One page of a tenant's webhook log as the settings API shows it to the tenant's admin. */
    JsonNode webhookLog(Connection tenant, String query) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/settings/calendly/" + tenant.integrationId()
                + "/webhooks?" + query)).GET(), tenant.adminToken());
        assertEquals(200, r.statusCode(), r.body());
        try {
            return JSON.readTree(r.body());
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
                .PUT(HttpRequest.BodyPublishers.ofString(json)), adminToken);
    }

    HttpResponse<String> post(String path, String json) {
        return send(postJson(path, json), adminToken);
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), adminToken);
    }

    private HttpRequest.Builder postJson(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpResponse<String> send(HttpRequest.Builder b, String bearer) {
        return HostHttp.send(b, bearer);
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
