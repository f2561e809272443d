package io.calbridge.calendly.internal.oauth;

import io.calbridge.testing.Http;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.ClientCredentials;
import io.calbridge.calendly.internal.client.ClientOptions;
import io.calbridge.calendly.internal.client.Credential;
import io.calbridge.calendly.internal.client.RecordingSleeper;
import io.calbridge.calendly.internal.cluster.CacheInvalidation;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * One test's world: a sandbox Calendly, a host HTTP server with the plugin's connect routes on a
 * free port (tenant and user come from the {@code X-Tenant}/{@code X-User} headers), and plugin
 * "nodes" on the test database. Everything shares one {@link TestClock}.
 */
final class OAuthKit implements AutoCloseable {
    /** Request attributes the kit's before-handler sets to the signed-in tenant and user. */
    static final String TENANT_ATTRIBUTE = "calbridge.tenantId";
    static final String USER_ATTRIBUTE = "calbridge.userId";

    /** The caller named by those attributes; anonymous without them. */
    static final CurrentUser FROM_REQUEST_ATTRIBUTES = ctx -> {
        Object tenant = ctx.attribute(TENANT_ATTRIBUTE);
        Object user = ctx.attribute(USER_ATTRIBUTE);
        return tenant == null || user == null ? java.util.Optional.empty()
                : java.util.Optional.of(new CurrentUser.Caller(tenant.toString(), user.toString()));
    };

    static final MasterKey MASTER_KEY = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
    static final List<String> SCOPES = List.of("users:read", "scheduled_events:read", "event_types:read",
            "organizations:read", "webhooks:read", "webhooks:write", "routing_forms:read");

    /** What a host is told about reauthorization, one line per notification. */
    record Notified(String tenantId, UUID integrationId, String reason, Instant at) {
    }

    /** A plugin instance: its own pool, keyring, caches, client and token source. */
    final class Node {
        final Db db;
        final TenantKeyring keyring;
        final RecordingSleeper sleeper = new RecordingSleeper();
        final CalendlyClient calendly;
        final Connections connections;
        final List<UUID> changed = new CopyOnWriteArrayList<>();
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        Node(DataSource dataSource, OAuthSettings settings) {
            this.db = new Db(dataSource);
            this.keyring = TenantKeyring.create(db, MASTER_KEY, List.of(), clock, null);
            this.calendly = new CalendlyClient(settings.client(), sleeper, clock);
            this.connections = Connections.create(db, keyring, keyring.accessTokens(), calendly, settings,
                    (tenant, id, reason, at) -> notified.add(new Notified(tenant, id, reason, at)),
                    FROM_REQUEST_ATTRIBUTES, changed::add, CacheInvalidation.create(db), meters, clock);
        }

        TokenSource tokens() {
            return connections.tokens();
        }

        ConnectionService service() {
            return connections.connections();
        }

        SubscriptionManager subscriptions() {
            return connections.subscriptions();
        }

        IntegrationRow row(UUID id) {
            return new IntegrationStore().find(db.dsl(), id).orElseThrow();
        }

        Secret open(UUID id, Purpose purpose, byte[] sealed) {
            return keyring.open(row(id).tenantId(), purpose, id, sealed);
        }

        /** The integration's webhook path token, opened from its sealed column (nothing stores it in clear). */
        String pathToken(UUID id) {
            return open(id, Purpose.WEBHOOK_PATH_TOKEN, row(id).webhookPathTokenEnc()).reveal();
        }

        CalendlyApi api(UUID integrationId) {
            return calendly.api(tokens().credential(integrationId));
        }
    }

    final TestClock clock = TestClock.shifted();
    final List<Notified> notified = new CopyOnWriteArrayList<>();
    final CalendlySandbox sb;
    final int port;
    final URI publicBase;
    final SandboxOrganization org;
    final SandboxUser owner;
    final SandboxApp tenantApp;
    final SandboxApp platformApp;
    final Node node;
    private final Javalin app;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ClientOptions clientOptions;
    final URI settingsPage;

    private OAuthKit(DataSource dataSource, Consumer<SandboxOptions> sandbox, Plan plan, Role role,
                     ClientOptionsTweak tweak, String settingsPagePath) {
        port = Ports.free();
        publicBase = URI.create("http://127.0.0.1:" + port);
        settingsPage = settingsPagePath == null ? null : URI.create(publicBase + settingsPagePath);
        SandboxOptions options = SandboxOptions.defaults().autoApprove(true).clock(clock);
        sandbox.accept(options);
        sb = CalendlySandbox.start(options);
        org = sb.createOrganization("Acme", plan);
        owner = sb.createUser(org, "Ada Host", "ada@example.com", role, "Europe/Warsaw");
        URI redirect = URI.create(publicBase + "/settings/calendly/callback");
        tenantApp = sb.createOAuthApp("Tenant CRM app", List.of(redirect.toString()));
        platformApp = sb.createOAuthApp("Platform app", List.of(redirect.toString()));
        clientOptions = tweak.apply(new ClientOptions(URI.create(sb.baseUrl()), URI.create(sb.baseUrl()),
                Duration.ofSeconds(2), Duration.ofSeconds(10), 5, Duration.ofMinutes(5)));
        node = newNode(dataSource);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = port;
            cfg.routes.before(ctx -> {
                String tenant = ctx.header("X-Tenant");
                String user = ctx.header("X-User");
                if (tenant != null && user != null) {
                    ctx.attribute(TENANT_ATTRIBUTE, tenant);
                    ctx.attribute(USER_ATTRIBUTE, user);
                }
            });
            node.connections.registerRoutes(cfg.routes);
        }).start();
    }

    @FunctionalInterface
    interface ClientOptionsTweak {
        ClientOptions apply(ClientOptions defaults);
    }

    static OAuthKit start(DataSource dataSource) {
        return new OAuthKit(dataSource, o -> { }, Plan.STANDARD, Role.OWNER, o -> o, null);
    }

    /** Browsers are sent to {@code settingsPagePath} after connect, callback and disconnect. */
    static OAuthKit startWithSettingsPage(DataSource dataSource, Consumer<SandboxOptions> sandbox,
                                          String settingsPagePath) {
        return new OAuthKit(dataSource, sandbox, Plan.STANDARD, Role.OWNER, o -> o, settingsPagePath);
    }

    static OAuthKit start(DataSource dataSource, Consumer<SandboxOptions> sandbox, Plan plan, Role role) {
        return new OAuthKit(dataSource, sandbox, plan, role, o -> o, null);
    }

    static OAuthKit start(DataSource dataSource, ClientOptionsTweak tweak) {
        return new OAuthKit(dataSource, o -> { }, Plan.STANDARD, Role.OWNER, tweak, null);
    }

    OAuthSettings settings() {
        return new OAuthSettings(publicBase, "", new ClientCredentials(platformApp.clientId(),
                Secret.of(platformApp.clientSecret())), null, SCOPES, settingsPage, Duration.ofMinutes(5),
                Duration.ofMinutes(15), clientOptions);
    }

    Node newNode(DataSource dataSource) {
        return new Node(dataSource, settings());
    }

    @Override
    public void close() {
        app.stop();
        sb.close();
    }

    // --- the browser and the settings page --------------------------------------------------------

    HttpResponse<String> post(String path, String tenant, String user, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(publicBase + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "{}" : json));
        return send(who(b, tenant, user));
    }

    HttpResponse<String> postForm(String path, String tenant, String user, String form) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(publicBase + path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        return send(who(b, tenant, user));
    }

    /** A plain form post (no tenant headers), e.g. the sandbox's consent form. */
    HttpResponse<String> postTo(URI url, String form) {
        return send(HttpRequest.newBuilder(url).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    HttpResponse<String> get(URI url, String tenant, String user, boolean json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Accept", json ? "application/json" : "text/html").GET();
        return send(who(b, tenant, user));
    }

    /** POST connect (JSON), then Calendly's consent as {@code loginAs}; returns the callback URL Calendly redirects to. */
    URI authorize(String tenant, String user, String connectJson, SandboxUser loginAs) {
        HttpResponse<String> connect = post("/settings/calendly/connect", tenant, user, connectJson);
        assertEquals(200, connect.statusCode(), connect.body());
        String authorizeUrl = json(connect).get("authorize_url").asText();
        HttpResponse<String> consent = get(URI.create(authorizeUrl + "&login_as="
                + URLEncoder.encode(loginAs.uri(), StandardCharsets.UTF_8)), null, null, false);
        assertEquals(302, consent.statusCode(), "the sandbox auto-approves: " + consent.body());
        return URI.create(consent.headers().firstValue("Location").orElseThrow());
    }

    /** A whole OAuth connect as the browser does it; returns the callback's JSON answer. */
    JsonNode connectOAuth(String tenant, String user, String connectJson, SandboxUser loginAs) {
        URI callback = authorize(tenant, user, connectJson, loginAs);
        HttpResponse<String> r = get(callback, tenant, user, true);
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    String tenantAppJson() {
        return "{\"mode\":\"tenant_app\",\"client_id\":\"" + tenantApp.clientId() + "\",\"client_secret\":\""
                + tenantApp.clientSecret() + "\"}";
    }

    static String patJson(String token) {
        return "{\"mode\":\"personal_token\",\"personal_token\":\"" + token + "\"}";
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** A call to the sandbox with a bare token: 200 when the token works. */
    int usersMeStatus(Secret token) {
        try {
            node.calendly.api(Credential.fixed(token)).me();
            return 200;
        } catch (io.calbridge.calendly.internal.client.CalendlyApiException e) {
            return e.status();
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static HttpRequest.Builder who(HttpRequest.Builder b, String tenant, String user) {
        if (tenant != null) {
            b.header("X-Tenant", tenant);
        }
        if (user != null) {
            b.header("X-User", user);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        return Http.send(http, b.timeout(Duration.ofSeconds(30)).build());
    }

}
