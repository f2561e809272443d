package io.calbridge.host.settings;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.host.HostSchema;
import io.calbridge.host.TestBrowser;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.OAuthAppSpec;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin's settings API as tenant-host serves it, with tenant-host's real login (sessions with
 * CSRF tokens, bearer tokens), its CRM as the host, and the Calendly sandbox over HTTP as Calendly.
 *
 * <p>Acme is connected twice (its own OAuth app through the consent page, and a personal token of a
 * second Calendly user that the access tests disconnect); Globex with a personal token of its own
 * Calendly organization. Every endpoint of the OpenAPI description is called anonymously (401), by
 * a member who is not an admin (403), by another tenant's admin with Acme's ids (404, exactly like a
 * missing id) and by Acme's admin (works); the CRM action routes anonymously (401), by another tenant
 * (404 for a meeting, nothing for a contact) and by a member (works: tenant-host lets members act).
 * Every body the API answers is kept, and the last test checks that none contains a secret.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SettingsApiTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROOT = "/settings/calendly";
    /** Every answer of the settings API seen by any browser of this test, for the secret check. */
    static final List<String> answers = new CopyOnWriteArrayList<>();

    static CalendlyHost host;
    static CalendlySandbox sb;
    static SandboxApp acmeApp;
    static String bobPat;
    static String carlPat;
    static TestBrowser acmeAdmin;
    static TestBrowser acmeMember;
    static TestBrowser globexAdmin;
    static TestBrowser anonymous;
    static UUID acme;          // Acme's own OAuth app, Ada's Calendly account
    static UUID acmeSpare;     // Bob's personal token; disconnected by the access tests
    static UUID globex;        // Carl's personal token
    static String introUri;
    static String strategyUri;
    static String globexEventTypeUri;
    static UUID acmeMapping;
    static UUID globexMapping;
    static long acmeDelivery;
    static long globexDelivery;
    static String pendingState; // an OAuth state Acme's admin started, for the callback checks

    @BeforeAll
    static void start() throws Exception {
        host = CalendlyHost.start(db.dataSource(), true);
        sb = host.calendly.sandbox();
        SandboxUser ada = host.calendly.owner();
        SandboxUser bob = sb.users().stream().filter(u -> u.email().equals("bob@acme.test")).findFirst().orElseThrow();
        acmeApp = sb.createOAuthApp(OAuthAppSpec.of("Acme's own app", List.of(host.base + ROOT + "/callback")).defaultUser(ada));
        SandboxOrganization globexOrg = sb.createOrganization("Globex (Calendly)", Plan.STANDARD);
        SandboxUser carl = sb.createUser(globexOrg, "Carl Globex", "carl@globex.test", Role.OWNER, "Europe/Berlin");
        SandboxEventType globexDemo = sb.createEventType(carl, "Globex demo", EventKind.SOLO, Duration.ofMinutes(30));
        globexEventTypeUri = globexDemo.uri();
        introUri = eventType("Intro call").uri();
        strategyUri = eventType("Strategy session").uri();
        bobPat = sb.createPersonalAccessToken(bob);
        carlPat = sb.createPersonalAccessToken(carl);

        acmeAdmin = browser("admin@acme.test");
        acmeMember = browser("member@acme.test");
        globexAdmin = browser("admin@globex.test");
        anonymous = new TestBrowser(host.app.port()).onResponse(SettingsApiTest::record);

        acme = connectTenantApp(acmeAdmin, acmeApp);
        acmeSpare = connectPat(acmeAdmin, bobPat);
        globex = connectPat(globexAdmin, carlPat);

        acmeMapping = UUID.fromString(body(ok(acmeAdmin.json("PUT", ROOT + "/" + acme + "/mappings",
                "{\"event_type_uri\":\"" + introUri + "\",\"event_type_name\":\"Intro call\",\"rules\":{\"tag_ids\":[\""
                        + choice(acmeAdmin, acme, "tags", 0) + "\"]}}", csrf(acmeAdmin)), 201)).get("id").asText());
        globexMapping = UUID.fromString(body(ok(globexAdmin.json("PUT", ROOT + "/" + globex + "/mappings",
                "{\"event_type_uri\":\"" + globexEventTypeUri + "\",\"rules\":{}}", csrf(globexAdmin)), 201)).get("id").asText());

        Instant start = sb.clock().instant().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        sb.book(BookingRequest.of(introUri, "Jane Roe", "jane.roe@example.com", start).timezone("America/New_York"));
        sb.book(BookingRequest.of(strategyUri, "John Poe", "john.poe@example.com", start.plus(2, ChronoUnit.HOURS)));
        sb.book(BookingRequest.of(globexEventTypeUri, "Gina Geld", "gina@example.com", start));
        acmeDelivery = awaitDone(acmeAdmin, acme, 2).get(0).get("id").asLong();
        globexDelivery = awaitDone(globexAdmin, globex, 1).get(0).get("id").asLong();

        String started = body(ok(acmeAdmin.json("POST", ROOT + "/connect", "{\"mode\":\"platform_app\"}", csrf(acmeAdmin)), 200))
                .get("authorize_url").asText();
        pendingState = query(URI.create(started), "state");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    // ---- the access matrix -----------------------------------------------------------------------

    /**
     * One call of the API. {@code path} may hold {id}, {mappingId} and {inboxId} (or {entryId}); {@code template}
     * is the path as the OpenAPI description names it.
     */
    record Call(String method, String template, String query, String body, int okStatus) {
        String path(UUID id, Object mappingId, Object inboxId) {
            return template.replace("{id}", String.valueOf(id)).replace("{mappingId}", String.valueOf(mappingId))
                    .replace("{inboxId}", String.valueOf(inboxId)).replace("{entryId}", String.valueOf(inboxId))
                    + (query == null ? "" : "?" + query);
        }

        boolean hasId() {
            return template.contains("{id}");
        }
    }

    /** Every route with an integration id, with a body that would work for Acme's admin. */
    static List<Call> idCalls() {
        String mapping = "{\"event_type_uri\":\"" + strategyUri + "\",\"rules\":{\"create_task\":false}}";
        String remap = "{\"event_type_uri\":\"" + introUri + "\",\"event_type_name\":\"Intro call\",\"rules\":{}}";
        return List.of(
                new Call("GET", ROOT + "/{id}", null, null, 200),
                new Call("GET", ROOT + "/{id}/health", null, null, 200),
                new Call("GET", ROOT + "/{id}/settings", null, null, 200),
                new Call("PUT", ROOT + "/{id}/settings", null, "{}", 200),
                new Call("GET", ROOT + "/{id}/event-types", null, null, 200),
                new Call("GET", ROOT + "/{id}/choices", null, null, 200),
                new Call("GET", ROOT + "/{id}/mappings", null, null, 200),
                new Call("PUT", ROOT + "/{id}/mappings", null, mapping, 0), // 201 or 200: another test may have mapped it
                new Call("GET", ROOT + "/{id}/mappings/{mappingId}", null, null, 200),
                new Call("PUT", ROOT + "/{id}/mappings/{mappingId}", null, remap, 200),
                new Call("DELETE", ROOT + "/{id}/mappings/{mappingId}", null, null, 204),
                new Call("GET", ROOT + "/{id}/dry-run", "limit=5", null, 200),
                new Call("GET", ROOT + "/{id}/webhooks", "page=1&size=10", null, 200),
                new Call("GET", ROOT + "/{id}/webhooks/{entryId}", null, null, 200),
                new Call("POST", ROOT + "/{id}/webhooks/{inboxId}/replay", null, null, 200),
                new Call("POST", ROOT + "/{id}/webhooks/replay-dead-letters", null, null, 200),
                new Call("GET", ROOT + "/{id}/sync", null, null, 200),
                new Call("PUT", ROOT + "/{id}/sync", null, "{\"upcoming_days\":90,\"past_days\":7}", 200),
                new Call("POST", ROOT + "/{id}/sync/check", null, null, 202),
                new Call("POST", ROOT + "/{id}/disconnect", null, null, 200));
    }

    /** The routes without an id. */
    static List<Call> otherCalls() {
        return List.of(
                new Call("GET", ROOT, null, null, 200),
                new Call("POST", ROOT + "/connect", null, "{\"mode\":\"platform_app\"}", 200),
                new Call("GET", ROOT + "/callback", "state=" + pendingState + "&code=abc", null, 200),
                new Call("GET", ROOT + "/privacy", null, null, 200),
                new Call("PUT", ROOT + "/privacy", null, "{\"after_erasure\":\"IGNORE\"}", 200),
                new Call("POST", ROOT + "/privacy/erasures", null, "{\"email\":\"nobody@example.com\"}", 200),
                new Call("POST", ROOT + "/privacy/exports", null, "{\"email\":\"nobody@example.com\"}", 200),
                new Call("GET", ROOT + "/audit", null, null, 200));
    }

    /**
     * The CRM action routes: for members too (tenant-host lets every member act), scoped by tenant
     * through the meeting or contact id rather than an integration id.
     */
    static List<Call> actionCalls() {
        return List.of(
                new Call("GET", ROOT + "/contacts/{contactId}/meetings", "refresh=true", null, 200),
                new Call("GET", ROOT + "/contacts/{contactId}/event-types", "integration_id=" + acme, null, 200),
                new Call("POST", ROOT + "/contacts/{contactId}/scheduling-links", null, "{\"event_type_uri\":\"" + introUri
                        + "\",\"integration_id\":\"" + acme + "\",\"idempotency_key\":\"settings-api-test\"}", 201),
                new Call("PUT", ROOT + "/meetings/{meetingId}/no-show", null, null, 200),
                new Call("DELETE", ROOT + "/meetings/{meetingId}/no-show", null, null, 200),
                new Call("POST", ROOT + "/meetings/{meetingId}/cancel", null, "{\"reason\":\"Settings API test\"}", 200));
    }

    static String actionPath(Call c, Object contactId, Object meetingId) {
        return c.template().replace("{contactId}", String.valueOf(contactId)).replace("{meetingId}", String.valueOf(meetingId))
                + (c.query() == null ? "" : "?" + c.query());
    }

    static List<Call> allCalls() {
        List<Call> all = new ArrayList<>(idCalls());
        all.addAll(otherCalls());
        return all;
    }

    @Test
    @Order(1)
    void theCallsBelowCoverEveryDocumentedEndpoint() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream("/io/calbridge/calendly/settings-openapi.json")) {
            doc = JSON.readTree(in);
        }
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            var path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        Set<String> covered = new TreeSet<>();
        allCalls().forEach(c -> covered.add(c.method() + " " + c.template()));
        actionCalls().forEach(c -> covered.add(c.method() + " " + c.template())); // see actionRoutes_...
        covered.add("GET " + ROOT + "/openapi.json"); // public: see openApi_isPublic

        assertEquals(documented, covered);
    }

    @Test
    @Order(2)
    void everyEndpoint_anonymous_gets401() {
        for (Call c : allCalls()) {
            HttpResponse<String> r = anonymous.json(c.method(), c.path(acme, acmeMapping, acmeDelivery), c.body(), null);

            assertEquals(401, r.statusCode(), c + " " + r.body());
            assertEquals("unauthenticated", code(r), c.toString());
        }
    }

    @Test
    @Order(3)
    void everyEndpoint_memberWhoIsNotAdmin_gets403() {
        String csrf = csrf(acmeMember);
        for (Call c : allCalls()) {
            HttpResponse<String> r = acmeMember.json(c.method(), c.path(acme, acmeMapping, acmeDelivery), c.body(), csrf);

            assertEquals(403, r.statusCode(), c + " " + r.body());
            assertEquals("forbidden", code(r), c.toString());
        }
    }

    @Test
    @Order(4)
    void everyEndpoint_adminOfAnotherTenant_getsTheSame404AsForAMissingId() {
        String csrf = csrf(globexAdmin);
        for (Call c : idCalls()) {
            HttpResponse<String> foreign = globexAdmin.json(c.method(), c.path(acme, acmeMapping, acmeDelivery), c.body(), csrf);
            HttpResponse<String> missing = globexAdmin.json(c.method(), c.path(UUID.randomUUID(), acmeMapping, acmeDelivery), c.body(), csrf);
            HttpResponse<String> malformed = globexAdmin.json(c.method(), c.path(null, acmeMapping, acmeDelivery), c.body(), csrf);

            assertEquals(404, foreign.statusCode(), c + " " + foreign.body());
            assertEquals(missing.body(), foreign.body(), c.toString());
            assertEquals(malformed.body(), foreign.body(), c.toString());
            assertEquals("{\"error\":{\"code\":\"not_found\",\"message\":\"Calendly integration not found\"}}", foreign.body());
        }
    }

    @Test
    @Order(5)
    void anotherTenantsMappingOrDelivery_underOnesOwnIntegration_is404LikeAMissingOne() {
        String csrf = csrf(globexAdmin);
        for (Call c : idCalls()) {
            if (!c.template().contains("{mappingId}") && !c.template().contains("{inboxId}")
                    && !c.template().contains("{entryId}")) {
                continue;
            }
            HttpResponse<String> foreign = globexAdmin.json(c.method(), c.path(globex, acmeMapping, acmeDelivery), c.body(), csrf);
            HttpResponse<String> missing = globexAdmin.json(c.method(), c.path(globex, UUID.randomUUID(), 999_999_999L), c.body(), csrf);

            assertEquals(404, foreign.statusCode(), c + " " + foreign.body());
            assertEquals(missing.body(), foreign.body(), c.toString());
        }
        // ...and Acme's own delivery under Acme's other integration is not that integration's either.
        HttpResponse<String> crossed = acmeAdmin.json("POST", ROOT + "/" + acmeSpare + "/webhooks/" + acmeDelivery + "/replay",
                null, csrf(acmeAdmin));
        assertEquals(404, crossed.statusCode(), crossed.body());
    }

    @Test
    @Order(6)
    void theListAndConnect_ofAnotherTenantsAdmin_onlyEverSeeTheirOwnTenant() throws Exception {
        JsonNode list = body(ok(globexAdmin.getJson(ROOT, null), 200));
        List<String> ids = new ArrayList<>();
        list.get("integrations").forEach(i -> ids.add(i.get("integration_id").asText()));

        assertEquals(List.of(globex.toString()), ids);
        // The callback with a state Acme's admin started: refused, nothing connected for either tenant.
        HttpResponse<String> callback = globexAdmin.getJson(ROOT + "/callback?state=" + pendingState + "&code=abc", null);
        assertEquals(403, callback.statusCode(), callback.body());
        assertEquals("state_wrong_tenant", code(callback));
    }

    @Test
    @Order(50)
    void everyEndpoint_rightAdmin_works() {
        String csrf = csrf(acmeAdmin);
        UUID toDelete = UUID.fromString(body(ok(acmeAdmin.json("PUT", ROOT + "/" + acme + "/mappings",
                "{\"event_type_uri\":\"" + eventType("Group workshop").uri() + "\",\"rules\":{}}", csrf), 201)).get("id").asText());
        for (Call c : allCalls()) {
            UUID id = c.template().endsWith("/disconnect") ? acmeSpare : acme;
            Object mappingId = c.method().equals("DELETE") ? toDelete : acmeMapping;
            if (c.template().equals(ROOT + "/callback")) {
                // Sandbox-approved code for a fresh authorization of Acme's own app: a real callback.
                c = new Call("GET", c.template(), freshCallbackQuery(), null, 200);
            }
            HttpResponse<String> r = acmeAdmin.json(c.method(), c.path(id, mappingId, acmeDelivery), c.body(), csrf);

            assertEquals(2, r.statusCode() / 100, c + " " + r.body());
            if (c.okStatus() != 0) {
                assertEquals(c.okStatus(), r.statusCode(), c + " " + r.body());
            }
        }
        assertEquals("DISCONNECTED", body(ok(acmeAdmin.getJson(ROOT + "/" + acmeSpare + "/health", null), 200)).get("status").asText());
    }

    @Test
    @Order(21)
    void actionRoutes_needALogin_areForMembers_andStayInTheTenant() throws Exception {
        Instant start = sb.clock().instant().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        sb.book(BookingRequest.of(introUri, "Pat Action", "pat.action@example.com", start));
        UUID contact = eventually("Pat's contact").until(() -> host.tenants.dsl.select(io.calbridge.db.host.Tables.CONTACT.ID)
                .from(io.calbridge.db.host.Tables.CONTACT)
                .where(io.calbridge.db.host.Tables.CONTACT.EMAIL.eq("pat.action@example.com"))
                .fetchOne(io.calbridge.db.host.Tables.CONTACT.ID), java.util.Objects::nonNull);
        JsonNode meetings = eventually("Pat's booking").until(
                () -> body(ok(acmeMember.getJson(ROOT + "/contacts/" + contact + "/meetings", null), 200)),
                m -> !m.get("upcoming").isEmpty());
        String meeting = null;
        for (JsonNode m : meetings.get("upcoming")) {
            if (m.get("integration_id").asText().equals(acme.toString())) {
                meeting = m.get("id").asText();
            }
        }
        assertNotNull(meeting, meetings.toString());

        String memberCsrf = csrf(acmeMember);
        String globexCsrf = csrf(globexAdmin);
        for (Call c : actionCalls()) {
            String path = actionPath(c, contact, meeting);
            HttpResponse<String> anon = anonymous.json(c.method(), path, c.body(), null);
            assertEquals(401, anon.statusCode(), c + " " + anon.body());

            if (c.template().contains("{meetingId}")) {
                HttpResponse<String> foreign = globexAdmin.json(c.method(), path, c.body(), globexCsrf);
                HttpResponse<String> missing = globexAdmin.json(c.method(), actionPath(c, contact, UUID.randomUUID()),
                        c.body(), globexCsrf);
                assertEquals(404, foreign.statusCode(), c + " " + foreign.body());
                assertEquals(missing.body(), foreign.body(), c.toString());
            }

            HttpResponse<String> r = acmeMember.json(c.method(), path, c.body(), memberCsrf);
            assertEquals(c.okStatus(), r.statusCode(), c + " " + r.body());
        }
        // Another tenant's admin asking for Acme's contact sees no meetings: they are looked up within the caller's tenant.
        JsonNode foreignContact = body(ok(globexAdmin.getJson(ROOT + "/contacts/" + contact + "/meetings", null), 200));
        assertEquals(0, foreignContact.get("upcoming").size() + foreignContact.get("past").size());
    }

    @Test
    @Order(7)
    void openApi_isPublic() throws Exception {
        JsonNode doc = body(ok(anonymous.getJson(ROOT + "/openapi.json", null), 200));

        assertEquals(host.base, doc.path("servers").get(0).path("url").asText());
    }

    @Test
    @Order(8)
    void bearerTokens_work_withoutCsrf_andAreCheckedLikeSessions() throws Exception {
        TestBrowser api = new TestBrowser(host.app.port()).onResponse(SettingsApiTest::record);
        String acmeToken = JSON.readTree(api.postJson("/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}",
                Map.of()).body()).get("access_token").asText();
        String memberToken = JSON.readTree(api.postJson("/api/token", "{\"email\":\"member@acme.test\",\"password\":\"demo-password\"}",
                Map.of()).body()).get("access_token").asText();

        assertEquals(200, api.getJson(ROOT + "/" + acme + "/health", acmeToken).statusCode());
        assertEquals(403, api.getJson(ROOT + "/" + acme + "/health", memberToken).statusCode());
        HttpResponse<String> put = api.postJson(ROOT + "/" + acme + "/webhooks/replay-dead-letters", "",
                Map.of("Authorization", "Bearer " + acmeToken));
        assertEquals(200, put.statusCode(), put.body());
    }

    // ---- what the endpoints answer ---------------------------------------------------------------

    @Test
    @Order(10)
    void health_ofAnOAuthConnection_showsModeTokenScopesAccountSubscriptionAndDeliveries() throws Exception {
        JsonNode h = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/health", null), 200));

        assertEquals("tenant_app", h.get("mode").asText());
        assertEquals("CONNECTED", h.get("status").asText());
        assertEquals("ada@acme.test", h.at("/calendly/user_email").asText());
        assertEquals("owner", h.at("/calendly/role").asText());
        assertTrue(h.at("/calendly/organization_uri").asText().contains("/organizations/"));
        assertEquals(acmeApp.clientId(), h.at("/credentials/client_id").asText());
        assertTrue(h.at("/credentials/client_secret_set").asBoolean());
        assertTrue(h.at("/credentials/access_token_set").asBoolean());
        assertTrue(h.at("/credentials/refresh_token_set").asBoolean());
        assertFalse(h.at("/credentials/personal_token_set").asBoolean());
        assertTrue(h.at("/credentials/signing_key_set").asBoolean());
        assertEquals("valid", h.at("/health/token/state").asText());
        assertTrue(Instant.parse(h.at("/health/token/expires_at").asText()).isAfter(Instant.now()));
        assertTrue(h.at("/health/scopes").toString().contains("\"users:read\""), h.at("/health/scopes").toString());
        assertEquals("active", h.at("/health/webhooks/subscription_state").asText());
        assertEquals("organization", h.at("/health/webhooks/subscription_scope").asText());
        assertTrue(h.at("/health/webhooks/gap_since").isNull());
        assertEquals("invitee.created", h.at("/health/deliveries/last_event").asText());
        assertNotNull(Instant.parse(h.at("/health/deliveries/last_received_at").asText()));
        assertEquals(0, h.at("/health/deliveries/dead").asInt());
        assertEquals(0, h.at("/health/deliveries/pending").asInt());
        assertTrue(h.at("/health/healthy").asBoolean(), h.toString());
        assertEquals(0, h.at("/health/problems").size());
    }

    @Test
    @Order(11)
    void health_ofAPersonalToken_saysItDoesNotExpire() throws Exception {
        JsonNode h = body(ok(globexAdmin.getJson(ROOT + "/" + globex + "/health", null), 200));

        assertEquals("personal_token", h.get("mode").asText());
        assertEquals("not_expiring", h.at("/health/token/state").asText());
        assertTrue(h.at("/credentials/personal_token_set").asBoolean());
        assertFalse(h.at("/credentials/access_token_set").asBoolean());
        assertTrue(h.at("/credentials/client_id").isNull());
    }

    @Test
    @Order(12)
    void theList_showsEveryIntegrationWithItsHealth_andWhatTheConnectFormMayOffer() throws Exception {
        JsonNode list = body(ok(acmeAdmin.getJson(ROOT, null), 200));

        assertEquals(2, list.get("integrations").size());
        assertEquals(acme.toString(), list.at("/integrations/0/integration_id").asText());
        assertTrue(list.at("/integrations/0/health/healthy").asBoolean());
        assertTrue(list.at("/connect/platform_app_available").asBoolean());
        assertEquals(host.base + ROOT + "/callback", list.at("/connect/redirect_uri").asText());
        JsonNode one = body(ok(acmeAdmin.getJson(ROOT + "/" + acme, null), 200));
        assertTrue(one.get("settings").get("create_contacts").asBoolean());
        assertEquals(acmeMapping.toString(), one.at("/mappings/0/id").asText());
    }

    @Test
    @Order(13)
    void putSettings_validates_andTheErrorNamesTheField_storingNothing() throws Exception {
        String csrf = csrf(acmeAdmin);
        String before = ok(acmeAdmin.getJson(ROOT + "/" + acme + "/settings", null), 200).body();
        String status = choice(acmeAdmin, acme, "statuses", 1);

        HttpResponse<String> unknownList = acmeAdmin.json("PUT", ROOT + "/" + acme + "/settings",
                "{\"contact_status\":\"" + status + "\",\"list_ids\":[\"" + choice(acmeAdmin, acme, "lists", 0) + "\",\"nope\"]}", csrf);
        HttpResponse<String> wrongType = acmeAdmin.json("PUT", ROOT + "/" + acme + "/settings",
                "{\"task\":{\"due_offset_minutes\":\"soon\"}}", csrf);
        HttpResponse<String> placeholder = acmeAdmin.json("PUT", ROOT + "/" + acme + "/settings",
                "{\"task\":{\"title\":\"Call {{invitee.shoe_size}}\"}}", csrf);
        HttpResponse<String> notJson = acmeAdmin.json("PUT", ROOT + "/" + acme + "/settings", "{\"list_ids\":", csrf);
        HttpResponse<String> unknownStatus = acmeAdmin.json("PUT", ROOT + "/" + acme + "/settings",
                "{\"contact_status\":\"no-such-status\"}", csrf);
        HttpResponse<String> unknownOwner = acmeAdmin.json("PUT", ROOT + "/" + acme + "/settings",
                "{\"default_owner_id\":\"no-such-member\"}", csrf);

        assertError(unknownList, 400, "unknown_list", "list_ids[1]");
        assertError(wrongType, 400, "invalid_value", "task.due_offset_minutes");
        assertError(placeholder, 400, "unknown_placeholder", "task.title");
        assertError(notJson, 400, "invalid_json", "list_ids"); // where the JSON broke off
        assertError(unknownStatus, 400, "unknown_status", "contact_status");
        assertEquals("contact_status is not one of this tenant's contact statuses",
                body(unknownStatus).at("/error/message").asText(), unknownStatus.body());
        assertError(unknownOwner, 400, "unknown_owner", "default_owner_id");
        assertEquals("default_owner_id is not the id of one of this tenant's team members",
                body(unknownOwner).at("/error/message").asText(), unknownOwner.body());
        assertEquals(before, ok(acmeAdmin.getJson(ROOT + "/" + acme + "/settings", null), 200).body());
    }

    @Test
    @Order(14)
    void putSettings_stores_andAnswersWithTheDefaultsFilledIn() throws Exception {
        String status = choice(acmeAdmin, acme, "statuses", 1);
        String tag = choice(acmeAdmin, acme, "tags", 1);

        JsonNode stored = body(ok(acmeAdmin.json("PUT", ROOT + "/" + acme + "/settings",
                "{\"contact_status\":\"" + status + "\",\"tag_ids\":[\"" + tag + "\"],\"task\":{\"due_offset_minutes\":-30}}",
                csrf(acmeAdmin)), 200));

        assertEquals(status, stored.get("contact_status").asText());
        assertEquals(tag, stored.at("/tag_ids/0").asText());
        assertEquals(-30, stored.at("/task/due_offset_minutes").asInt());
        assertTrue(stored.get("create_contacts").asBoolean(), "default");
        assertTrue(stored.at("/on_cancel/cancel_task").asBoolean(), "default");
        assertEquals(stored, body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/settings", null), 200)));
    }

    @Test
    @Order(15)
    void mappings_putByEventTypeCreatesThenReplaces_andEventTypesShowTheirMapping() throws Exception {
        String csrf = csrf(acmeAdmin);
        String uri = strategyUri;
        String member = choice(acmeAdmin, acme, "team_members", 0);

        HttpResponse<String> created = acmeAdmin.json("PUT", ROOT + "/" + acme + "/mappings",
                "{\"event_type_uri\":\"" + uri + "\",\"rules\":{\"owner_id\":\"" + member + "\"}}", csrf);
        HttpResponse<String> replaced = acmeAdmin.json("PUT", ROOT + "/" + acme + "/mappings",
                "{\"event_type_uri\":\"" + uri + "\",\"rules\":{\"create_task\":false}}", csrf);
        HttpResponse<String> badOwner = acmeAdmin.json("PUT", ROOT + "/" + acme + "/mappings",
                "{\"event_type_uri\":\"" + uri + "\",\"rules\":{\"owner_id\":\"someone-else\"}}", csrf);
        HttpResponse<String> badUri = acmeAdmin.json("PUT", ROOT + "/" + acme + "/mappings",
                "{\"event_type_uri\":\"https://example.com/nope\"}", csrf);

        assertTrue(created.statusCode() == 201 || created.statusCode() == 200, created.body());
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals(body(created).get("id"), body(replaced).get("id"));
        assertFalse(body(replaced).at("/rules/create_task").asBoolean());
        assertTrue(body(replaced).at("/rules/owner_id").isNull(), "replaced, not merged");
        assertError(badOwner, 400, "unknown_owner", "rules.owner_id");
        assertError(badUri, 400, "invalid_event_type_uri", "event_type_uri");
        JsonNode types = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/event-types", null), 200));
        JsonNode strategy = find(types.get("event_types"), t -> t.get("uri").asText().equals(uri));
        assertEquals(body(replaced).get("id").asText(), strategy.get("mapping_id").asText());
    }

    @Test
    @Order(16)
    void eventTypes_comeFromCalendlyWithTheIntegrationsToken_andAreCachedForAMinute() throws Exception {
        long before = sb.stats().apiRequests("/event_types");
        JsonNode first = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/event-types", null), 200));
        JsonNode second = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/event-types", null), 200));
        long after = sb.stats().apiRequests("/event_types");

        List<String> names = new ArrayList<>();
        first.get("event_types").forEach(t -> names.add(t.get("name").asText()));
        assertTrue(names.containsAll(List.of("Intro call", "Strategy session", "Group workshop")), names.toString());
        assertFalse(names.contains("Globex demo"));
        assertTrue(after - before <= 1, "at most one listing for two reads: " + (after - before));
        assertEquals(first.get("fetched_at"), second.get("fetched_at"));
        JsonNode globexTypes = body(ok(globexAdmin.getJson(ROOT + "/" + globex + "/event-types", null), 200));
        assertEquals("Globex demo", globexTypes.at("/event_types/0/name").asText());
        assertEquals(globexMapping.toString(), globexTypes.at("/event_types/0/mapping_id").asText());
    }

    @Test
    @Order(17)
    void dryRun_previewsTheLatestBookings_andChecksTheLimit() throws Exception {
        JsonNode preview = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/dry-run?limit=5", null), 200));

        assertError(acmeAdmin.getJson(ROOT + "/" + acme + "/dry-run?limit=0", null), 400, "invalid_parameter", "limit");
        assertError(acmeAdmin.getJson(ROOT + "/" + acme + "/dry-run?limit=101", null), 400, "invalid_parameter", "limit");
        assertError(acmeAdmin.getJson(ROOT + "/" + acme + "/dry-run?limit=lots", null), 400, "invalid_parameter", "limit");
        JsonNode jane = find(preview.get("items"), i -> "jane.roe@example.com".equals(i.get("email").asText()));
        assertEquals(acmeMapping.toString(), jane.get("mapping_id").asText());
        assertEquals("update", jane.get("contact_action").asText(), "the booking already created the contact");
        assertNotNull(jane.get("task"));
    }

    @Test
    @Order(18)
    void webhookLog_isPaginated_filtered_andRedacted() throws Exception {
        JsonNode page1 = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/webhooks?page=1&size=1", null), 200));
        JsonNode page2 = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/webhooks?page=2&size=1", null), 200));
        HttpResponse<String> all = acmeAdmin.getJson(ROOT + "/" + acme + "/webhooks?event=invitee.created&status=done", null);

        assertEquals(1, page1.get("items").size());
        assertTrue(page1.get("has_more").asBoolean());
        assertNotEquals(page1.at("/items/0/id"), page2.at("/items/0/id"));
        assertEquals(2, body(ok(all, 200)).get("items").size());
        assertFalse(all.body().contains("jane.roe@example.com"), "personal data is redacted");
        assertFalse(all.body().contains("Jane Roe"));
        assertTrue(all.body().contains("[redacted]"));
        assertTrue(body(all).at("/items/0/replayable").asBoolean());
        assertError(acmeAdmin.getJson(ROOT + "/" + acme + "/webhooks?size=500", null), 400, "invalid_parameter", "size");
        assertError(acmeAdmin.getJson(ROOT + "/" + acme + "/webhooks?status=LOST", null), 400, "invalid_status", "status");
    }

    @Test
    @Order(19)
    void replay_makesADeliveryDueAgain_andItIsProcessedAgainWithoutDoubleEffects() throws Exception {
        JsonNode r = body(ok(acmeAdmin.json("POST", ROOT + "/" + acme + "/webhooks/" + acmeDelivery + "/replay", null,
                csrf(acmeAdmin)), 200));

        assertEquals("DONE", r.get("previous_status").asText());
        JsonNode again = awaitDone(acmeAdmin, acme, 2);
        assertEquals(2, again.size());
        assertEquals(1, host.tenants.dsl.fetchCount(DSL.table(DSL.name("contact")),
                DSL.field(DSL.name("email")).eq("jane.roe@example.com")), "one contact, not two");
    }

    @Test
    @Order(20)
    void choices_areTheTenantsOwnListsTagsStatusesAndTeam() throws Exception {
        JsonNode acmeChoices = body(ok(acmeAdmin.getJson(ROOT + "/" + acme + "/choices", null), 200));
        JsonNode globexChoices = body(ok(globexAdmin.getJson(ROOT + "/" + globex + "/choices", null), 200));

        assertTrue(acmeChoices.get("lists").size() > 0 && acmeChoices.get("tags").size() > 0);
        assertTrue(acmeChoices.get("statuses").toString().contains("\"lead\""));
        assertTrue(acmeChoices.get("team_members").toString().contains("admin@acme.test"));
        assertFalse(acmeChoices.toString().contains("globex"), acmeChoices.toString());
        assertNotEquals(acmeChoices.get("lists"), globexChoices.get("lists"));
    }

    @Test
    @Order(99)
    void noAnswerOfTheApi_containsAnySecret() {
        List<String> secrets = knownSecrets();
        assertTrue(sb.issuedCredentials().containsAll(List.of(bobPat, carlPat, acmeApp.clientSecret(), acmeApp.signingKey())),
                "the sandbox lists what it issued");
        assertTrue(secrets.size() >= 8, "client secrets, tokens, personal tokens and signing keys: " + secrets.size());
        assertTrue(answers.size() >= 100, "the test saw the API's answers: " + answers.size());
        for (String answer : answers) {
            for (String secret : secrets) {
                assertFalse(answer.contains(secret), "an answer contains a secret (" + secret.length() + " chars): "
                        + answer.substring(0, Math.min(200, answer.length())));
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * Every secret this test knows: the ones it handed the plugin, and every credential the sandbox
     * issued or was given (the integrations' access and refresh tokens, the signing keys their
     * subscriptions were created with).
     */
    static List<String> knownSecrets() {
        List<String> out = new ArrayList<>(List.of(acmeApp.clientSecret(), acmeApp.signingKey(), bobPat, carlPat,
                host.calendly.platformApp().clientSecret(), host.calendly.platformApp().signingKey(),
                host.calendly.personalToken()));
        out.addAll(sb.issuedCredentials());
        return out.stream().filter(s -> s != null && s.length() >= 8).distinct().toList();
    }

    static TestBrowser browser(String email) {
        return new TestBrowser(host.app.port()).loggedInAs(email).onResponse(SettingsApiTest::record);
    }

    static void record(HttpResponse<String> r) {
        if (r.uri().getPath().startsWith(ROOT) && r.body() != null) {
            answers.add(r.body() + "\n" + r.headers().map());
        }
    }

    static String csrf(TestBrowser b) {
        return b.csrfToken();
    }

    static UUID connectTenantApp(TestBrowser admin, SandboxApp app) throws Exception {
        JsonNode started = body(ok(admin.json("POST", ROOT + "/connect", "{\"mode\":\"tenant_app\",\"client_id\":\""
                + app.clientId() + "\",\"client_secret\":\"" + app.clientSecret() + "\"}", csrf(admin)), 200));
        JsonNode connected = body(ok(admin.getJson(callbackPathFor(started.get("authorize_url").asText()), null), 200));
        assertEquals("connected", connected.get("status").asText(), connected.toString());
        return UUID.fromString(connected.get("integration_id").asText());
    }

    static UUID connectPat(TestBrowser admin, String pat) throws Exception {
        JsonNode connected = body(ok(admin.json("POST", ROOT + "/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + pat + "\"}", csrf(admin)), 200));
        return UUID.fromString(connected.get("integration_id").asText());
    }

    /** Acme's admin starts connecting Acme's own app again; the sandbox approves; the callback's path and query. */
    static String freshCallbackQuery() {
        try {
            JsonNode started = body(ok(acmeAdmin.json("POST", ROOT + "/connect", "{\"mode\":\"tenant_app\",\"client_id\":\""
                    + acmeApp.clientId() + "\",\"client_secret\":\"" + acmeApp.clientSecret() + "\"}", csrf(acmeAdmin)), 200));
            String path = callbackPathFor(started.get("authorize_url").asText());
            return path.substring(path.indexOf('?') + 1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Follows the sandbox's (auto-approved) consent page to the redirect back to the host. */
    static String callbackPathFor(String authorizeUrl) throws Exception {
        HttpResponse<String> consent = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create(authorizeUrl)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, consent.statusCode(), consent.body());
        String location = consent.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(host.base + ROOT + "/callback?"), location);
        return location.substring(host.base.length());
    }

    static JsonNode awaitDone(TestBrowser admin, UUID integration, int n) {
        try {
            return eventually(n + " processed deliveries for " + integration).until(() -> body(ok(admin.getJson(ROOT + "/"
                    + integration + "/webhooks?event=invitee.created&status=DONE", null), 200)).get("items"), items -> items.size() >= n);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + ": " + admin.getJson(ROOT + "/" + integration + "/webhooks", null).body(), e);
        }
    }

    static String choice(TestBrowser admin, UUID integration, String kind, int index) {
        try {
            JsonNode c = body(ok(admin.getJson(ROOT + "/" + integration + "/choices", null), 200)).get(kind);
            return c.get(index).get("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static SandboxEventType eventType(String name) {
        return sb.eventTypes().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    static JsonNode find(JsonNode array, Function<JsonNode, Boolean> match) {
        for (JsonNode n : array) {
            if (match.apply(n)) {
                return n;
            }
        }
        throw new AssertionError("not found in " + array);
    }

    static HttpResponse<String> ok(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.request().method() + " " + r.uri() + ": " + r.body());
        return r;
    }

    static JsonNode body(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    static String code(HttpResponse<String> r) {
        return body(r).path("error").path("code").asText();
    }

    static void assertError(HttpResponse<String> r, int status, String code, String field) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = body(r).get("error");
        assertEquals(code, error.get("code").asText(), r.body());
        assertEquals(field, error.hasNonNull("field") ? error.get("field").asText() : null, r.body());
    }

    static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " not in " + uri);
    }
}
