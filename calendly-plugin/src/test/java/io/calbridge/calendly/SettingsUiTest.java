package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.spi.HostSecurity;
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
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drop-in settings UI over plain HTTP (no browser): a host mounts it with one line, an admin
 * connects with a personal access token through its form, and every section renders from the
 * plugin's services; form posts need the host's CSRF token; texts follow Accept-Language; a mistake
 * is shown next to its field with the admin's input kept, and nothing is saved.
 */
class SettingsUiTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final String CSRF = "csrf-token-of-the-session";
    static CalendlySandbox sandbox;
    static SandboxUser ada;
    static SandboxEventType intro;
    static Javalin host;
    static String base;
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();

    /** A host's security: the caller from a header (admin or member), the CSRF token of "the session". */
    static final HostSecurity SECURITY = new HostSecurity() {
        @Override
        public Optional<Caller> caller(Context ctx) {
            String who = ctx.header("X-Test-User");
            return who == null ? Optional.empty() : Optional.of(new Caller("tenant-ui", who, who.startsWith("admin")));
        }

        @Override
        public Optional<String> csrfToken(Context ctx) {
            return Optional.of(CSRF);
        }
    };

    @BeforeAll
    static void start() throws IOException {
        sandbox = CalendlySandbox.start(SandboxOptions.defaults());
        ada = sandbox.createUser(sandbox.createOrganization("Acme", Plan.STANDARD), "Ada Host", "ada@example.com",
                Role.OWNER, "Europe/Berlin");
        intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        TestHost crm = new TestHost() {
            @Override
            public ZoneId timeZone(io.calbridge.calendly.spi.HostCall call) {
                return ZoneId.of("Europe/Berlin");
            }
        };
        host = Javalin.create(config -> {
            config.jetty.port = port;
            config.registerPlugin(new CalendlyPlugin(c -> {
                SandboxedConfig.apply(c, sandbox, base, db.dataSource(), crm.asServices(), SECURITY);
                c.syncPollInterval = Duration.ofMillis(200);
                c.settingsUi = SettingsUi.at("/app/calendly").stylesheet("/theme.css");
            }));
        }).start();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void anAdminConnectsThroughTheUi_andEverySectionShowsTheConnectedAccount() throws Exception {
        HttpResponse<String> empty = get("/app/calendly", "admin-1", "en");
        assertEquals(200, empty.statusCode(), empty.body());
        assertTrue(empty.body().contains("id=\"cb-empty\""), "no account yet: says so");
        assertTrue(empty.body().contains("name=\"_csrf\" value=\"" + CSRF + "\""), "the host's CSRF token is in the forms");
        assertTrue(empty.body().contains("href=\"/theme.css\""), "the host's theme is linked");
        assertTrue(empty.body().contains("<meta name=\"viewport\""));
        assertFalse(empty.body().contains("id=\"cb-mode-platform\""), "no platform app configured: that mode is not offered");

        // A wrong token is said next to its field, in words, not as a code or a documentation path.
        HttpResponse<String> refused = post("/app/calendly/connect", "admin-1",
                Map.of("mode", "personal_token", "personal_token", "not-a-token", "_csrf", CSRF));
        assertEquals(303, refused.statusCode(), refused.body());
        HttpResponse<String> again = get(location(refused), "admin-1", "en");
        assertTrue(again.body().contains("id=\"err-personal_token\">Calendly does not accept this token."), again.body());
        assertTrue(again.body().contains("aria-describedby=\"err-personal_token\""));

        String token = sandbox.createPersonalAccessToken(ada);
        HttpResponse<String> connect = post("/app/calendly/connect", "admin-1",
                Map.of("mode", "personal_token", "personal_token", token, "_csrf", CSRF));
        assertEquals(303, connect.statusCode(), connect.body());
        String landed = location(connect);
        assertTrue(landed.startsWith(base + "/app/calendly?calendly=connected"), "back on the UI: " + landed);

        HttpResponse<String> connected = get(landed, "admin-1", "en");
        String page = connected.body();
        assertTrue(page.contains("id=\"cb-result\""), "the result stays on the page");
        assertTrue(page.contains("Calendly is connected."));
        assertTrue(page.contains("<h2>Ada Host</h2>"), page);
        assertTrue(page.contains("With a personal access token"));
        assertTrue(page.contains("id=\"cb-check-now\""));
        assertTrue(page.contains("All times in Europe/Berlin"), "the tenant's zone, named");

        String integration = find(page, "data-integration=\"([0-9a-f-]{36})\"");
        // The import that follows a connection shows on the Connection section (the sync feature's report).
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                get("/app/calendly?integration=" + integration, "admin-1", "en").body().contains("<dt>Last import</dt>"));
        HttpResponse<String> checked = post("/app/calendly/check", "admin-1", Map.of("integration", integration, "_csrf", CSRF));
        assertEquals(303, checked.statusCode(), checked.body());
        assertTrue(get(location(checked), "admin-1", "en").body().contains("Checked with Calendly just now. Booking notifications: active."));

        // A template typo: 400, the message next to the field (naming the placeholder), the input kept, nothing saved.
        HttpResponse<String> typo = post("/app/calendly/bookings", "admin-1", Map.of("integration", integration,
                "_csrf", CSRF, "task.enabled", "on", "task.title", "Call {{invitee.nme}}"));
        assertEquals(400, typo.statusCode(), typo.body());
        assertTrue(typo.body().contains("id=\"err-task-title\">There is no placeholder {{invitee.nme}}."), typo.body());
        assertTrue(typo.body().contains("value=\"Call {{invitee.nme}}\""), "the input is kept");
        HttpResponse<String> soon = post("/app/calendly/bookings", "admin-1", Map.of("integration", integration,
                "_csrf", CSRF, "task.due_offset_minutes", "soon"));
        assertEquals(400, soon.statusCode(), soon.body());
        assertTrue(soon.body().contains("id=\"err-task-due_offset_minutes\">Enter a whole number of minutes"), soon.body());
        assertTrue(soon.body().contains("value=\"soon\""), "the input is kept");
        assertFalse(typo.body().contains("docs/"), "no documentation paths");
        assertTrue(get("/app/calendly/bookings?integration=" + integration, "admin-1", "en").body()
                .contains("value=\"{{event.name}} with {{invitee.name}}\""), "nothing was saved");

        // A saved change shows in the audit trail of the Activity section: who, what, which fields, in the
        // tenant's zone; never a value, an e-mail or the token.
        HttpResponse<String> saved = post("/app/calendly/bookings", "admin-1", Map.of("integration", integration,
                "_csrf", CSRF, "task.enabled", "on", "task.title", "Call secret-title-42"));
        assertEquals(303, saved.statusCode(), saved.body());
        String trail = get("/app/calendly/activity?integration=" + integration, "admin-1", "en").body();
        String audit = trail.substring(trail.indexOf("id=\"cb-audit\""));
        assertTrue(audit.contains("<h2>Audit trail</h2>"), audit);
        assertTrue(audit.contains("data-action=\"settings.changed\""), audit);
        assertTrue(audit.contains("Booking settings changed"), audit);
        assertTrue(audit.contains("<td data-label=\"Who\">admin-1</td>"), audit);
        assertTrue(audit.contains("task.title"), "the names of the changed fields: " + audit);
        assertTrue(audit.matches("(?s).*class=\"cb-time\">\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} CES?T<.*"), "tenant's zone: " + audit);
        assertTrue(audit.contains("cb-table cb-stack"), "stacked rows on narrow screens");
        assertFalse(audit.contains("secret-title-42"), "no values");
        assertFalse(audit.contains(token), "no secret");
        assertFalse(audit.contains("ada@example.com"), "no e-mail");
        assertFalse(audit.contains("_csrf") || audit.contains(CSRF), "no CSRF token");
        assertTrue(get("/app/calendly/activity?integration=" + integration, "admin-1", "de").body()
                .contains("Buchungseinstellungen geändert"), "German texts");

        // The import window: a value out of range is said next to its field with the input kept and nothing
        // saved; a valid one is saved (the settings API reads it back) and shows in the form.
        HttpResponse<String> tooFar = post("/app/calendly/import-window", "admin-1", Map.of("integration", integration,
                "_csrf", CSRF, "upcoming_days", "400", "past_days", "3", "past_meeting_tasks", "on"));
        assertEquals(400, tooFar.statusCode(), tooFar.body());
        assertTrue(tooFar.body().contains("id=\"err-upcoming_days\">Enter a number of days from 0 to 365."), tooFar.body());
        assertTrue(tooFar.body().contains("value=\"400\""), "the input is kept");
        HttpResponse<String> window = post("/app/calendly/import-window", "admin-1", Map.of("integration", integration,
                "_csrf", CSRF, "upcoming_days", "30", "past_days", "3", "past_meeting_tasks", "on"));
        assertEquals(303, window.statusCode(), window.body());
        String afterWindow = get(location(window), "admin-1", "en").body();
        assertTrue(afterWindow.contains("Saved. The next import and check use these days."), afterWindow);
        assertTrue(afterWindow.contains("id=\"f-upcoming_days\" name=\"upcoming_days\" inputmode=\"numeric\" value=\"30\""), afterWindow);
        assertTrue(afterWindow.contains("name=\"past_meeting_tasks\" value=\"on\" checked"), afterWindow);
        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/settings/calendly/" + integration + "/sync")).header("X-Test-User", "admin-1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(api.body().contains("\"upcoming_days\":30") && api.body().contains("\"past_days\":3")
                && api.body().contains("\"past_meeting_tasks\":true"), api.body());

        HttpResponse<String> types = get("/app/calendly/event-types?integration=" + integration, "admin-1", "en");
        assertEquals(200, types.statusCode(), types.body());
        assertTrue(types.body().contains("data-event-type-name=\"Intro call\""), types.body());

        // One booking, then the dry run and the activity log show it, times in the tenant's zone.
        sandbox.book(BookingRequest.of(intro, "Bob Invitee", "bob@example.com", Instant.parse("2031-05-02T08:00:00Z")));
        sandbox.awaitDeliveries(1, Duration.ofSeconds(20));
        String dryRun = "/app/calendly/event-types?dry_run=10&integration=" + integration;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> !get(dryRun, "admin-1", "en").body().contains("id=\"cb-dry-run-empty\""));
        HttpResponse<String> dry = get(dryRun, "admin-1", "en");
        assertTrue(dry.body().contains("2 May 2031, 10:00 CEST"), dry.body());
        HttpResponse<String> activity = get("/app/calendly/activity?integration=" + integration, "admin-1", "en");
        assertTrue(activity.body().contains("invitee.created"), activity.body());
        assertTrue(activity.body().contains("name=\"inbox_id\""), "each delivery can be replayed");
        assertTrue(activity.body().contains("[redacted]"), "payloads are shown without personal data");
        assertFalse(activity.body().contains("bob@example.com"), "payloads are shown without personal data");
    }

    @Test
    void aFormWithoutTheHostsCsrfToken_changesNothing() throws Exception {
        HttpResponse<String> forged = post("/app/calendly/connect", "admin-2",
                Map.of("mode", "personal_token", "personal_token", "whatever"));
        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("This form has expired."), forged.body());
        HttpResponse<String> wrong = post("/app/calendly/bookings", "admin-2", Map.of("_csrf", "guessed"));
        assertEquals(403, wrong.statusCode());
    }

    @Test
    void onlyTenantAdminsSeeTheUi() throws Exception {
        assertEquals(401, get("/app/calendly", null, "en").statusCode());
        HttpResponse<String> member = get("/app/calendly", "member-1", "en");
        assertEquals(403, member.statusCode());
        assertTrue(member.body().contains("Only an administrator"), member.body());
    }

    @Test
    void germanBrowsersGetGermanTexts() throws Exception {
        HttpResponse<String> page = get("/app/calendly", "admin-3", "de-DE,de;q=0.9,en;q=0.5");
        assertTrue(page.body().contains("<html lang=\"de\">"), page.body());
        assertTrue(page.body().contains("Was Buchungen bewirken"));
        assertTrue(page.body().contains("Mit einem persönlichen Zugriffstoken"));
        HttpResponse<String> french = get("/app/calendly", "admin-3", "fr-FR");
        assertTrue(french.body().contains("What bookings do"), "no French bundle: English");
    }

    @Test
    void theAssetsAreServed() throws Exception {
        HttpResponse<String> css = get("/app/calendly/assets/ui.css", null, "en");
        assertEquals(200, css.statusCode());
        assertTrue(css.body().contains("--cb-accent"));
        assertEquals(200, get("/app/calendly/assets/ui.js", null, "en").statusCode());
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    static HttpResponse<String> get(String path, String user, String language) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .header("Accept-Language", language).timeout(Duration.ofSeconds(30)).GET();
        if (user != null) {
            b.header("X-Test-User", user);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String user, Map<String, String> form) throws IOException, InterruptedException {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept-Language", "en")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header("X-Test-User", user);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String location(HttpResponse<?> r) {
        String to = r.headers().firstValue("Location").orElseThrow();
        return to.startsWith("/") ? base + to : to;
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex);
        return m.group(1).toLowerCase(Locale.ROOT);
    }
}
