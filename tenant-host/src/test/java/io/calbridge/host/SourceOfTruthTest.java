package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.sandbox.Booking;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Canceler;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.sandbox.SeedRequest;
import io.calbridge.sandbox.SeedResult;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calendly's API as the source of truth, over real HTTP against the sandbox, seen through the
 * plugin's API (settings routes) and tenant-host's CRM tables: import on connect, gap backfill after
 * a deleted or disabled subscription, the reconciliation sweep, and one booking per invitee when two
 * integrations of one tenant see the same invitee. Each test uses its own Calendly organization and
 * its own e-mail prefix in the one demo tenant.
 */
class SourceOfTruthTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();
    /** Generous: the machine is shared by many builds, and a 500-booking import takes a minute there. */
    static final Duration WAIT = Duration.ofSeconds(300);
    static CalendlySandbox sandbox;
    static HostApp app;
    static DemoTenants demo;
    static String base;
    static String adminToken;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoTenants(db.dataSource());
        sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        app = new HostApp(db.dataSource(), DemoTenants.settings(base), TestKeys.MASTER, "test", plugin -> {
            plugin.calendlyApiBaseUrl = sandbox.baseUrl();
            plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
            plugin.subscriptionCheckInterval = Duration.ofSeconds(1);
            plugin.syncPollInterval = Duration.ofMillis(200);
            // No budget here: the sandbox allows 500 requests a minute, and a 429 pauses the job anyway.
            plugin.syncBackgroundRequestsPerMinute = 0;
        }, (config, security) -> {
        }).start(port);
        adminToken = JSON.readTree(send("POST", "/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}", null)
                .body()).get("access_token").asText();
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

    // ---- import on connect ----------------------------------------------------------------------

    @Test
    void connectImports250UpcomingEventsOnceWithVisibleProgress_andLiveWebhooksForThemChangeNothing() throws Exception {
        Account acc = account("Import Co", "imp");
        SandboxEventType group = sandbox.createEventType(acc.host, "Workshop", EventKind.GROUP(5), Duration.ofHours(1));
        SeedResult seeded = sandbox.seed(SeedRequest.of(List.of(acc.intro, group), 250)
                .startingAt(Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS)).spacing(Duration.ofHours(2))
                .canceledEvery(10).groupInvitees(3).emailPrefix("imp"));
        int invitees = seeded.inviteeUris().size();
        int active = activeInvitees(acc.pat);
        assertTrue(invitees > 250 && active < invitees, invitees + " invitees, " + active + " active");

        String id = connect(acc.pat);
        List<String> progress = new ArrayList<>();
        JsonNode last = awaitJson("the import", () -> {
            JsonNode status = sync(id).get("status");
            JsonNode job = status.path("job");
            if (job.path("state").asText().equals("running") && job.path("total").asInt() > 0
                    && job.path("done").asInt() < job.path("total").asInt()) {
                progress.add(job.path("progress").asText());
            }
            return status.path("last_import").isObject() ? status.get("last_import") : null;
        }, 5);
        assertFalse(progress.isEmpty(), "progress was visible while the import ran");
        assertTrue(progress.get(0).matches("importing: [0-9,]+ of [0-9,]+"), progress.get(0));
        assertEquals(invitees, last.get("checked").asInt(), last.toString());
        assertEquals(invitees, last.get("recovered").asInt(), last.toString());
        assertEquals(0, last.get("failed").asInt(), last.toString());
        assertEquals("connected", last.get("cause").asText());

        DSLContext dsl = demo.dsl;
        assertEquals(invitees, contacts(dsl, "imp-").size(), "one contact per invitee");
        assertEquals(active, tasks(dsl, "imp-", "OPEN"), "one open task per active invitee");
        assertEquals(tasksAny(dsl, "imp-"), dsl.selectDistinct(TASK.CONTACT_ID).from(TASK).join(CONTACT)
                .on(CONTACT.ID.eq(TASK.CONTACT_ID)).where(CONTACT.EMAIL.startsWith("imp-")).fetch().size(), "never two tasks for one contact");

        // Three bookings whose webhooks cannot get through yet, imported by a reconnect...
        sandbox.faults().webhookTargetsUnreachableFor(Duration.ofMinutes(10), base);
        Instant at = Instant.now().plus(Duration.ofDays(40)).truncatedTo(ChronoUnit.HOURS);
        for (int i = 0; i < 3; i++) {
            sandbox.book(BookingRequest.of(acc.intro, "Late " + i, "imp-late-" + i + "@example.com", at.plusSeconds(3600L * i)));
        }
        assertEquals(id, connect(acc.pat), "a reconnect keeps the integration");
        JsonNode again = awaitJson("the reimport", () -> {
            JsonNode li = sync(id).at("/status/last_import");
            return li.path("cause").asText().equals("reconnected") ? li : null;
        }, 20);
        assertEquals(3, again.get("recovered").asInt(), again.toString());
        String before = snapshot(dsl, "imp-");
        // ...then their live webhooks arrive: they change nothing.
        sandbox.advanceTime(Duration.ofMinutes(15));
        eventually("the late webhooks processed").atMost(WAIT)
                .until(() -> webhookCount(id, "event=invitee.created&status=DONE") >= 3);
        assertEquals(before, snapshot(dsl, "imp-"));
        assertEquals(invitees + 3, contacts(dsl, "imp-").size());
    }

    // ---- gap backfill -----------------------------------------------------------------------------

    @Test
    void aDeletedSubscriptionIsRecreatedAndItsThreeBookingsAndOneCancelAreRecovered() throws Exception {
        Account acc = account("Deleted Co", "del");
        String id = connect(acc.pat);
        awaitJson("the first import", () -> sync(id).at("/status/last_import").isObject() ? sync(id) : null, 20);
        Instant at = Instant.now().plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.HOURS);
        Booking early = sandbox.book(BookingRequest.of(acc.intro, "Early Bird", "del-early@example.com", at));
        DSLContext dsl = demo.dsl;
        eventually("the early booking's task").atMost(WAIT).until(() -> tasks(dsl, "del-early", "OPEN") == 1);

        for (JsonNode s : calendly("GET", "/webhook_subscriptions?scope=organization&organization="
                + enc(acc.org.uri()), acc.pat).get("collection")) {
            assertEquals(204, calendlyStatus("DELETE", s.get("uri").asText(), acc.pat));
        }
        for (int i = 0; i < 3; i++) {
            sandbox.book(BookingRequest.of(acc.intro, "Gap " + i, "del-gap-" + i + "@example.com", at.plusSeconds(3600L * (i + 1))));
        }
        sandbox.cancel(early.inviteeUri(), Canceler.INVITEE, "Cannot make it");

        JsonNode backfill = awaitJson("the backfill", () -> {
            JsonNode b = sync(id).at("/status/last_backfill");
            return b.isObject() ? b : null;
        }, 20);
        assertEquals("deleted", backfill.get("cause").asText());
        assertEquals(4, backfill.get("recovered").asInt(), backfill.toString());
        assertEquals(3, backfill.at("/repaired/created").asInt());
        assertEquals(1, backfill.at("/repaired/canceled").asInt());
        assertTrue(backfill.get("message").asText().contains("Recovered 4 bookings missed because the webhook subscription "
                + "was deleted in Calendly"), backfill.get("message").asText());
        JsonNode health = get("/settings/calendly/" + id + "/health");
        assertEquals(backfill, health.at("/health/sync/last_backfill"), "health shows the cause and the count");
        assertEquals("active", health.at("/health/webhooks/subscription_state").asText());
        for (JsonNode p : health.at("/health/problems")) {
            assertFalse(p.get("code").asText().equals("delivery_gap"), "the gap is closed: " + p);
        }
        assertEquals(3, tasks(dsl, "del-gap-", "OPEN"));
        assertEquals(1, tasks(dsl, "del-early", "CANCELED"));
        assertEquals(4, tasksAny(dsl, "del-"), "one task per booking");
    }

    @Test
    void after30HoursOfAnUnreachableHostTheDisabledSubscriptionIsRecreatedAndTheGapIsInTheTablesExactlyOnce()
            throws Exception {
        Account acc = account("Outage Co", "out");
        String id = connect(acc.pat);
        awaitJson("the first import", () -> sync(id).at("/status/last_import").isObject() ? sync(id) : null, 20);
        Instant at = Instant.now().plus(Duration.ofDays(6)).truncatedTo(ChronoUnit.HOURS);
        Booking moved = sandbox.book(BookingRequest.of(acc.intro, "Moved Person", "out-moved@example.com", at));
        DSLContext dsl = demo.dsl;
        eventually("the first booking's task").atMost(WAIT).until(() -> tasks(dsl, "out-moved", "OPEN") == 1);

        sandbox.faults().webhookTargetsUnreachableFor(Duration.ofHours(30), base);
        Booking kept = sandbox.book(BookingRequest.of(acc.intro, "Kept Person", "out-kept@example.com", at.plus(Duration.ofHours(1))));
        Booking dropped = sandbox.book(BookingRequest.of(acc.intro, "Dropped Person", "out-dropped@example.com",
                at.plus(Duration.ofHours(2))));
        sandbox.reschedule(moved.inviteeUri(), at.plus(Duration.ofDays(1)));
        sandbox.cancel(dropped.inviteeUri(), Canceler.HOST, "Host busy");
        sandbox.markNoShow(kept.inviteeUri());
        sandbox.advanceTime(Duration.ofHours(30));

        JsonNode backfill = awaitJson("the backfill", () -> {
            JsonNode b = sync(id).at("/status/last_backfill");
            return b.isObject() ? b : null;
        }, 20);
        assertEquals("disabled", backfill.get("cause").asText(), backfill.toString());
        assertTrue(backfill.get("message").asText().contains("Calendly disabled the webhook subscription after failed deliveries"),
                backfill.get("message").asText());
        JsonNode subs = calendly("GET", "/webhook_subscriptions?scope=organization&organization=" + enc(acc.org.uri()), acc.pat)
                .get("collection");
        assertEquals(1, subs.size(), subs.toString());
        assertEquals("active", subs.get(0).get("state").asText(), "re-created");

        // Every booking, cancel, reschedule and no-show of the gap, once.
        assertEquals(1, contacts(dsl, "out-moved").size());
        assertEquals(1, tasksAny(dsl, "out-moved"), "the reschedule moved the one task");
        assertEquals(at.plus(Duration.ofDays(1)), dueOfOnlyTask(dsl, "out-moved"));
        assertEquals(1, tasksAny(dsl, "out-kept"));
        assertEquals(1, tasksAny(dsl, "out-dropped"));
        assertEquals(1, tasks(dsl, "out-dropped", "CANCELED"));
        assertTrue(activities(dsl, "out-kept").stream().anyMatch(k -> k.contains("no_show") || k.contains("noshow")),
                "the no-show is on the timeline: " + activities(dsl, "out-kept"));
        assertEquals(Set.copyOf(activities(dsl, "out-kept")).size(), activities(dsl, "out-kept").size(),
                "no timeline entry twice: " + activities(dsl, "out-kept"));
        assertEquals(4, backfill.get("recovered").asInt(), backfill.toString());
    }

    // ---- reconciliation sweep and rate limits ---------------------------------------------------------

    @Test
    void aCancelWhoseDeliveriesWereDroppedIsRepairedByTheNextSweep() throws Exception {
        Account acc = account("Sweep Co", "swp");
        String id = connect(acc.pat);
        awaitJson("the first import", () -> sync(id).at("/status/last_import").isObject() ? sync(id) : null, 20);
        Booking b = sandbox.book(BookingRequest.of(acc.intro, "Lost Cancel", "swp-lost@example.com",
                Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS)));
        DSLContext dsl = demo.dsl;
        eventually("the task").atMost(WAIT).until(() -> tasks(dsl, "swp-lost", "OPEN") == 1);
        sandbox.faults().dropDeliveries("invitee.canceled", b.inviteeUri());
        try {
            sandbox.cancel(b.inviteeUri(), Canceler.INVITEE, "Changed my mind");
            sandbox.awaitIdle(Duration.ofSeconds(10));
            assertEquals(1, tasks(dsl, "swp-lost", "OPEN"), "the cancel never arrived");

            HttpResponse<String> check = send("POST", "/settings/calendly/" + id + "/sync/check", "", adminToken);
            assertEquals(202, check.statusCode(), check.body());
            JsonNode sweep = awaitJson("the sweep", () -> {
                JsonNode s = sync(id).at("/status/last_sweep");
                return s.isObject() ? s : null;
            }, 20);
            assertEquals(1, sweep.at("/repaired/canceled").asInt(), sweep.toString());
            assertEquals(1, sweep.get("checked").asInt(), sweep.toString());
            assertEquals(1, tasks(dsl, "swp-lost", "CANCELED"));
            assertEquals(sweep, get("/settings/calendly/" + id + "/health").at("/health/sync/last_sweep"));
            assertTrue(get("/settings/calendly/" + id + "/sync").at("/status/next_sweep_at").isTextual());
        } finally {
            sandbox.faults().clear();
        }
    }

    @Test
    void a429DuringAnImportPausesTheImportOnly() throws Exception {
        Account acc = account("Limit Co", "lim");
        SeedResult seeded = sandbox.seed(SeedRequest.of(List.of(acc.intro), 30)
                .startingAt(Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS)).emailPrefix("lim"));
        sandbox.faults().rateLimitNext(1, "/scheduled_events", 3);
        String id = connect(acc.pat);
        boolean[] sawPause = {false};
        JsonNode last = awaitJson("the import", () -> {
            JsonNode status = sync(id).get("status");
            if (status.at("/job/state").asText().equals("paused")) {
                assertTrue(status.at("/job/paused_until").isTextual(), status.toString());
                // A user's request meanwhile is answered: the pause is the background job's alone.
                HttpResponse<String> interactive = send("GET", "/settings/calendly/" + id + "/event-types", null, adminToken);
                assertEquals(200, interactive.statusCode(), interactive.body());
                assertTrue(interactive.body().contains("Intro call"), interactive.body());
                sawPause[0] = true;
            }
            return status.path("last_import").isObject() ? status.get("last_import") : null;
        }, 10);
        assertTrue(sawPause[0], "the import showed its pause");
        assertEquals(seeded.inviteeUris().size(), last.get("recovered").asInt(), last.toString());
        assertEquals(seeded.inviteeUris().size(), contacts(demo.dsl, "lim-").size());
    }

    @Test
    void theImportWindowIsTheTenantsToSet_badValuesAreRefusedNamingTheField() throws Exception {
        Account acc = account("Window Co", "win");
        String id = connect(acc.pat);
        HttpResponse<String> bad = send("PUT", "/settings/calendly/" + id + "/sync", "{\"past_days\": 200}", adminToken);
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("past_days", JSON.readTree(bad.body()).at("/error/field").asText(bad.body()), bad.body());
        HttpResponse<String> unknown = send("PUT", "/settings/calendly/" + id + "/sync", "{\"future_days\": 2}", adminToken);
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertEquals(90, sync(id).at("/settings/upcoming_days").asInt(), "nothing half-saved");

        HttpResponse<String> ok = send("PUT", "/settings/calendly/" + id + "/sync",
                "{\"upcoming_days\": 30, \"past_meeting_tasks\": true}", adminToken);
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode settings = JSON.readTree(ok.body()).get("settings");
        assertEquals(30, settings.get("upcoming_days").asInt());
        assertEquals(7, settings.get("past_days").asInt());
        assertTrue(settings.get("past_meeting_tasks").asBoolean());
        String globexToken = JSON.readTree(send("POST", "/api/token",
                "{\"email\":\"admin@globex.test\",\"password\":\"demo-password\"}", null).body()).get("access_token").asText();
        assertEquals(404, send("GET", "/settings/calendly/" + id + "/sync", null, globexToken).statusCode(),
                "another tenant's integration is not found");
        // The window is the tenant's: back to the defaults for the other tests of this tenant.
        assertEquals(200, send("PUT", "/settings/calendly/" + id + "/sync",
                "{\"upcoming_days\": 90, \"past_meeting_tasks\": false}", adminToken).statusCode());
    }

    // ---- one booking per invitee per tenant -------------------------------------------------------

    @Test
    void anOrganizationConnectionAndAMembersPersonalTokenInOneTenantYieldOneBookingAndOneTask() throws Exception {
        Account acc = account("Overlap Co", "ovl");
        String orgWide = connect(acc.pat);
        SandboxUser bob = sandbox.createUser(acc.org, "Bob Member", "ovl-bob-host@host.test", Role.USER, "UTC");
        SandboxEventType bobs = sandbox.createEventType(bob, "Bob's demo", EventKind.SOLO, Duration.ofMinutes(30));
        HttpResponse<String> second = send("POST", "/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + sandbox.createPersonalAccessToken(bob) + "\"}", adminToken);
        assertEquals(2, second.statusCode() / 100, second.body());
        JsonNode connected = JSON.readTree(second.body());
        String personal = connected.get("integration_id").asText();
        List<String> warnings = new ArrayList<>();
        connected.get("warnings").forEach(w -> warnings.add(w.asText()));
        assertEquals(List.of("overlapping_connection"), warnings, "an overlap inside the tenant, not another workspace");
        assertTrue(connected.get("warning_messages").get(0).asText().contains("recorded once"));

        sandbox.book(BookingRequest.of(bobs, "Olga Overlap", "ovl-olga@example.com",
                Instant.now().plus(Duration.ofDays(4)).truncatedTo(ChronoUnit.HOURS)));
        eventually("both integrations received it").atMost(WAIT)
                .until(() -> webhookCount(orgWide, "event=invitee.created&status=DONE") == 1
                && webhookCount(personal, "event=invitee.created&status=DONE") == 1);

        DSLContext dsl = demo.dsl;
        assertEquals(1, contacts(dsl, "ovl-olga").size());
        assertEquals(1, tasksAny(dsl, "ovl-olga"), "one task although two subscriptions delivered the booking");
        List<String> kinds = activities(dsl, "ovl-olga");
        assertEquals(Set.copyOf(kinds).size(), kinds.size(), "one set of effects: " + kinds);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    record Account(SandboxOrganization org, SandboxUser host, SandboxEventType intro, String pat) {
    }

    static final AtomicInteger accounts = new AtomicInteger();

    static Account account(String name, String prefix) {
        SandboxOrganization org = sandbox.createOrganization(name, Plan.STANDARD);
        SandboxUser host = sandbox.createUser(org, name + " Owner", prefix + "-owner-" + accounts.incrementAndGet() + "@host.test",
                Role.OWNER, "UTC");
        SandboxEventType intro = sandbox.createEventType(host, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        return new Account(org, host, intro, sandbox.createPersonalAccessToken(host));
    }

    static String connect(String pat) throws Exception {
        HttpResponse<String> connected = send("POST", "/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + pat + "\"}", adminToken);
        assertTrue(connected.statusCode() / 100 == 2, connected.statusCode() + " " + connected.body());
        return JSON.readTree(connected.body()).get("integration_id").asText();
    }

    static JsonNode sync(String id) {
        try {
            return get("/settings/calendly/" + id + "/sync");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, null, adminToken);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static int webhookCount(String id, String query) {
        try {
            return get("/settings/calendly/" + id + "/webhooks?size=100&" + query).get("items").size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static HttpResponse<String> send(String method, String path, String json, String bearer) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call to the sandbox's Calendly API with a personal access token. */
    static JsonNode calendly(String method, String pathOrUri, String pat) throws Exception {
        HttpResponse<String> r = calendlyCall(method, pathOrUri, pat);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static int calendlyStatus(String method, String pathOrUri, String pat) throws Exception {
        return calendlyCall(method, pathOrUri, pat).statusCode();
    }

    private static HttpResponse<String> calendlyCall(String method, String pathOrUri, String pat) throws Exception {
        URI uri = URI.create(pathOrUri.startsWith("http") ? pathOrUri : sandbox.baseUrl() + pathOrUri);
        URI local = URI.create(sandbox.baseUrl() + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        return http.send(HttpRequest.newBuilder(local).header("Authorization", "Bearer " + pat)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Active invitees of the account's active events, as Calendly's API lists them. */
    static int activeInvitees(String pat) throws Exception {
        String user = calendly("GET", "/users/me", pat).at("/resource/uri").asText();
        int active = 0;
        String next = "/scheduled_events?count=100&status=active&user=" + enc(user);
        while (next != null && !next.isBlank() && !next.equals("null")) {
            JsonNode page = calendly("GET", next, pat);
            for (JsonNode e : page.get("collection")) {
                active += e.at("/invitees_counter/active").asInt();
            }
            next = page.at("/pagination/next_page").isTextual() ? page.at("/pagination/next_page").asText() : null;
        }
        return active;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Result<Record> contacts(DSLContext dsl, String emailPrefix) {
        return dsl.select(CONTACT.fields()).from(CONTACT)
                .where(CONTACT.TENANT_ID.eq(demo.acme).and(CONTACT.EMAIL.startsWith(emailPrefix))).fetch();
    }

    static int tasks(DSLContext dsl, String emailPrefix, String status) {
        return dsl.fetchCount(dsl.select(TASK.ID).from(TASK).join(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(TASK.TENANT_ID.eq(demo.acme).and(CONTACT.EMAIL.startsWith(emailPrefix)).and(TASK.STATUS.eq(status))));
    }

    static int tasksAny(DSLContext dsl, String emailPrefix) {
        return dsl.fetchCount(dsl.select(TASK.ID).from(TASK).join(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(TASK.TENANT_ID.eq(demo.acme).and(CONTACT.EMAIL.startsWith(emailPrefix))));
    }

    static Instant dueOfOnlyTask(DSLContext dsl, String emailPrefix) {
        return dsl.select(TASK.DUE_AT).from(TASK).join(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(TASK.TENANT_ID.eq(demo.acme).and(CONTACT.EMAIL.startsWith(emailPrefix))).fetchSingle(TASK.DUE_AT)
                .toInstant();
    }

    static List<String> activities(DSLContext dsl, String emailPrefix) {
        return dsl.select(ACTIVITY.KIND).from(ACTIVITY).join(CONTACT).on(CONTACT.ID.eq(ACTIVITY.CONTACT_ID))
                .where(ACTIVITY.TENANT_ID.eq(demo.acme).and(CONTACT.EMAIL.startsWith(emailPrefix)))
                .orderBy(ACTIVITY.ID).fetch(ACTIVITY.KIND);
    }

    /** Everything the host holds about these contacts, to compare before and after. */
    static String snapshot(DSLContext dsl, String emailPrefix) {
        Set<String> rows = new TreeSet<>();
        contacts(dsl, emailPrefix).forEach(r -> rows.add("contact " + r.get(CONTACT.ID) + " " + r.get(CONTACT.EMAIL)
                + " " + r.get(CONTACT.UPDATED_AT)));
        dsl.select(TASK.ID, TASK.STATUS, TASK.DUE_AT, TASK.TITLE).from(TASK).join(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(TASK.TENANT_ID.eq(demo.acme).and(CONTACT.EMAIL.startsWith(emailPrefix)))
                .forEach(r -> rows.add("task " + r.value1() + " " + r.value2() + " " + r.value3() + " " + r.value4()));
        rows.add("activities " + activities(dsl, emailPrefix).size());
        return String.join("\n", rows);
    }

    interface JsonProbe {
        JsonNode get() throws Exception;
    }

    static JsonNode awaitJson(String what, JsonProbe probe, long pollMillis) {
        return eventually(what).atMost(WAIT).pollInterval(Duration.ofMillis(pollMillis))
                .until(probe::get, java.util.Objects::nonNull);
    }
}
