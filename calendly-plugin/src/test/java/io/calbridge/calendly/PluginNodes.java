package io.calbridge.calendly;

import io.calbridge.testing.Http;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.internal.Wiring;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A small cluster for tests: one sandbox Calendly and plugin nodes (each a Javalin app with the whole
 * {@link CalendlyPlugin}, its own pool, caches and worker) on one test database, all with the same
 * public URL, as behind a load balancer. That URL is the first node's, so Calendly's deliveries land
 * there; any node answers settings requests. The caller is the tenant and user named by the
 * {@code X-Tenant} and {@code X-User} headers, a tenant admin.
 */
final class PluginNodes implements AutoCloseable {
    static final MasterKey MASTER_KEY = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());

    /** One plugin node. */
    final class Node {
        final Javalin app;
        final CalendlyPlugin plugin;
        final HikariDataSource pool;
        final String base;

        Node(int port, Consumer<CalendlyConfig> tweak) {
            this.pool = db.newPool(8);
            this.base = "http://127.0.0.1:" + port;
            this.plugin = new CalendlyPlugin(c -> {
                c.publicBaseUrl = publicBase;
                c.dataSource = pool;
                c.security = TestSecurity.FROM_ATTRIBUTES;
                c.host = host.asServices();
                c.masterKey = MASTER_KEY;
                c.calendlyApiBaseUrl = sb.baseUrl();
                c.calendlyAuthBaseUrl = sb.baseUrl();
                c.platformClientId = platformApp.clientId();
                c.platformClientSecret = platformApp.clientSecret();
                c.subscriptionCheckInterval = Duration.ZERO;
                c.workerThreads = 1;
                c.webhookPollInterval = Duration.ofMillis(200);
                tweak.accept(c);
            });
            this.app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.jetty.host = "127.0.0.1";
                config.jetty.port = port;
                config.routes.before(ctx -> {
                    String tenant = ctx.header("X-Tenant");
                    String user = ctx.header("X-User");
                    if (tenant != null && user != null) {
                        ctx.attribute("calbridge.tenantId", tenant);
                        ctx.attribute("calbridge.userId", user);
                    }
                });
                config.registerPlugin(plugin);
            }).start();
        }

        CalendlyOperations operations() {
            return app.unsafe.appDataManager.get(CalendlyPlugin.OPERATIONS);
        }

        Wiring wiring() {
            return plugin.wiring();
        }

        HttpResponse<String> get(String tenant, String path) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), tenant);
        }

        HttpResponse<String> post(String tenant, String path, String json) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)), tenant);
        }

        HttpResponse<String> put(String tenant, String path, String json) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(json)), tenant);
        }

        /** Connects {@code tenant} in an OAuth mode: connect, Calendly's consent as {@code loginAs}, callback. */
        UUID connectOAuth(String tenant, String connectJson, SandboxUser loginAs) {
            HttpResponse<String> start = post(tenant, "/settings/calendly/connect", connectJson);
            assertEquals(200, start.statusCode(), start.body());
            String authorize = json(start).get("authorize_url").asText();
            HttpResponse<String> consent = send(HttpRequest.newBuilder(URI.create(authorize + "&login_as="
                    + URLEncoder.encode(loginAs.uri(), StandardCharsets.UTF_8))).GET(), null);
            assertEquals(302, consent.statusCode(), "the sandbox approves at once: " + consent.body());
            HttpResponse<String> callback = send(HttpRequest.newBuilder(
                    URI.create(consent.headers().firstValue("Location").orElseThrow())).GET(), tenant);
            assertEquals(200, callback.statusCode(), callback.body());
            return UUID.fromString(json(callback).get("integration_id").asText());
        }

        /** Delivers a recorded Calendly request again, byte for byte, to this node. */
        HttpResponse<String> redeliver(String path, String signatureHeader, byte[] body) {
            return send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .header("Calendly-Webhook-Signature", signatureHeader)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)), null);
        }
    }

    final TestDatabase db;
    final CalendlySandbox sb;
    final SandboxOrganization org;
    final SandboxUser ada;
    final SandboxApp platformApp;
    final TestHost host = new TestHost();
    final String publicBase;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code nodes} ports are reserved now; the first is the public URL every subscription points at. */
    PluginNodes(TestDatabase db, int nodes, Consumer<SandboxOptions> sandbox) {
        this.db = db;
        for (int i = 0; i < nodes; i++) {
            ports.add(Ports.free());
        }
        this.publicBase = "http://127.0.0.1:" + ports.get(0);
        SandboxOptions options = SandboxOptions.defaults().autoApprove(true).clock(Clock.systemUTC());
        sandbox.accept(options);
        this.sb = CalendlySandbox.start(options);
        this.org = sb.createOrganization("Acme", Plan.STANDARD);
        this.ada = sb.createUser(org, "Ada Host", "ada@example.com", Role.OWNER, "UTC");
        this.platformApp = sb.createOAuthApp("Platform app", List.of(publicBase + "/settings/calendly/callback"));
    }

    /** Starts node {@code i} (0 is the one Calendly delivers to). */
    Node start(int i, Consumer<CalendlyConfig> tweak) {
        Node node = new Node(ports.get(i), tweak);
        nodes.add(node);
        return node;
    }

    Node start(int i) {
        return start(i, c -> { });
    }

    /** The {@code i}-th started node. */
    Node node(int i) {
        return nodes.get(i);
    }

    /** A tenant app registered in the sandbox with this cluster's redirect URI. */
    SandboxApp tenantApp(String name) {
        return sb.createOAuthApp(name, List.of(publicBase + "/settings/calendly/callback"));
    }

    static String platformJson() {
        return "{\"mode\":\"platform_app\"}";
    }

    static String tenantAppJson(SandboxApp app, String signingKey) {
        return "{\"mode\":\"tenant_app\",\"client_id\":\"" + app.clientId() + "\",\"client_secret\":\""
                + app.clientSecret() + "\"" + (signingKey == null ? "" : ",\"webhook_signing_key\":\"" + signingKey + "\"")
                + "}";
    }

    HttpResponse<String> send(HttpRequest.Builder b, String tenant) {
        b.header("Accept", "application/json").timeout(Duration.ofSeconds(20));
        if (tenant != null) {
            b.header("X-Tenant", tenant).header("X-User", "admin-of-" + tenant);
        }
        return Http.send(http, b.build());
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            node.app.stop();
            node.pool.close();
        }
        sb.close();
    }

}
