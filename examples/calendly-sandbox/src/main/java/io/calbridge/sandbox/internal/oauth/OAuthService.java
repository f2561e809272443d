package io.calbridge.sandbox.internal.oauth;

import static io.calbridge.sandbox.internal.state.Uris.Resource.ORGANIZATIONS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.USERS;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.http.OAuthError;
import io.calbridge.sandbox.internal.http.RateLimiter;
import io.calbridge.sandbox.internal.http.Stats;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.state.Ids;
import io.calbridge.sandbox.internal.state.Model.Access;
import io.calbridge.sandbox.internal.state.Model.App;
import io.calbridge.sandbox.internal.state.Model.AuthCode;
import io.calbridge.sandbox.internal.state.Model.Grant;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.SandboxClock;
import io.calbridge.sandbox.internal.state.Settings;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Uris;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The auth server's logic: authorization codes, token grants with single-use refresh tokens,
 * revocation, introspection, personal access tokens and bearer authentication of API calls.
 */
public record OAuthService(Store store, SandboxClock clock, Settings settings, Uris uris, Stats stats,
                           RateLimiter tokenLimiter, Jwts jwts) {

    public record Client(String id, String secret) {
    }

    // ---- authorize ------------------------------------------------------------------------------

    /** The app for client_id if redirect_uri is one of its registered URIs, else an error for the page. */
    public App appForAuthorize(String clientId, String redirectUri) {
        synchronized (store) {
            App app = clientId == null ? null : store.apps.get(clientId);
            if (app == null) {
                throw OAuthError.invalidClient();
            }
            if (redirectUri == null || !app.redirectUris().contains(redirectUri)) {
                throw OAuthError.invalidRequest("The redirect uri included is not valid.");
            }
            return app;
        }
    }

    public String issueCode(App app, String userUuid, String redirectUri, Set<String> scopes, String codeChallenge) {
        synchronized (store) {
            String code = Ids.hex(32);
            store.codes.put(code, new AuthCode(code, app.clientId(), userUuid, redirectUri, scopes, codeChallenge,
                    clock.instant().plus(settings.authCodeLifetime), false));
            return code;
        }
    }

    // ---- token ----------------------------------------------------------------------------------

    /**
     * Handles {@code POST /oauth/token}. {@code rateLimit} receives the per-user verdict once the
     * user is known, so the handler can send X-RateLimit-* headers.
     */
    public ObjectNode token(Map<String, String> params, Client client, Consumer<RateLimiter.Verdict> rateLimit) {
        String grantType = params.get("grant_type");
        stats.tokenRequest(grantType);
        synchronized (store) {
            App app = authenticateClient(client);
            if ("authorization_code".equals(grantType)) {
                return exchangeCode(app, params, rateLimit);
            }
            if ("refresh_token".equals(grantType)) {
                return refresh(app, params, rateLimit);
            }
            if (grantType == null || grantType.isBlank()) {
                throw OAuthError.invalidRequest("Missing required parameter: grant_type.");
            }
            throw new OAuthError(400, "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server.");
        }
    }

    private static String required(String name, String value) {
        if (value == null || value.isBlank()) {
            throw OAuthError.invalidRequest("Missing required parameter: " + name + ".");
        }
        return value;
    }

    private ObjectNode exchangeCode(App app, Map<String, String> params, Consumer<RateLimiter.Verdict> rateLimit) {
        AuthCode code = store.codes.get(required("code", params.get("code")));
        if (code == null || !code.clientId().equals(app.clientId())) {
            throw OAuthError.invalidGrant(400);
        }
        limit(code.userUuid(), rateLimit);
        if (code.used() || !clock.instant().isBefore(code.expiresAt())) {
            throw OAuthError.invalidGrant(400);
        }
        String redirectUri = params.get("redirect_uri");
        if (redirectUri == null || !redirectUri.equals(code.redirectUri())) {
            throw OAuthError.invalidGrant(400);
        }
        if (code.codeChallenge() != null) {
            String verifier = params.get("code_verifier");
            if (verifier == null || !code.codeChallenge().equals(s256(verifier))) {
                throw OAuthError.invalidGrant(400);
            }
        } else if (app.nativeClient()) {
            throw OAuthError.invalidRequest("PKCE is required for native applications.");
        }
        store.codes.put(code.code(), code.spent());
        Grant g = newGrant(app, code.userUuid(), code.scopes());
        return tokenResponse(g);
    }

    private ObjectNode refresh(App app, Map<String, String> params, Consumer<RateLimiter.Verdict> rateLimit) {
        Grant old = store.grantsByRefresh.get(required("refresh_token", params.get("refresh_token")));
        if (old == null || !app.clientId().equals(old.access.clientId())) {
            throw OAuthError.invalidGrant(settings.refreshReuseStatus);
        }
        limit(old.access.userUuid(), rateLimit);
        if (old.revoked || old.refreshUsed) {
            throw OAuthError.invalidGrant(settings.refreshReuseStatus);
        }
        if (settings.refreshTokenRotation) {
            // Calendly revokes the refresh token on success; the old access token lives until it expires.
            old.refreshUsed = true;
        }
        Grant g = newGrant(app, old.access.userUuid(), old.access.scopes());
        return tokenResponse(g);
    }

    private void limit(String userUuid, Consumer<RateLimiter.Verdict> rateLimit) {
        RateLimiter.Verdict v = tokenLimiter.hit("token:" + userUuid, settings.tokenRequestsPerUserPerMinute);
        rateLimit.accept(v);
        if (!v.allowed()) {
            throw new OAuthError(429, "rate_limited",
                    "Too many token requests for this user. Retry after " + v.resetSeconds() + " seconds.");
        }
    }

    private App authenticateClient(Client client) {
        if (client.id() == null) {
            throw OAuthError.invalidClient();
        }
        App app = store.apps.get(client.id());
        if (app == null) {
            throw OAuthError.invalidClient();
        }
        if (client.secret() == null) {
            if (!app.nativeClient()) {
                throw OAuthError.invalidClient();
            }
        } else if (!MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
                app.clientSecret().getBytes(StandardCharsets.UTF_8))) {
            throw OAuthError.invalidClient();
        }
        return app;
    }

    private Grant newGrant(App app, String userUuid, Set<String> scopes) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.accessTokenLifetime);
        Grant g = new Grant(jwts.mint(userUuid, app.clientId(), now, expiresAt, false), Ids.hex(32),
                new Access(app.clientId(), userUuid, scopes, app.legacy(), false), now);
        g.expiresAt = expiresAt;
        store.addGrant(g);
        return g;
    }

    private ObjectNode tokenResponse(Grant g) {
        User u = store.user(g.access.userUuid());
        ObjectNode o = CalendlyJson.object();
        o.put("token_type", "Bearer");
        o.put("expires_in", Math.max(0, g.expiresAt.getEpochSecond() - g.issuedAt.getEpochSecond()));
        o.put("created_at", g.issuedAt.getEpochSecond());
        o.put("refresh_token", g.refreshToken);
        o.put("access_token", g.accessToken);
        o.put("scope", Scopes.render(g.access.scopes()));
        o.put("owner", uris.of(USERS, u.uuid));
        o.put("organization", uris.of(ORGANIZATIONS, u.orgUuid));
        return o;
    }

    // ---- revoke / introspect --------------------------------------------------------------------

    public ObjectNode revoke(String token, Client client) {
        synchronized (store) {
            App app = authenticateClient(client);
            Grant g = find(required("token", token));
            if (g != null) {
                if (!app.clientId().equals(g.access.clientId())) {
                    throw new OAuthError(403, "unauthorized_client", "You are not authorized to revoke this token");
                }
                g.revoked = true;
            }
            // RFC 7009: unknown tokens are answered like revoked ones.
            return CalendlyJson.object();
        }
    }

    public ObjectNode introspect(String token, Client client) {
        synchronized (store) {
            App app = authenticateClient(client);
            Grant g = find(required("token", token));
            ObjectNode o = CalendlyJson.object();
            boolean isRefresh = g != null && token.equals(g.refreshToken);
            boolean active = g != null && app.clientId().equals(g.access.clientId()) && !g.revoked
                    && (isRefresh ? !g.refreshUsed : clock.instant().isBefore(g.expiresAt));
            o.put("active", active);
            if (!active) {
                return o;
            }
            User u = store.user(g.access.userUuid());
            o.put("scope", Scopes.render(g.access.scopes()));
            o.put("client_id", g.access.clientId());
            o.put("token_type", "Bearer");
            o.put("exp", g.expiresAt.getEpochSecond());
            o.put("iat", g.issuedAt.getEpochSecond());
            o.put("owner", uris.of(USERS, u.uuid));
            o.put("organization", uris.of(ORGANIZATIONS, u.orgUuid));
            return o;
        }
    }

    private Grant find(String token) {
        Grant g = store.grantsByAccess.get(token);
        return g != null ? g : store.grantsByRefresh.get(token);
    }

    // ---- personal access tokens and API authentication ------------------------------------------

    public String createPat(String userUuid, Set<String> scopes) {
        synchronized (store) {
            store.user(userUuid);
            Instant now = clock.instant();
            String token = jwts.mint(userUuid, null, now, null, true);
            Grant g = new Grant(token, null, new Access(null, userUuid, scopes, true, true), now);
            g.expiresAt = Instant.MAX;
            store.addGrant(g);
            return token;
        }
    }

    /** The caller of an API request, or a 401 with Calendly's message. */
    public Principal authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthenticated("The access token is invalid");
        }
        String token = authorization.substring(7).trim();
        synchronized (store) {
            Grant g = store.grantsByAccess.get(token);
            if (g == null) {
                throw ApiError.unauthenticated("The access token is invalid");
            }
            if (g.revoked) {
                throw ApiError.unauthenticated("The access token was revoked");
            }
            if (!clock.instant().isBefore(g.expiresAt)) {
                throw ApiError.unauthenticated("The access token expired");
            }
            if (!store.users.containsKey(g.access.userUuid())) {
                throw ApiError.unauthenticated("The access token is invalid");
            }
            return new Principal(g.access, settings.enforceScopes);
        }
    }

    // ---- faults ---------------------------------------------------------------------------------

    public int expireAllAccessTokens() {
        synchronized (store) {
            Instant past = clock.instant().minusSeconds(1);
            int n = 0;
            for (Grant g : store.grantsByAccess.values()) {
                if (!g.access.pat() && g.expiresAt.isAfter(past)) {
                    g.expiresAt = past;
                    n++;
                }
            }
            return n;
        }
    }

    public boolean expireAccessToken(String token) {
        synchronized (store) {
            Grant g = store.grantsByAccess.get(token);
            if (g == null) {
                return false;
            }
            g.expiresAt = clock.instant().minusSeconds(1);
            return true;
        }
    }

    public boolean revokeToken(String token) {
        synchronized (store) {
            Grant g = find(token);
            if (g == null) {
                return false;
            }
            g.revoked = true;
            return true;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    public static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
