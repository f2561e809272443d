package io.calbridge.host.security;

import io.calbridge.testing.TestClock;
import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.HostSchema;
import io.calbridge.host.TestBrowser;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LoginAndTokensTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final SecuritySettings SETTINGS = DemoTenants.settings("http://localhost:7070");
    static DemoTenants demo;
    static HostApp app;
    static UUID both;

    @BeforeAll
    static void start() {
        demo = new DemoTenants(db.dataSource());
        both = addUser("both@test.test", Map.of(demo.acme, Role.MEMBER, demo.globex, Role.ADMIN));
        app = new HostApp(db.dataSource(), SETTINGS, io.calbridge.host.TestKeys.MASTER, "test", plugin -> {
        }, (config, security) -> {
        }).start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static UUID addUser(String email, Map<UUID, Role> memberships) {
        UUID id = UUID.randomUUID();
        demo.dsl.insertInto(APP_USER).set(APP_USER.ID, id).set(APP_USER.EMAIL, email).set(APP_USER.DISPLAY_NAME, email)
                .set(APP_USER.PASSWORD_HASH, new PasswordHasher(DemoTenants.TEST_ITERATIONS).hash("demo-password")).execute();
        memberships.forEach((tenant, role) -> demo.dsl.insertInto(TENANT_MEMBER).set(TENANT_MEMBER.TENANT_ID, tenant)
                .set(TENANT_MEMBER.USER_ID, id).set(TENANT_MEMBER.ROLE, role.name()).execute());
        return id;
    }

    private TestBrowser browser() {
        return new TestBrowser(app.port());
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    private static String location(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    @Test
    void login_redirectsToTheApp_renewsTheSessionId_andTheSessionKnowsTheUserAndTenant() {
        TestBrowser b = browser();
        b.get("/login");
        assertTrue(b.cookie("calbridge_session").isEmpty(), "the login page creates no session");

        HttpResponse<String> r = b.login("admin@acme.test", "demo-password");

        assertEquals(303, r.statusCode());
        assertEquals("/app", location(r));
        assertTrue(b.cookie("calbridge_session").isPresent(), "the session starts at login");
        JsonNode me = json(b.getJson("/api/me", null));
        assertEquals("admin@acme.test", me.get("email").asText());
        assertEquals(demo.acme.toString(), me.get("tenant_id").asText());
        assertEquals("Acme Coaching", me.get("tenant_name").asText());
        assertEquals("ADMIN", me.get("role").asText());
        assertEquals("session", me.get("authenticated_by").asText());
    }

    @Test
    void wrongPassword_returnsToTheFormWithAMessage_andGrantsNothing() {
        TestBrowser b = browser();

        HttpResponse<String> r = b.login("admin@acme.test", "wrong-password");

        assertEquals(303, r.statusCode());
        assertTrue(location(r).startsWith("/login?") && location(r).contains("error=BadCredentials"), location(r));
        assertTrue(b.get(location(r)).body().contains("Wrong email or password."));
        assertEquals(401, b.getJson("/api/me", null).statusCode());
    }

    @Test
    void unknownEmail_answersLikeAWrongPassword() {
        HttpResponse<String> unknown = browser().login("nobody@acme.test", "demo-password");
        HttpResponse<String> wrong = browser().login("admin@acme.test", "nope");

        assertEquals(wrong.statusCode(), unknown.statusCode());
        assertEquals(location(wrong).replace("admin%40acme.test", "X").replace("admin@acme.test", "X"),
                location(unknown).replace("nobody%40acme.test", "X").replace("nobody@acme.test", "X"));
    }

    @Test
    void loginEchoesTheEmailEscaped() {
        HttpResponse<String> r = browser().get("/login?error=BadCredentials&username=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");

        assertFalse(r.body().contains("<script>alert(1)"), r.body());
        assertTrue(r.body().contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), r.body());
    }

    @Test
    void anonymousPage_sendsToLogin_andLoginReturnsToThatPage() {
        TestBrowser b = browser();

        HttpResponse<String> page = b.get("/app/tasks?status=done");
        HttpResponse<String> login = b.login("member@acme.test", "demo-password");

        assertEquals(302, page.statusCode());
        assertEquals("/login", location(page));
        assertEquals(303, login.statusCode());
        assertEquals("/app/tasks?status=done", location(login));
    }

    @Test
    void logout_endsTheSession() {
        TestBrowser b = browser().loggedInAs("admin@acme.test");

        HttpResponse<String> r = b.postForm("/logout", Map.of("_csrf", b.csrfToken()));

        assertEquals("/login?logged_out", location(r), r.statusCode() + " " + r.body());
        assertEquals(401, b.getJson("/api/me", null).statusCode());
        assertEquals("/login", location(b.get("/app/contacts")));
    }

    @Test
    void logoutWithoutCsrfToken_isRefused_andTheSessionStays() {
        TestBrowser b = browser().loggedInAs("admin@acme.test");

        HttpResponse<String> r = b.postForm("/logout", Map.of());

        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("did not come from this site"), r.body());
        assertEquals(200, b.getJson("/api/me", null).statusCode());
    }

    @Test
    void loginFormWithoutOrWithAnotherSessionsCsrfToken_isRefused() {
        TestBrowser attacker = browser();
        String attackersToken = TestBrowser.csrfFrom(attacker.get("/login").body());
        TestBrowser victim = browser();
        victim.get("/login");

        HttpResponse<String> noSession = browser().postForm("/callback", Map.of("username", "admin@acme.test", "password", "demo-password"));
        HttpResponse<String> noToken = victim.postForm("/callback", Map.of("username", "admin@acme.test", "password", "demo-password"));
        HttpResponse<String> foreignToken = victim.postForm("/callback",
                Map.of("_csrf", attackersToken, "username", "admin@acme.test", "password", "demo-password"));

        assertEquals(403, noSession.statusCode());
        assertEquals(403, noToken.statusCode());
        assertEquals(403, foreignToken.statusCode());
        assertEquals(401, victim.getJson("/api/me", null).statusCode());
    }

    @Test
    void csrfToken_changesAtLogin() {
        TestBrowser b = browser();
        String before = TestBrowser.csrfFrom(b.get("/login").body());
        b.loggedInAs("admin@acme.test");

        assertNotEquals(before, b.csrfToken());
        assertEquals(403, b.postForm("/logout", Map.of("_csrf", before)).statusCode());
    }

    @Test
    void userOfTwoTenants_landsInTheFirst_andSwitchesWithTheForm() {
        TestBrowser b = browser().loggedInAs("both@test.test");
        assertEquals("Acme Coaching", json(b.getJson("/api/me", null)).get("tenant_name").asText());
        assertTrue(b.get("/app/contacts").body().contains("name=\"tenant_id\""), "the switcher is shown to users of two tenants");

        HttpResponse<String> r = b.postForm("/tenant/select", Map.of("_csrf", b.csrfToken(), "tenant_id", demo.globex.toString()));

        assertEquals(303, r.statusCode());
        assertEquals("/app", location(r));
        JsonNode me = json(b.getJson("/api/me", null));
        assertEquals("Globex CRM", me.get("tenant_name").asText());
        assertEquals("ADMIN", me.get("role").asText());
    }

    @Test
    void switchingToATenantOfWhichOneIsNoMember_answersNotFound() {
        TestBrowser b = browser().loggedInAs("admin@acme.test");
        String token = b.csrfToken();

        HttpResponse<String> foreign = b.postForm("/tenant/select", Map.of("_csrf", token, "tenant_id", demo.globex.toString()));
        HttpResponse<String> missing = b.postForm("/tenant/select", Map.of("_csrf", token, "tenant_id", UUID.randomUUID().toString()));
        HttpResponse<String> junk = b.postForm("/tenant/select", Map.of("_csrf", token, "tenant_id", "junk"));

        assertEquals(404, foreign.statusCode());
        assertEquals(foreign.body(), missing.body());
        assertEquals(foreign.body(), junk.body());
        assertEquals("Acme Coaching", json(b.getJson("/api/me", null)).get("tenant_name").asText());
    }

    @Test
    void token_exchangesEmailAndPasswordForABearerJwt() throws Exception {
        HttpResponse<String> r = browser().postJson("/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}", Map.of());

        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(900, body.get("expires_in").asInt());
        assertEquals(demo.acme.toString(), body.get("tenant_id").asText());
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(body.get("access_token").asText().split("\\.")[1]));
        assertEquals(demo.acmeAdmin.toString(), claims.get("sub").asText());
        assertEquals(demo.acme.toString(), claims.get("tenant_id").asText());
        assertTrue(claims.has("exp") && claims.has("iat"), claims.toString());

        JsonNode me = json(browser().getJson("/api/me", body.get("access_token").asText()));
        assertEquals("admin@acme.test", me.get("email").asText());
        assertEquals("bearer", me.get("authenticated_by").asText());
    }

    @Test
    void token_forAChosenTenant() {
        HttpResponse<String> r = browser().postJson("/api/token",
                "{\"email\":\"both@test.test\",\"password\":\"demo-password\",\"tenant_id\":\"" + demo.globex + "\"}", Map.of());

        JsonNode me = json(browser().getJson("/api/me", json(r).get("access_token").asText()));
        assertEquals("Globex CRM", me.get("tenant_name").asText());
        assertEquals("ADMIN", me.get("role").asText());
    }

    @Test
    void token_badRequests_sayWhatIsWrong() {
        TestBrowser b = browser();

        HttpResponse<String> wrong = b.postJson("/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"nope\"}", Map.of());
        HttpResponse<String> noPassword = b.postJson("/api/token", "{\"email\":\"admin@acme.test\"}", Map.of());
        HttpResponse<String> notJson = b.postJson("/api/token", "email=admin", Map.of());
        HttpResponse<String> badTenant = b.postJson("/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\",\"tenant_id\":\"x\"}", Map.of());
        HttpResponse<String> notMember = b.postJson("/api/token",
                "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\",\"tenant_id\":\"" + demo.globex + "\"}", Map.of());

        assertEquals(401, wrong.statusCode());
        assertEquals("{\"error\":{\"code\":\"invalid_credentials\",\"message\":\"Wrong email or password.\"}}", wrong.body());
        assertEquals(400, noPassword.statusCode());
        assertEquals("password", json(noPassword).get("error").get("field").asText());
        assertEquals(400, notJson.statusCode());
        assertEquals(400, badTenant.statusCode());
        assertEquals("tenant_id", json(badTenant).get("error").get("field").asText());
        assertEquals(403, notMember.statusCode());
        assertEquals("no_tenant", json(notMember).get("error").get("code").asText());
    }

    @Test
    void forgedExpiredUnsignedOrGarbageTokens_areAnonymous() {
        Membership acme = new Membership(demo.acme, "Acme Coaching", "acme", java.time.ZoneOffset.UTC, Role.ADMIN);
        String forged = new JwtTokens(JwtKey.random(), Duration.ofMinutes(15), java.time.Clock.systemUTC())
                .issue(demo.acmeAdmin, "admin@acme.test", acme).token();
        String expired = new JwtTokens(SETTINGS.jwtKey(), Duration.ofMinutes(15),
                TestClock.fixed(Instant.now().minus(Duration.ofHours(1)))).issue(demo.acmeAdmin, "admin@acme.test", acme).token();
        String valid = new JwtTokens(SETTINGS.jwtKey(), Duration.ofMinutes(15), java.time.Clock.systemUTC())
                .issue(demo.acmeAdmin, "admin@acme.test", acme).token();
        String unsigned = b64("{\"alg\":\"none\"}") + "." + valid.split("\\.")[1] + ".";

        assertEquals(200, browser().getJson("/api/me", valid).statusCode(), "the control token works");
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var logs = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logs.start();
        root.addAppender(logs);
        String[] rejected = {forged, expired, unsigned, "garbage", valid.substring(0, valid.length() - 2)};
        try {
            for (String token : rejected) {
                HttpResponse<String> r = browser().getJson("/api/me", token);
                assertEquals(401, r.statusCode(), token);
                assertEquals("unauthenticated", json(r).get("error").get("code").asText());
            }
        } finally {
            root.detachAppender(logs);
        }
        for (var event : logs.list) {
            for (String token : rejected) {
                String payload = token.contains(".") ? token.split("\\.")[1] : token;
                assertFalse(event.getFormattedMessage().contains(payload), "a token reached the log: " + event.getFormattedMessage());
            }
        }
    }

    /** Regression (issue 13): a correctly signed token without {@code exp} was accepted forever, and {@code nbf} was ignored. */
    @Test
    void signedTokensWithoutExp_orBeforeTheirNbf_areAnonymous() {
        Instant now = Instant.now();
        String noExp = signed(now, null, null);
        String notYet = signed(now, now.plus(Duration.ofMinutes(15)), now.plus(Duration.ofMinutes(5)));
        String due = signed(now, now.plus(Duration.ofMinutes(15)), now.minus(Duration.ofMinutes(1)));

        assertEquals(200, browser().getJson("/api/me", due).statusCode(), "exp ahead, nbf passed: the control works");
        for (String token : new String[] {noExp, notYet}) {
            HttpResponse<String> r = browser().getJson("/api/me", token);
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("unauthenticated", json(r).get("error").get("code").asText());
        }
    }

    /** A token signed with the host's key, with the claims {@link JwtTokens} issues, {@code exp} and {@code nbf} as given. */
    private static String signed(Instant issuedAt, Instant exp, Instant nbf) {
        var generator = new org.pac4j.jwt.profile.JwtGenerator(new JwtTokens(SETTINGS.jwtKey(), Duration.ofMinutes(15),
                java.time.Clock.systemUTC()).signature());
        if (exp != null) {
            generator.setExpirationTime(java.util.Date.from(exp));
        }
        Map<String, Object> claims = new java.util.LinkedHashMap<>();
        claims.put("sub", demo.acmeAdmin.toString());
        claims.put("tenant_id", demo.acme.toString());
        claims.put("role", "ADMIN");
        claims.put("email", "admin@acme.test");
        claims.put("iat", java.util.Date.from(issuedAt));
        if (nbf != null) {
            claims.put("nbf", java.util.Date.from(nbf));
        }
        return generator.generate(claims);
    }

    @Test
    void requestWithAnAuthorizationHeader_neverUsesTheSession() {
        TestBrowser b = browser().loggedInAs("admin@acme.test");

        assertEquals(401, b.getJson("/api/me", "garbage").statusCode());
        assertEquals(200, b.getJson("/api/me", null).statusCode());
    }

    @Test
    void removedMember_losesAccessAtOnce_withSessionAndToken() {
        UUID user = addUser("leaver@test.test", Map.of(demo.acme, Role.ADMIN));
        TestBrowser b = browser().loggedInAs("leaver@test.test");
        String token = json(browser().postJson("/api/token", "{\"email\":\"leaver@test.test\",\"password\":\"demo-password\"}", Map.of()))
                .get("access_token").asText();
        assertEquals(200, b.getJson("/api/me", null).statusCode());

        demo.dsl.deleteFrom(TENANT_MEMBER).where(TENANT_MEMBER.USER_ID.eq(user)).execute();

        assertEquals(401, b.getJson("/api/me", null).statusCode());
        assertEquals(401, browser().getJson("/api/me", token).statusCode());
    }

    @Test
    void sessionCookie_isHttpOnlyAndSameSiteLax_andNotSecureOverHttp() {
        HttpResponse<String> r = browser().login("admin@acme.test", "demo-password");

        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("calbridge_session=")).findFirst().orElseThrow();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertFalse(cookie.contains("Secure"), cookie);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
