package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The authorization-code flow with PKCE over real HTTP, as an integration would drive Calendly. */
class OAuthFlowTest {
    private static final String REDIRECT = "http://localhost:7070/settings/calendly/callback";
    private static CalendlySandbox sb;
    private static SandboxOrganization org;
    private static SandboxUser owner;
    private static SandboxUser member;
    private static SandboxApp app;

    @BeforeAll
    static void start() {
        sb = CalendlySandbox.start(SandboxOptions.defaults());
        org = sb.createOrganization("Acme", Plan.STANDARD);
        owner = sb.createUser(org, "Ada Host", "ada@example.com", Role.OWNER, "Europe/Warsaw");
        member = sb.createUser(org, "Bob Member", "bob@example.com", Role.USER, "UTC");
        app = sb.createOAuthApp("Acme CRM", List.of(REDIRECT));
    }

    /** Calendly allows 8 token requests per user per minute; every test starts with a fresh window. */
    @BeforeEach
    void freshRateLimitWindow() {
        sb.advanceTime(Duration.ofSeconds(61));
    }

    @AfterAll
    static void stop() {
        sb.close();
    }

    private static String authorizeUrl(String state, String challenge, String scope, String loginAs) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", app.clientId());
        q.put("response_type", "code");
        q.put("redirect_uri", REDIRECT);
        q.put("state", state);
        if (challenge != null) {
            q.put("code_challenge_method", "S256");
            q.put("code_challenge", challenge);
        }
        if (scope != null) {
            q.put("scope", scope);
        }
        if (loginAs != null) {
            q.put("login_as", loginAs);
        }
        return sb.baseUrl() + "/oauth/authorize?" + TestHttp.form(q);
    }

    /** Opens the consent page, checks it, and submits the form with {@code decision}. */
    private static HttpResponse<String> consent(String url, String decision) {
        HttpResponse<String> page = TestHttp.get(url, null);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("content-type").orElse("").matches("text/html; ?charset=utf-8"));
        assertTrue(page.body().contains("Approve") && page.body().contains("Deny"), page.body());
        Map<String, String> form = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").matcher(page.body());
        while (m.find()) {
            form.put(m.group(1), m.group(2).replace("&amp;", "&").replace("&quot;", "\""));
        }
        Matcher selected = Pattern.compile("<option value=\"([^\"]+)\" selected>").matcher(page.body());
        assertTrue(selected.find(), "the consent page preselects a user");
        form.put("login_as", selected.group(1));
        form.put("decision", decision);
        return TestHttp.postForm(sb.baseUrl() + "/oauth/authorize", form, null, null);
    }

    private static Map<String, String> query(String location) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(location).getRawQuery();
        for (String p : q.split("&")) {
            int eq = p.indexOf('=');
            out.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String[] pkce() throws Exception {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        return new String[] {verifier, challenge};
    }

    private static HttpResponse<String> token(Map<String, String> form) {
        return TestHttp.postForm(sb.baseUrl() + "/oauth/token", form, app.clientId(), app.clientSecret());
    }

    private static HttpResponse<String> refresh(String refreshToken) {
        return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private static String code(String loginAs, String scope, String challenge) {
        HttpResponse<String> r = consent(authorizeUrl("s-" + System.nanoTime(), challenge, scope, loginAs), "approve");
        assertEquals(302, r.statusCode(), r.body());
        return query(r.headers().firstValue("Location").orElseThrow()).get("code");
    }

    @Test
    void authorizationCodeWithPkceThenTwoRefreshesAndReuseOfTheFirstRefreshTokenFails() throws Exception {
        String[] pkce = pkce();
        String state = "st-" + System.nanoTime();
        HttpResponse<String> redirect = consent(authorizeUrl(state, pkce[1], "users:read scheduled_events:read", null),
                "approve");
        assertEquals(302, redirect.statusCode());
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?"), location);
        Map<String, String> back = query(location);
        assertEquals(state, back.get("state"));
        assertTrue(back.get("code").matches("[0-9a-f]{64}"), back.get("code"));

        HttpResponse<String> exchanged = token(Map.of("grant_type", "authorization_code", "code", back.get("code"),
                "redirect_uri", REDIRECT, "code_verifier", pkce[0]));
        assertEquals(200, exchanged.statusCode(), exchanged.body());
        JsonNode t = TestHttp.json(exchanged);
        List<String> keys = new ArrayList<>();
        t.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("token_type", "expires_in", "created_at", "refresh_token", "access_token", "scope", "owner",
                "organization"), keys, "token response keys in the docs' order");
        assertEquals("Bearer", t.get("token_type").asText());
        assertEquals(7200, t.get("expires_in").asInt());
        assertEquals(owner.uri(), t.get("owner").asText());
        assertEquals(org.uri(), t.get("organization").asText());
        assertEquals("users:read scheduled_events:read", t.get("scope").asText());
        assertEquals(3, t.get("access_token").asText().split("\\.").length, "access tokens look like JWTs");
        assertTrue(exchanged.headers().firstValue("X-RateLimit-Limit").isPresent());

        HttpResponse<String> me = TestHttp.get(sb.baseUrl() + "/users/me", t.get("access_token").asText());
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(owner.uri(), TestHttp.json(me).at("/resource/uri").asText());
        assertEquals(org.uri(), TestHttp.json(me).at("/resource/current_organization").asText());

        HttpResponse<String> codeReuse = token(Map.of("grant_type", "authorization_code", "code", back.get("code"),
                "redirect_uri", REDIRECT, "code_verifier", pkce[0]));
        assertEquals(400, codeReuse.statusCode());
        assertEquals("invalid_grant", TestHttp.json(codeReuse).get("error").asText());

        int refreshesBefore = sb.stats().tokenRequests("refresh_token");
        String r1 = t.get("refresh_token").asText();
        HttpResponse<String> first = refresh(r1);
        assertEquals(200, first.statusCode(), first.body());
        String r2 = TestHttp.json(first).get("refresh_token").asText();
        String a2 = TestHttp.json(first).get("access_token").asText();
        assertNotEquals(r1, r2);
        HttpResponse<String> second = refresh(r2);
        assertEquals(200, second.statusCode(), second.body());
        String r3 = TestHttp.json(second).get("refresh_token").asText();
        assertNotEquals(r2, r3);
        assertEquals("users:read scheduled_events:read", TestHttp.json(second).get("scope").asText());

        HttpResponse<String> reuse = refresh(r1);
        assertEquals(400, reuse.statusCode(), reuse.body());
        JsonNode err = TestHttp.json(reuse);
        assertEquals("invalid_grant", err.get("error").asText());
        assertFalse(err.get("error_description").asText().isBlank());
        assertEquals(400, refresh(r2).statusCode(), "the second refresh token is single-use too");
        assertEquals(4, sb.stats().tokenRequests("refresh_token") - refreshesBefore);
        assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", a2).statusCode(),
                "an access token stays valid until it expires even after its refresh token was used");
    }

    @Test
    void wrongVerifierAndExpiredCodeAreInvalidGrant() throws Exception {
        String[] pkce = pkce();
        String code = code(null, "users:read", pkce[1]);
        HttpResponse<String> r = token(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT, "code_verifier", pkce[0] + "x"));
        assertEquals(400, r.statusCode());
        assertEquals("invalid_grant", TestHttp.json(r).get("error").asText());

        String code2 = code(null, "users:read", pkce[1]);
        sb.advanceTime(Duration.ofMinutes(10).plusSeconds(1));
        HttpResponse<String> late = token(Map.of("grant_type", "authorization_code", "code", code2,
                "redirect_uri", REDIRECT, "code_verifier", pkce[0]));
        assertEquals(400, late.statusCode());
        assertEquals("invalid_grant", TestHttp.json(late).get("error").asText());

        String code3 = code(null, "users:read", pkce[1]);
        HttpResponse<String> otherRedirect = token(Map.of("grant_type", "authorization_code", "code", code3,
                "redirect_uri", "http://evil.example/cb", "code_verifier", pkce[0]));
        assertEquals(400, otherRedirect.statusCode());
    }

    @Test
    void denyRedirectsWithAccessDeniedAndState() {
        HttpResponse<String> r = consent(authorizeUrl("deny-state", null, null, null), "deny");
        assertEquals(302, r.statusCode());
        Map<String, String> q = query(r.headers().firstValue("Location").orElseThrow());
        assertEquals("access_denied", q.get("error"));
        assertEquals("deny-state", q.get("state"));
        assertFalse(q.containsKey("code"));
    }

    @Test
    void unknownClientOrRedirectUriShowsAnErrorPageInsteadOfRedirecting() {
        HttpResponse<String> r = TestHttp.get(sb.baseUrl() + "/oauth/authorize?client_id=nope&response_type=code"
                + "&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8), null);
        assertEquals(400, r.statusCode());
        HttpResponse<String> r2 = TestHttp.get(sb.baseUrl() + "/oauth/authorize?client_id=" + app.clientId()
                + "&response_type=code&redirect_uri=" + URLEncoder.encode("http://evil.example/cb", StandardCharsets.UTF_8),
                null);
        assertEquals(400, r2.statusCode());
        assertTrue(r2.headers().firstValue("Location").isEmpty());
    }

    @Test
    void loginAsPicksTheConsentingUserAndClientSecretInAJsonBodyWorks() {
        String code = code(member.email(), "users:read", null);
        Map<String, String> body = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "client_id", app.clientId(), "client_secret", app.clientSecret());
        HttpResponse<String> r = TestHttp.postJson(sb.baseUrl() + "/oauth/token", null, body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(member.uri(), TestHttp.json(r).get("owner").asText());

        HttpResponse<String> wrongSecret = TestHttp.postForm(sb.baseUrl() + "/oauth/token",
                Map.of("grant_type", "refresh_token", "refresh_token", TestHttp.json(r).get("refresh_token").asText()),
                app.clientId(), "not-the-secret");
        assertEquals(401, wrongSecret.statusCode());
        assertEquals("invalid_client", TestHttp.json(wrongSecret).get("error").asText());
    }

    @Test
    void expiredRevokedAndMissingScopeTokensAreRejectedLikeCalendly() {
        String code = code(owner.uri(), "users:read", null);
        JsonNode t = TestHttp.json(token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT)));
        String access = t.get("access_token").asText();

        HttpResponse<String> forbidden = TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + owner.uri(), access);
        assertEquals(403, forbidden.statusCode(), "users:read does not cover scheduled events");
        assertEquals("Permission Denied", TestHttp.json(forbidden).get("title").asText());

        HttpResponse<String> introspect = TestHttp.postForm(sb.baseUrl() + "/oauth/introspect",
                Map.of("client_id", app.clientId(), "client_secret", app.clientSecret(), "token", access), null, null);
        assertEquals(200, introspect.statusCode());
        assertTrue(TestHttp.json(introspect).get("active").asBoolean());
        assertEquals(owner.uri(), TestHttp.json(introspect).get("owner").asText());

        HttpResponse<String> revoke = TestHttp.postForm(sb.baseUrl() + "/oauth/revoke",
                Map.of("client_id", app.clientId(), "client_secret", app.clientSecret(), "token", access), null, null);
        assertEquals(200, revoke.statusCode());
        assertEquals("{}", revoke.body());
        HttpResponse<String> revoked = TestHttp.get(sb.baseUrl() + "/users/me", access);
        assertEquals(401, revoked.statusCode());
        assertEquals("Unauthenticated", TestHttp.json(revoked).get("title").asText());
        assertEquals("The access token was revoked", TestHttp.json(revoked).get("message").asText());
        assertEquals(400, refresh(t.get("refresh_token").asText()).statusCode(), "revoking revokes the pair");

        String code2 = code(owner.uri(), "users:read", null);
        String access2 = TestHttp.json(token(Map.of("grant_type", "authorization_code", "code", code2,
                "redirect_uri", REDIRECT))).get("access_token").asText();
        sb.faults().expireAllAccessTokens();
        HttpResponse<String> expired = TestHttp.get(sb.baseUrl() + "/users/me", access2);
        assertEquals(401, expired.statusCode());
        assertEquals("The access token expired", TestHttp.json(expired).get("message").asText());
        assertEquals(401, TestHttp.get(sb.baseUrl() + "/users/me", null).statusCode());
        assertTrue(expired.headers().firstValue("X-RateLimit-Remaining").isPresent());
    }

    @Test
    void newAppsWithoutRequestedScopesGetNothingLegacyAppsGetEverything() {
        String code = code(owner.uri(), null, null);
        JsonNode t = TestHttp.json(token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT)));
        assertEquals("default", t.get("scope").asText());
        assertEquals(403, TestHttp.get(sb.baseUrl() + "/users/me", t.get("access_token").asText()).statusCode());

        SandboxApp legacy = sb.createOAuthApp(OAuthAppSpec.of("Old CRM", List.of(REDIRECT)).legacy(true));
        sb.autoApprove(true);
        try {
            HttpResponse<String> r = TestHttp.get(sb.baseUrl() + "/oauth/authorize?client_id=" + legacy.clientId()
                    + "&response_type=code&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8), null);
            assertEquals(302, r.statusCode(), "auto-approve redirects at once");
            String c = query(r.headers().firstValue("Location").orElseThrow()).get("code");
            HttpResponse<String> tr = TestHttp.postForm(sb.baseUrl() + "/oauth/token", Map.of("grant_type",
                    "authorization_code", "code", c, "redirect_uri", REDIRECT), legacy.clientId(), legacy.clientSecret());
            assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me",
                    TestHttp.json(tr).get("access_token").asText()).statusCode());
        } finally {
            sb.autoApprove(false);
        }
    }

    @Test
    void revokedRefreshTokensAndShortenedLifetimes() {
        sb.accessTokenLifetime(Duration.ofMinutes(5));
        try {
            String code = code(owner.uri(), "users:read", null);
            JsonNode t = TestHttp.json(token(Map.of("grant_type", "authorization_code", "code", code,
                    "redirect_uri", REDIRECT)));
            assertEquals(300, t.get("expires_in").asInt());
            sb.faults().revokeRefreshToken(t.get("refresh_token").asText());
            HttpResponse<String> r = refresh(t.get("refresh_token").asText());
            assertEquals(400, r.statusCode());
            assertEquals("invalid_grant", TestHttp.json(r).get("error").asText());
            assertEquals(401, TestHttp.get(sb.baseUrl() + "/users/me", t.get("access_token").asText()).statusCode(),
                    "revoking the refresh token revokes its access token too");
        } finally {
            sb.accessTokenLifetime(Duration.ofHours(2));
        }
    }

    @Test
    void personalAccessTokensWork() {
        String pat = sb.createPersonalAccessToken(member);
        assertEquals(3, pat.split("\\.").length);
        HttpResponse<String> me = TestHttp.get(sb.baseUrl() + "/users/me", pat);
        assertEquals(200, me.statusCode());
        assertEquals(member.uri(), TestHttp.json(me).at("/resource/uri").asText());
        String scoped = sb.createPersonalAccessToken(member, java.util.Set.of("webhooks:read"));
        assertEquals(403, TestHttp.get(sb.baseUrl() + "/users/me", scoped).statusCode());
    }

    @Test
    void theNinthTokenRequestOfAUserWithinAMinuteIs429() {
        try (CalendlySandbox own = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true))) {
            SandboxOrganization o = own.createOrganization("Busy", Plan.STANDARD);
            own.createUser(o, "Busy User", "busy@example.com", Role.OWNER, "UTC");
            SandboxApp a = own.createOAuthApp(OAuthAppSpec.of("Busy", List.of(REDIRECT)).legacy(true));
            HttpResponse<String> r = TestHttp.get(own.baseUrl() + "/oauth/authorize?client_id=" + a.clientId()
                    + "&response_type=code&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8), null);
            String c = query(r.headers().firstValue("Location").orElseThrow()).get("code");
            HttpResponse<String> tr = TestHttp.postForm(own.baseUrl() + "/oauth/token", Map.of("grant_type",
                    "authorization_code", "code", c, "redirect_uri", REDIRECT), a.clientId(), a.clientSecret());
            String refresh = TestHttp.json(tr).get("refresh_token").asText();
            for (int i = 2; i <= 8; i++) {
                HttpResponse<String> ok = TestHttp.postForm(own.baseUrl() + "/oauth/token",
                        Map.of("grant_type", "refresh_token", "refresh_token", refresh), a.clientId(), a.clientSecret());
                assertEquals(200, ok.statusCode(), "request " + i + ": " + ok.body());
                refresh = TestHttp.json(ok).get("refresh_token").asText();
            }
            HttpResponse<String> limited = TestHttp.postForm(own.baseUrl() + "/oauth/token",
                    Map.of("grant_type", "refresh_token", "refresh_token", refresh), a.clientId(), a.clientSecret());
            assertEquals(429, limited.statusCode(), limited.body());
            assertEquals("0", limited.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
            assertEquals("8", limited.headers().firstValue("X-RateLimit-Limit").orElseThrow());
            assertNotNull(limited.headers().firstValue("X-RateLimit-Reset").orElse(null));
            own.advanceTime(Duration.ofSeconds(61));
            HttpResponse<String> later = TestHttp.postForm(own.baseUrl() + "/oauth/token",
                    Map.of("grant_type", "refresh_token", "refresh_token", refresh), a.clientId(), a.clientSecret());
            assertEquals(200, later.statusCode(), "the refresh token survives a 429: " + later.body());
        }
    }
}
