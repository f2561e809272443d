package io.calbridge.host.crm;

import io.calbridge.testing.Http;
import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;
import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.sandbox.CalendlySignatures;
import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.HostHttp;
import io.calbridge.host.TestKeys;
import io.calbridge.host.security.PasswordHasher;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.OAuthAppSpec;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * tenant-host with the plugin as {@code Main} runs it, and the Calendly sandbox as Calendly, for
 * tests that follow bookings into tenant-host's tables. Each {@link #tenant} connects through the
 * settings API (the operator's platform app, OAuth over real HTTP, so the plugin subscribes its own
 * webhook URL), gets its booking settings through that API, and is sent Calendly deliveries signed
 * with the platform app's key at that URL ({@link #deliver}): signature check, inbox, worker, booking
 * engine, tenant-host's tables. The plugin is seen through its API only: the settings routes, the
 * webhook log and the privacy export.
 */
final class Harness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The tenants' admin, also one of {@link TestTenant#MEMBERS}: the default owner of the standard settings. */
    static final String ADMIN = "owner@tenant.example";
    private static final String PASSWORD = "admin-password";
    private static final String ROOT = "/settings/calendly";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();
    private static final String PASSWORD_HASH = new PasswordHasher(DemoTenants.TEST_ITERATIONS).hash(PASSWORD);

    final DataSource dataSource;
    private final UnaryOperator<HostServices> host;
    private final CalendlySandbox sandbox;
    private final SandboxApp platform;
    private final List<HostApp> nodes = new ArrayList<>();
    private final String base;

    private Harness(DataSource dataSource, UnaryOperator<HostServices> host) {
        this.dataSource = dataSource;
        this.host = host;
        this.sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true));
        try {
            this.base = "http://127.0.0.1:" + Ports.free();
            this.platform = sandbox.createOAuthApp(OAuthAppSpec.of("tenant-host", List.of(base + ROOT + "/callback")));
            startNode(base);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** tenant-host with tenant-host's own CRM as the plugin's host. */
    static Harness start(DataSource dataSource) {
        return new Harness(dataSource, UnaryOperator.identity());
    }

    /** tenant-host whose CRM, as the plugin sees it ({@code CalendlyConfig.host}), {@code host} changes. */
    static Harness start(DataSource dataSource, UnaryOperator<HostServices> host) {
        return new Harness(dataSource, host);
    }

    /**
     * One more node of the same installation (database, master key, platform app) at a port of its
     * own; answers its base URL. Every node's worker processes deliveries any node received.
     */
    String startNode() {
        String url = "http://127.0.0.1:" + Ports.free();
        startNode(url);
        return url;
    }

    private void startNode(String url) {
        int port = URI.create(url).getPort();
        nodes.add(new HostApp(dataSource, DemoTenants.settings(url), TestKeys.MASTER, "test", plugin -> {
            plugin.calendlyApiBaseUrl = sandbox.baseUrl();
            plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
            plugin.platformClientId = platform.clientId();
            plugin.platformClientSecret = platform.clientSecret();
            plugin.platformSigningKey = platform.signingKey();
            plugin.host = host.apply(plugin.host);
            plugin.subscriptionCheckInterval = Duration.ZERO;
            plugin.syncPollInterval = Duration.ZERO; // no import after connect: the tests deliver every booking
            // A failed attempt (a host that threw, a deadlock between two nodes) is tried again soon.
            plugin.webhookRetryBaseDelay = Duration.ofMillis(100);
            plugin.webhookRetryMaxDelay = Duration.ofMillis(500);
        }, (config, security) -> {
        }).start(port));
    }

    /** A tenant with the {@link #standardSettings}, connected. */
    TestTenant tenant(String zone) {
        TestTenant t = connect(TestTenant.create(dataSource, zone));
        settings(t, standardSettings(t));
        return t;
    }

    /**
     * Status "booked", lists Newsletter and Leads, tags calendly and booked, default owner
     * owner@tenant.example, the Calendly host owns when on the team; cancel: tag canceled, status
     * canceled; no-show: tag no-show, status no_show, complete the task, create a follow-up an hour
     * after the no-show was marked; reschedule: tag rescheduled. As the settings API takes them.
     */
    static ObjectNode standardSettings(TestTenant t) {
        ObjectNode s = JSON.createObjectNode();
        s.put("create_contacts", true).put("contact_status", "booked").put("default_owner_id", t.user(ADMIN))
                .put("assign_calendly_host", true);
        s.set("list_ids", ids(t.list("Newsletter"), t.list("Leads")));
        s.set("tag_ids", ids(t.tag("calendly"), t.tag("booked")));
        s.putNull("task");
        s.putObject("on_cancel").put("status", "canceled").put("cancel_task", true).set("tag_ids", ids(t.tag("canceled")));
        ObjectNode noShow = s.putObject("on_no_show").put("status", "no_show").put("complete_task", true)
                .put("create_task", true).put("task_due_offset_minutes", 60);
        noShow.set("tag_ids", ids(t.tag("no-show")));
        s.putObject("on_reschedule").put("move_task", true).set("tag_ids", ids(t.tag("rescheduled")));
        s.putNull("routing_forms");
        return s;
    }

    static ArrayNode ids(String... ids) {
        ArrayNode a = JSON.createArrayNode();
        for (String id : ids) {
            a.add(id);
        }
        return a;
    }

    /** Changes the tenant's booking settings through the settings API (PUT merges). */
    JsonNode settings(TestTenant t, JsonNode change) {
        return read(ok(call(t, "PUT", ROOT + "/" + t.integration.id() + "/settings", change.toString())));
    }

    /** Creates or replaces the mapping of an event type through the settings API. */
    JsonNode mapping(TestTenant t, String eventTypeUri, String eventTypeName, JsonNode rules) {
        ObjectNode body = JSON.createObjectNode().put("event_type_uri", eventTypeUri).put("event_type_name", eventTypeName);
        body.set("rules", rules);
        HttpResponse<String> r = call(t, "PUT", ROOT + "/" + t.integration.id() + "/mappings", body.toString());
        assertEquals(201, r.statusCode(), r.body());
        return read(r.body());
    }

    /**
     * Connects the tenant as its admin would: the platform app, Calendly's consent as a Calendly
     * account of its own (approved at once by the sandbox), the callback. The webhook URL is read
     * back from Calendly's API, as the plugin subscribed it.
     */
    private TestTenant connect(TestTenant t) {
        DSLContext dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        dsl.update(APP_USER).set(APP_USER.PASSWORD_HASH, PASSWORD_HASH)
                .where(APP_USER.EMAIL.eq(ADMIN)).execute();
        dsl.update(TENANT_MEMBER).set(TENANT_MEMBER.ROLE, "ADMIN")
                .where(TENANT_MEMBER.TENANT_ID.eq(t.id)).and(TENANT_MEMBER.USER_ID.eq(java.util.UUID.fromString(t.user(ADMIN))))
                .execute();
        String token = read(ok(send("POST", base + "/api/token", "{\"email\":\"" + ADMIN + "\",\"password\":\"" + PASSWORD
                + "\",\"tenant_id\":\"" + t.tenantId + "\"}", null))).get("access_token").asText();

        int n = ACCOUNTS.incrementAndGet();
        SandboxOrganization org = sandbox.createOrganization("Calendly of tenant " + n, Plan.STANDARD);
        SandboxUser owner = sandbox.createUser(org, "Calendly Owner " + n, "calendly-owner-" + n + "@host.test", Role.OWNER, "UTC");
        String authorize = read(ok(send("POST", base + ROOT + "/connect", "{\"mode\":\"platform_app\"}", token)))
                .get("authorize_url").asText();
        HttpResponse<String> consent = send("GET", authorize + "&login_as=" + URLEncoder.encode(owner.uri(), StandardCharsets.UTF_8),
                null, null);
        assertEquals(302, consent.statusCode(), consent.body());
        String callback = consent.headers().firstValue("Location").orElseThrow();
        String integrationId = read(ok(send("GET", callback, null, token))).get("integration_id").asText();

        String pat = sandbox.createPersonalAccessToken(owner);
        JsonNode subscriptions = read(ok(send("GET", sandbox.baseUrl() + "/webhook_subscriptions?scope=organization&organization="
                + URLEncoder.encode(org.uri(), StandardCharsets.UTF_8), null, pat))).get("collection");
        assertEquals(1, subscriptions.size(), subscriptions.toString());
        String webhookUrl = subscriptions.get(0).get("callback_url").asText();
        assertTrue(webhookUrl.startsWith(base + "/api/webhooks/calendly/"), webhookUrl);
        return t.connected(new TestTenant.Integration(integrationId, token, webhookUrl));
    }

    // ---- deliveries ------------------------------------------------------------------------------

    /**
     * What the webhook log shows of one delivery once the worker is through with it: {@code DONE},
     * {@code IGNORED}, {@code DEAD} (with the reason in {@code lastError}), or {@code PENDING} after a
     * failed attempt (a retry is due).
     */
    record Outcome(long inboxId, String status, int attempts, String lastError) {
    }

    Outcome fixture(TestTenant t, String name) {
        return deliver(t, CalendlyFixtures.webhook(name));
    }

    /**
     * Calendly delivers {@code body} (signed now, with the platform app's key) to the tenant's webhook
     * URL; answers once the worker processed it. A body delivered before is stored once (the inbox
     * deduplicates), so it is processed again as a replay through the settings API, which is what
     * a repeated delivery would have cost the booking engine.
     */
    Outcome deliver(TestTenant t, byte[] body) {
        return deliver(t, body, t.integration.webhookUrl());
    }

    /** As {@link #deliver(TestTenant, byte[])}, received by the node at {@code nodeBase}. */
    Outcome deliver(TestTenant t, byte[] body, String nodeBase) {
        long id = receive(t, body, nodeBase);
        return awaitProcessed(t, id);
    }

    /** Delivers without waiting for the worker; answers the delivery's inbox id. */
    long receive(TestTenant t, byte[] body, String nodeBase) {
        String key = sha256(body);
        HttpResponse<String> r = post(t, body, nodeBase);
        assertEquals(200, r.statusCode(), r.body());
        synchronized (t.inbox) {
            if (r.body().contains("\"duplicate\"")) {
                Long earlier = t.inbox.get(key);
                if (earlier == null) {
                    throw new AssertionError("the inbox holds another delivery of the same event: " + new String(body,
                            StandardCharsets.UTF_8));
                }
                replay(t, earlier);
                return earlier;
            }
            long id = webhookLog(t, "size=1").get(0).get("id").asLong();
            t.inbox.put(key, id);
            return id;
        }
    }

    /**
     * Calendly delivers {@code body} to the node at {@code nodeBase} (the webhook URL's path there),
     * with no bookkeeping: a repeated delivery is left as the duplicate the inbox makes of it.
     */
    HttpResponse<String> post(TestTenant t, byte[] body, String nodeBase) {
        String url = nodeBase.equals(t.integration.webhookUrl()) ? nodeBase
                : nodeBase + URI.create(t.integration.webhookUrl()).getRawPath();
        return signed(url, body);
    }

    /** Processes a stored delivery again, as an admin would from the webhook log. */
    void replay(TestTenant t, long inboxId) {
        eventually("delivery " + inboxId + " replayable").until(() -> {
            HttpResponse<String> r = call(t, "POST", ROOT + "/" + t.integration.id() + "/webhooks/" + inboxId + "/replay", "{}");
            if (r.statusCode() == 409) {
                return false; // being processed right now
            }
            ok(r);
            return true;
        });
    }

    /** Waits until the worker is through with the delivery (done, ignored, dead, or waiting for a retry). */
    Outcome awaitProcessed(TestTenant t, long inboxId) {
        return eventually("delivery " + inboxId + " processed").pollInterval(Duration.ofMillis(10))
                .until(() -> outcome(logged(t, inboxId)),
                        o -> !o.status().equals("PROCESSING") && !(o.status().equals("PENDING") && o.attempts() == 0));
    }

    /** The delivery's line of the webhook log, as the settings API shows it to the tenant's admin. */
    private JsonNode logged(TestTenant t, long inboxId) {
        return read(ok(call(t, "GET", ROOT + "/" + t.integration.id() + "/webhooks/" + inboxId, null)));
    }

    /** Waits until every delivery of the tenant was processed: done, ignored or dead. */
    void awaitAllProcessed(TestTenant t) {
        eventually("every delivery processed").until(() -> webhookLog(t, "status=PENDING").isEmpty()
                && webhookLog(t, "status=PROCESSING").isEmpty());
    }

    private static Outcome outcome(JsonNode item) {
        return new Outcome(item.get("id").asLong(), item.get("status").asText(), item.get("attempts").asInt(),
                item.get("last_error").isNull() ? null : item.get("last_error").asText());
    }

    /** The integration's webhook log as the settings API shows it to the tenant's admin. */
    JsonNode webhookLog(TestTenant t, String query) {
        return read(ok(call(t, "GET", ROOT + "/" + t.integration.id() + "/webhooks?" + query, null))).get("items");
    }

    /**
     * The plugin's booking rows of one person, as the privacy export hands them to the tenant's admin:
     * invitee URI, status, no-show, cancel reason, canceled by, the contact and task ids, the payload.
     */
    List<JsonNode> bookings(TestTenant t, String email) {
        JsonNode export = read(ok(call(t, "POST", ROOT + "/privacy/exports",
                JSON.createObjectNode().put("email", email).toString())));
        List<JsonNode> rows = new ArrayList<>();
        export.get("bookings").forEach(rows::add);
        rows.sort(java.util.Comparator.comparing(b -> b.get("invitee_uri").asText()));
        return rows;
    }

    /** The booking row of one invitee of that person. */
    JsonNode booking(TestTenant t, String email, String inviteeUri) {
        return bookings(t, email).stream().filter(b -> b.get("invitee_uri").asText().equals(inviteeUri)).findFirst()
                .orElseThrow(() -> new AssertionError("no booking of " + email + " for " + inviteeUri));
    }

    CrmView view(TestTenant t) {
        return new CrmView(dataSource, t);
    }

    /**
     * Everything a person could see in the CRM, and the plugin's booking rows of every contact, without
     * ids and processing times: two tenants that got the same bookings in different orders compare equal.
     */
    List<String> snapshot(TestTenant t) {
        CrmView v = view(t);
        List<String> out = new ArrayList<>(v.snapshot());
        for (CrmView.ContactRow c : v.contacts()) {
            bookings(t, c.email()).forEach(b -> out.add(booked(b)));
        }
        return out;
    }

    /**
     * {@link #snapshot(TestTenant)} of one person's lines only (the lines that name the e-mail or
     * one of {@code aliases}' keys), with each alias key replaced by its value, sorted: the same story
     * told about two people (their e-mails and invitee URIs as aliases) compares equal.
     */
    List<String> snapshot(TestTenant t, String email, java.util.Map<String, String> aliases) {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>(aliases);
        names.put(email, "<email>");
        List<String> lines = new ArrayList<>();
        for (String line : view(t).snapshot()) {
            if (names.keySet().stream().anyMatch(line::contains)) {
                lines.add(line);
            }
        }
        bookings(t, email).forEach(b -> lines.add(booked(b)));
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            for (var name : names.entrySet()) {
                line = line.replace(name.getKey(), name.getValue());
            }
            // A chain's members are listed by URI; under their aliases, by alias.
            out.add(java.util.regex.Pattern.compile("chain=\\[(.*?)]").matcher(line).replaceAll(m -> "chain="
                    + java.util.Arrays.stream(m.group(1).split(", ")).sorted().toList()));
        }
        out.sort(null);
        return out;
    }

    private static String booked(JsonNode b) {
        return "booked " + b.get("invitee_uri").asText() + "|" + b.get("status").asText() + "|" + b.get("no_show")
                + "|" + b.get("payload").isNull() + "|" + b.get("cancel_reason") + "|" + b.get("canceled_by");
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    private HttpResponse<String> signed(String url, byte[] body) {
        return Http.send(HTTP, HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Calendly-Webhook-Signature", CalendlySignatures.header(platform.signingKey(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A call of the tenant's admin to tenant-host. */
    HttpResponse<String> call(TestTenant t, String method, String path, String json) {
        return send(method, base + path, json, t.integration.adminToken());
    }

    private static HttpResponse<String> send(String method, String url, String json, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HostHttp.send(b, bearer);
    }

    private static String ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.request().method() + " " + r.uri().getPath() + ": " + r.body());
        return r.body();
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (HostApp node : nodes) {
            node.stop();
        }
        sandbox.close();
    }
}
