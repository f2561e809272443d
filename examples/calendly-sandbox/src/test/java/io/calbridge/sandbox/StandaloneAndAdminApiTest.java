package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone entry point and the JSON admin API, driven the way docs/sandbox.md shows with curl. */
class StandaloneAndAdminApiTest {
    private static JsonNode created(HttpResponse<String> r) {
        assertEquals(201, r.statusCode(), r.body());
        return TestHttp.json(r);
    }

    @Test
    void seededStandaloneSandboxPrintsWorkingCredentials() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (CalendlySandbox sb = SandboxMain.run(new String[] {"--port", "0"}, new PrintStream(buf, true,
                StandardCharsets.UTF_8))) {
            String out = buf.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("listening on " + sb.baseUrl()), out);
            Matcher pat = Pattern.compile("owner PAT\\s+(\\S+)").matcher(out);
            assertTrue(pat.find(), out);
            HttpResponse<String> me = TestHttp.get(sb.baseUrl() + "/users/me", pat.group(1));
            assertEquals(200, me.statusCode());
            assertEquals("ada@example.com", TestHttp.json(me).at("/resource/email").asText());
            assertTrue(out.contains("client_secret="), out);
            assertEquals(200, TestHttp.get(sb.baseUrl() + "/_sandbox", null).statusCode());
        }
        assertNull(SandboxMain.run(new String[] {"--help"}, new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void credentialsDir_getsTheSeededCredentialsAsOwnerOnlyFiles_andTheRedirectUriIsTheNodes(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("client_secret"), "from an earlier run");
        String redirect = "http://localhost:8080/settings/calendly/callback";
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (CalendlySandbox sb = SandboxMain.run(new String[] {"--port", "0", "--redirect-uri", redirect,
                "--credentials-dir", dir.toString()}, new PrintStream(buf, true, StandardCharsets.UTF_8))) {
            String out = buf.toString(StandardCharsets.UTF_8);
            String clientId = Files.readString(dir.resolve("client_id")).strip();
            String secret = Files.readString(dir.resolve("client_secret")).strip();
            String pat = Files.readString(dir.resolve("personal_access_token")).strip();

            assertTrue(out.contains("client_id=" + clientId) && out.contains("client_secret=" + secret), out);
            assertTrue(out.contains("webhook signing key=" + Files.readString(dir.resolve("webhook_signing_key")).strip()), out);
            assertTrue(out.contains("redirect URIs [" + redirect + "]"), out);
            assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", pat).statusCode());
            // The client credentials work at the token endpoint (a wrong secret would be invalid_client).
            HttpResponse<String> token = TestHttp.postForm(sb.baseUrl() + "/oauth/token", Map.of("grant_type",
                    "authorization_code", "code", "not-a-code", "redirect_uri", redirect), clientId, secret);
            assertEquals("invalid_grant", TestHttp.json(token).get("error").asText(), token.body());
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(dir.resolve("client_secret")));
        }
    }

    @Test
    void adminApiCreatesAccountsBooksAndShowsDeliveries() throws Exception {
        try (CalendlySandbox sb = SandboxMain.run(new String[] {"--port", "0", "--no-seed"}, new PrintStream(
                new ByteArrayOutputStream())); Receiver receiver = new Receiver()) {
            String b = sb.baseUrl();
            JsonNode org = created(TestHttp.postJson(b + "/_sandbox/organizations", null,
                    Map.of("name", "Curl Co", "plan", "standard")));
            JsonNode user = created(TestHttp.postJson(b + "/_sandbox/users", null, Map.of("organization",
                    org.get("uri").asText(), "name", "Carl Host", "email", "carl@example.com", "role", "owner",
                    "timezone", "Europe/Berlin")));
            String redirect = "http://localhost:7070/cb";
            JsonNode app = created(TestHttp.postJson(b + "/_sandbox/oauth_apps", null, Map.of("name", "My CRM",
                    "redirect_uris", List.of(redirect), "default_user", user.get("uri").asText())));
            JsonNode et = created(TestHttp.postJson(b + "/_sandbox/event_types", null, Map.of("user",
                    user.get("uri").asText(), "name", "Intro call", "kind", "solo", "duration_minutes", 30,
                    "location", "zoom", "questions", List.of("Company?"))));

            // OAuth as a browser would: consent page, Approve, code, token.
            String authorize = b + "/oauth/authorize?client_id=" + app.get("client_id").asText()
                    + "&response_type=code&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                    + "&scope=" + URLEncoder.encode("users:read webhooks:write scheduled_events:read", StandardCharsets.UTF_8)
                    + "&state=xyz";
            HttpResponse<String> page = TestHttp.get(authorize, null);
            assertTrue(page.headers().firstValue("content-type").orElse("").contains("charset=utf-8"));
            assertTrue(page.body().contains("Carl Host"), "the app's default user is consenting");
            HttpResponse<String> approved = TestHttp.postForm(b + "/oauth/authorize", Map.of("client_id",
                    app.get("client_id").asText(), "redirect_uri", redirect, "response_type", "code", "state", "xyz",
                    "scope", "users:read webhooks:write scheduled_events:read", "decision", "approve"), null, null);
            assertEquals(302, approved.statusCode(), approved.body());
            String code = approved.headers().firstValue("Location").orElseThrow().replaceAll(".*code=([0-9a-f]+).*", "$1");
            JsonNode token = TestHttp.json(TestHttp.postForm(b + "/oauth/token", Map.of("grant_type",
                    "authorization_code", "code", code, "redirect_uri", redirect), app.get("client_id").asText(),
                    app.get("client_secret").asText()));
            String access = token.get("access_token").asText();
            assertEquals(user.get("uri").asText(), token.get("owner").asText());

            created(TestHttp.postJson(b + "/webhook_subscriptions", access, Map.of("url", receiver.url("/hook"),
                    "events", List.of("invitee.created", "invitee.canceled", "invitee_no_show.created"),
                    "organization", org.get("uri").asText(), "scope", "organization")));
            JsonNode booking = created(TestHttp.postJson(b + "/_sandbox/bookings", null, Map.of(
                    "event_type", et.get("uri").asText(), "name", "Jane Doe", "email", "jane@example.com",
                    "start_time", "2031-05-04T15:00:00Z", "timezone", "America/New_York",
                    "answers", Map.of("Company?", "Acme"), "utm_source", "google", "guests", List.of("g@example.com"))));
            String invitee = booking.get("invitee").asText();
            JsonNode moved = created(TestHttp.postJson(b + "/_sandbox/reschedules", null, Map.of("invitee", invitee,
                    "start_time", "2031-05-05T15:00:00Z", "reason", "later", "order", "create_first")));
            created(TestHttp.postJson(b + "/_sandbox/no_shows", null, Map.of("invitee", moved.get("invitee").asText())));

            List<Receiver.Received> got = receiver.await("/hook", 4, Duration.ofSeconds(10));
            List<String> events = got.stream().map(r -> TestHttp.json(r.bodyString()).get("event").asText()).toList();
            assertEquals(List.of("invitee.created", "invitee.created", "invitee.canceled", "invitee_no_show.created"),
                    events);
            for (Receiver.Received r : got) {
                WebhookDeliveryTest.assertSigned(r, app.get("webhook_signing_key").asText());
            }
            JsonNode zoom = TestHttp.json(got.get(0).bodyString()).at("/payload/scheduled_event/location");
            assertEquals("zoom", zoom.get("type").asText());

            sb.awaitIdle(Duration.ofSeconds(5));
            JsonNode deliveries = TestHttp.json(TestHttp.get(b + "/_sandbox/deliveries", null));
            assertEquals(4, deliveries.size());
            assertEquals("DELIVERED", deliveries.at("/0/outcome").asText());
            assertEquals(got.get(0).bodyString(), deliveries.at("/0/body").asText());

            var events2 = TestHttp.json(TestHttp.get(b + "/scheduled_events?user="
                    + URLEncoder.encode(user.get("uri").asText(), StandardCharsets.UTF_8), access));
            assertEquals(2, events2.get("collection").size());

            assertEquals(204, TestHttp.postJson(b + "/_sandbox/faults", null, Map.of("fail_next_api_requests",
                    Map.of("n", 1, "status", 503))).statusCode());
            assertEquals(503, TestHttp.get(b + "/users/me", access).statusCode());
            assertEquals(200, TestHttp.get(b + "/users/me", access).statusCode());
            TestHttp.postJson(b + "/_sandbox/time/advance", null, Map.of("seconds", 7201));
            assertEquals("The access token expired", TestHttp.json(TestHttp.get(b + "/users/me", access))
                    .get("message").asText());
            JsonNode stats = TestHttp.json(TestHttp.get(b + "/_sandbox/stats", null));
            assertEquals(1, stats.at("/token_requests/authorization_code").asInt());

            HttpResponse<String> bad = TestHttp.postJson(b + "/_sandbox/bookings", null, Map.of("name", "x"));
            assertEquals(400, bad.statusCode());
            assertTrue(TestHttp.json(bad).get("message").asText().contains("event_type"), bad.body());
            HttpResponse<String> missing = TestHttp.postJson(b + "/_sandbox/cancellations", null,
                    Map.of("invitee", b + "/scheduled_events/nope/invitees/nope"));
            assertEquals(404, missing.statusCode());
            HttpResponse<String> twice = TestHttp.postJson(b + "/_sandbox/cancellations", null, Map.of("invitee", invitee));
            assertEquals(409, twice.statusCode(), "an already canceled invitee: " + twice.body());
        }
    }
}
