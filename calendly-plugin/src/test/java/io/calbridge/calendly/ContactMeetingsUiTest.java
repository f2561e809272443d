package io.calbridge.calendly;

import static io.calbridge.db.calendly.Tables.CALENDLY_SCHEDULING_LINK;
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
import io.calbridge.sandbox.SandboxSchedulingLink;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drop-in UI's meetings of one contact ({@link ContactMeetingsUi}) over plain HTTP: what a member
 * sees and may do is what {@code HostSecurity.mayAct} allows; every action is a form post with the
 * host's CSRF token that comes back to the host's page (never to another site) with its result as a
 * code the section turns into words; a link form sent twice makes one link. A second tenant has two
 * connections (two team members' Calendly accounts): its link form lets the member choose whose event
 * type the link is for.
 */
class ContactMeetingsUiTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final String CSRF = "csrf-of-the-session";
    static final String TENANT = "tenant-contact-ui";
    /** The tenant of users whose id ends in "-team": two Calendly connections. */
    static final String TEAM = "tenant-contact-ui-team";
    static final String TEAM_CONTACT = "team-contact-1";
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static CalendlySandbox sandbox;
    static SandboxEventType intro;
    static final TestHost crm = new TestHost();
    static Javalin host;
    static String base;
    static String contact;
    static SandboxUser bea;
    static SandboxUser cy;
    static SandboxEventType beaDemo;
    static SandboxEventType cyCoaching;
    static String beaIntegration;
    static String cyIntegration;

    /** Callers from a header; "viewer" may only look, "member" may do everything (the host decides). */
    static final HostSecurity SECURITY = new HostSecurity() {
        @Override
        public Optional<Caller> caller(Context ctx) {
            String who = ctx.header("X-Test-User");
            return who == null ? Optional.empty()
                    : Optional.of(new Caller(who.endsWith("-team") ? TEAM : TENANT, who, who.startsWith("admin")));
        }

        @Override
        public Optional<String> csrfToken(Context ctx) {
            return Optional.of(CSRF);
        }

        @Override
        public boolean mayAct(Caller caller, Action action) {
            return caller.userId().startsWith("viewer") ? action == Action.VIEW_MEETINGS : true;
        }
    };

    @BeforeAll
    static void start() throws Exception {
        sandbox = CalendlySandbox.start(SandboxOptions.defaults());
        SandboxUser ada = sandbox.createUser(sandbox.createOrganization("Acme", Plan.STANDARD), "Ada Host",
                "ada@example.com", Role.OWNER, "UTC");
        intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        host = Javalin.create(config -> {
            config.jetty.port = port;
            config.registerPlugin(new CalendlyPlugin(c -> {
                SandboxedConfig.apply(c, sandbox, base, db.dataSource(), crm.asServices(), SECURITY);
                c.webhookPollInterval = Duration.ofMillis(100);
                c.settingsUi = SettingsUi.at("/app/calendly");
            }));
            // The host's own contact page, mounting the section.
            config.routes.get("/crm/contacts/{id}", ctx -> {
                ContactMeetingsUi ui = ctx.appData(CalendlyPlugin.CONTACT_MEETINGS_UI);
                ctx.html("<html><head>" + ui.head() + "</head><body>"
                        + ui.render(ctx, ctx.pathParam("id"), "/crm/contacts/" + ctx.pathParam("id")) + "</body></html>");
            });
        }).start();
        connect("admin-1", ada);
        sandbox.book(BookingRequest.of(intro, "Jane Doe", "jane@example.com",
                Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> crm.contactsByEmail.containsKey(TENANT + "|jane@example.com")
                && get("/crm/contacts/" + crm.contactsByEmail.get(TENANT + "|jane@example.com").id(), "member-1")
                .body().contains("data-meeting-id"));
        contact = crm.contactsByEmail.get(TENANT + "|jane@example.com").id();

        // Two members of one Calendly organization, each connected to the team tenant.
        var team = sandbox.createOrganization("Team Co", Plan.STANDARD);
        bea = sandbox.createUser(team, "Bea Lead", "bea@example.com", Role.OWNER, "UTC");
        cy = sandbox.createUser(team, "Cy Coach", "cy@example.com", Role.USER, "UTC");
        beaDemo = sandbox.createEventType(bea, "Bea demo", EventKind.SOLO, Duration.ofMinutes(30));
        cyCoaching = sandbox.createEventType(cy, "Cy coaching", EventKind.SOLO, Duration.ofMinutes(45));
        beaIntegration = connect("admin-team", bea);
        cyIntegration = connect("admin-team", cy);
    }

    /** Connects the user's personal access token for the caller's tenant; the new integration's id. */
    static String connect(String admin, SandboxUser user) throws Exception {
        HttpResponse<String> connected = http.send(HttpRequest.newBuilder(URI.create(base + "/settings/calendly/connect"))
                .header("X-Test-User", admin).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"personal_token\",\"personal_token\":\""
                        + sandbox.createPersonalAccessToken(user) + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, connected.statusCode() / 100, connected.body());
        return find(connected.body(), "\"integration_id\":\"([0-9a-f-]{36})\"");
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
    void aMemberSeesTheMeetingsWithEveryActionAndTheHostsCsrfToken() throws Exception {
        String page = get("/crm/contacts/" + contact, "member-1").body();
        assertTrue(page.contains("<link rel=\"stylesheet\" href=\"/app/calendly/assets/ui.css\">"), "head(): " + page);
        assertTrue(page.contains("id=\"calendly-contact\""), page);
        assertTrue(page.contains("<h2 id=\"cb-contact-title\">Calendly meetings</h2>"), page);
        assertTrue(page.contains("Intro call") && page.contains("Scheduled"), page);
        assertTrue(page.contains("class=\"cb-inline cb-cancel\""), "cancel is offered for an upcoming meeting");
        assertTrue(page.contains("class=\"cb-inline cb-no-show\""), page);
        assertTrue(page.contains("id=\"cb-link-form\"") && page.contains("<option value=\"" + intro.uri() + "\">Intro call</option>"),
                page);
        assertTrue(page.contains("name=\"_csrf\" value=\"" + CSRF + "\""), "the host's CSRF token in every form");
        assertTrue(page.contains("name=\"return_to\" value=\"/crm/contacts/" + contact + "\""), page);
        assertFalse(page.contains("jane@example.com"), "no invitee data in the markup but what the host shows");
        assertTrue(get("/crm/contacts/" + contact, "member-1", "de").body().contains("Calendly-Termine"), "German texts");
        HttpResponse<String> standalone = get("/app/calendly/contacts/" + contact, "member-1");
        assertEquals(200, standalone.statusCode());
        assertTrue(standalone.body().contains("<!doctype html>") && standalone.body().contains("id=\"calendly-contact\""));
    }

    @Test
    void aViewerSeesTheMeetingsButNoActions_andAPostIsRefusedInWords() throws Exception {
        String page = get("/crm/contacts/" + contact, "viewer-1").body();
        assertTrue(page.contains("data-meeting-id"), page);
        assertFalse(page.contains("cb-cancel") || page.contains("cb-no-show") || page.contains("cb-link-form"), page);
        String meeting = find(get("/crm/contacts/" + contact, "member-1").body(), "data-meeting-id=\"([0-9a-f-]{36})\"");
        int asked = sandbox.stats().apiRequests("/scheduled_events");

        HttpResponse<String> refused = post("/app/calendly/contacts/" + contact + "/meetings/" + meeting + "/cancel",
                "viewer-1", Map.of("_csrf", CSRF, "reason", "no", "return_to", "/crm/contacts/" + contact));
        assertEquals(303, refused.statusCode());
        String back = refused.headers().firstValue("Location").orElseThrow();
        assertEquals("/crm/contacts/" + contact + "?cb_error=forbidden&cb_action=cancel#calendly-contact", back);
        assertTrue(get(back, "viewer-1").body().contains("You may not cancel Calendly meetings in this workspace."));
        assertEquals(asked, sandbox.stats().apiRequests("/scheduled_events"), "Calendly was not asked");
        assertTrue(get("/crm/contacts/" + contact, null).body().contains("Please sign in to see Calendly meetings."));
    }

    @Test
    void aPostWithoutTheCsrfTokenDoesNothing_andForeignReturnAddressesAreIgnored() throws Exception {
        String meeting = find(get("/crm/contacts/" + contact, "member-1").body(), "data-meeting-id=\"([0-9a-f-]{36})\"");
        int asked = sandbox.stats().apiRequests("/invitee_no_shows");
        HttpResponse<String> forged = post("/app/calendly/contacts/" + contact + "/meetings/" + meeting + "/no-show",
                "member-1", Map.of("_csrf", "guessed", "return_to", "//evil.example/steal"));
        assertEquals(303, forged.statusCode());
        String back = forged.headers().firstValue("Location").orElseThrow();
        assertEquals("/app/calendly/contacts/" + contact + "?cb_error=csrf_invalid#calendly-contact", back,
                "another site is never a return address");
        String expired = get(back, "member-1").body();
        assertTrue(expired.contains("This form has expired."), expired);
        assertEquals(asked, sandbox.stats().apiRequests("/invitee_no_shows"), "Calendly was not asked");
        HttpResponse<String> crafted = get("/crm/contacts/" + contact + "?cb_done=%3Cscript%3E&cb_error=x%20y", "member-1");
        assertFalse(crafted.body().contains("<script>") || crafted.body().contains("x y"), "a crafted link shows no words of its own");
    }

    @Test
    void aMemberMarksANoShowAndMakesOneLinkForTwoPostsOfTheSameForm() throws Exception {
        String page = get("/crm/contacts/" + contact, "member-1").body();
        String meeting = find(page, "data-meeting-id=\"([0-9a-f-]{36})\"");
        HttpResponse<String> marked = post("/app/calendly/contacts/" + contact + "/meetings/" + meeting + "/no-show",
                "member-1", Map.of("_csrf", CSRF, "return_to", "/crm/contacts/" + contact));
        String back = marked.headers().firstValue("Location").orElseThrow();
        assertTrue(back.equals("/crm/contacts/" + contact + "?cb_done=no_show_marked#calendly-contact")
                || back.equals("/crm/contacts/" + contact + "?cb_done=already#calendly-contact"), back);
        assertTrue(get(back, "member-1").body().contains("id=\"cb-contact-result\""));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                get("/crm/contacts/" + contact, "member-1").body().contains(">Not a no-show</button>"));

        String key = find(page, "name=\"idempotency_key\" value=\"([0-9a-f-]{36})\"");
        Map<String, String> form = Map.of("_csrf", CSRF, "return_to", "/crm/contacts/" + contact,
                "idempotency_key", key, "event_type_uri", intro.uri());
        String first = post("/app/calendly/contacts/" + contact + "/scheduling-links", "member-1", form)
                .headers().firstValue("Location").orElseThrow();
        String second = post("/app/calendly/contacts/" + contact + "/scheduling-links", "member-1", form)
                .headers().firstValue("Location").orElseThrow();
        assertTrue(first.startsWith("/crm/contacts/" + contact + "?cb_done=link_created&cb_link="), first);
        assertEquals(first, second, "the same form sent twice: one link");
        String shown = get(first, "member-1").body();
        String url = find(shown, "id=\"cb-link-url\" readonly value=\"([^\"]+)\"");
        assertTrue(url.contains("utm_content=calbridge-link.") && url.contains("email=jane%40example.com"), url);
        assertTrue(shown.contains("data-copy=\"cb-link-url\""), "a copy button for the script to show");
    }

    @Test
    void withTwoConnectionsTheLinkFormGroupsEachAccountsEventTypes() throws Exception {
        String page = get("/crm/contacts/" + TEAM_CONTACT, "member-team").body();
        assertTrue(page.contains("id=\"cb-link-form\""), page);
        assertFalse(page.contains("id=\"cb-link-problem\""), page);
        String select = find(page, "(?s)(<select id=\"cb-link-event-type\" name=\"event_type\">.*?</select>)");
        assertTrue(select.contains("<optgroup label=\"Bea Lead\">\n<option value=\"" + beaIntegration + " " + beaDemo.uri()
                + "\">Bea demo</option>\n</optgroup>"), select);
        assertTrue(select.contains("<optgroup label=\"Cy Coach\">\n<option value=\"" + cyIntegration + " " + cyCoaching.uri()
                + "\">Cy coaching</option>\n</optgroup>"), select);
        assertTrue(page.contains(">Calendly account and event type</label>"), page);
        assertTrue(get("/crm/contacts/" + TEAM_CONTACT, "member-team", "de").body()
                .contains(">Calendly-Konto und Ereignistyp</label>"), "German texts");
    }

    @Test
    void aLinkForTheSecondConnectionIsMadeWithThatAccount() throws Exception {
        String page = get("/crm/contacts/" + TEAM_CONTACT, "member-team").body();
        String key = find(page, "name=\"idempotency_key\" value=\"([0-9a-f-]{36})\"");
        String choice = find(page, "<option value=\"([^\"]+)\">Cy coaching</option>");
        HttpResponse<String> made = post("/app/calendly/contacts/" + TEAM_CONTACT + "/scheduling-links", "member-team",
                Map.of("_csrf", CSRF, "return_to", "/crm/contacts/" + TEAM_CONTACT, "idempotency_key", key,
                        "event_type", choice));
        String back = made.headers().firstValue("Location").orElseThrow();
        assertTrue(back.startsWith("/crm/contacts/" + TEAM_CONTACT + "?cb_done=link_created&cb_link="), back);
        String url = find(get(back, "member-team").body(), "id=\"cb-link-url\" readonly value=\"([^\"]+)\"");
        SandboxSchedulingLink link = sandbox.schedulingLink(url.replace("&amp;", "&"));
        assertEquals(cyCoaching.uri(), link.owner(), "Cy's event type");
        assertEquals(cy.uri(), link.creatorUri(), "made with Cy's connection, not Bea's (an owner may link Cy's types too)");
    }

    @Test
    void aForgedPostWithAnotherConnectionsEventTypeIsRefused_andNothingIsMade() throws Exception {
        int asked = sandbox.stats().apiRequests("/scheduling_links");
        String key = UUID.randomUUID().toString();
        // Bea is the organization's owner: Calendly itself would let her token link Cy's event type.
        HttpResponse<String> forged = post("/app/calendly/contacts/" + TEAM_CONTACT + "/scheduling-links", "member-team",
                Map.of("_csrf", CSRF, "return_to", "/crm/contacts/" + TEAM_CONTACT, "idempotency_key", key,
                        "event_type", beaIntegration + " " + cyCoaching.uri()));
        String back = forged.headers().firstValue("Location").orElseThrow();
        assertEquals("/crm/contacts/" + TEAM_CONTACT + "?cb_error=event_type_not_of_account&cb_action=link#calendly-contact",
                back);
        assertTrue(get(back, "member-team").body().contains("This event type is not one of the chosen Calendly account's."),
                "said in words");
        assertEquals(asked, sandbox.stats().apiRequests("/scheduling_links"), "Calendly was not asked for a link");
        assertEquals(0, DSL.using(db.dataSource(), SQLDialect.POSTGRES).fetchCount(CALENDLY_SCHEDULING_LINK,
                CALENDLY_SCHEDULING_LINK.IDEMPOTENCY_KEY.eq(key)), "no link stored");

        HttpResponse<String> foreign = post("/app/calendly/contacts/" + TEAM_CONTACT + "/scheduling-links", "member-team",
                Map.of("_csrf", CSRF, "return_to", "/crm/contacts/" + TEAM_CONTACT, "idempotency_key", key,
                        "event_type", UUID.randomUUID() + " " + cyCoaching.uri()));
        String notFound = foreign.headers().firstValue("Location").orElseThrow();
        assertEquals("/crm/contacts/" + TEAM_CONTACT + "?cb_error=not_found&cb_action=link#calendly-contact", notFound,
                "an integration that is not the caller's tenant's");
        assertTrue(get(notFound, "member-team").body().contains("This Calendly connection was not found in this workspace."));
        assertEquals(asked, sandbox.stats().apiRequests("/scheduling_links"));
    }

    static HttpResponse<String> get(String path, String user) throws Exception {
        return get(path, user, "en");
    }

    static HttpResponse<String> get(String path, String user, String language) throws Exception {
        // As a browser does, the fragment (#calendly-contact) stays in the client.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.replaceFirst("#.*", "")))
                .header("Accept-Language", language);
        if (user != null) {
            b.header("X-Test-User", user);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String user, Map<String, String> form) throws Exception {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept-Language", "en")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header("X-Test-User", user);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex + " in " + text);
        return m.group(1);
    }
}
