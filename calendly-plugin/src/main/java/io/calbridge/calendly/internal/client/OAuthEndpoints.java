package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Calendly's OAuth server: authorize URL, code exchange, refresh, revoke. Requests are
 * form-encoded; the client authenticates with HTTP Basic (Calendly's rule for web clients).
 *
 * <p>These calls do not know about integrations or locks. Refresh tokens are single-use: calling
 * {@link #refresh} twice with the same token kills the connection, so only the token source calls
 * it, under its row lock.
 */
public final class OAuthEndpoints {
    private final Transport transport;
    private final URI base;
    private final Clock clock;

    OAuthEndpoints(Transport transport, Clock clock) {
        this.transport = transport;
        this.base = transport.options().authBaseUrl();
        this.clock = clock;
    }

    /** The URL to send the browser to ({@code GET /oauth/authorize}) with PKCE S256. */
    public URI authorizeUrl(String clientId, URI redirectUri, List<String> scopes, String state, String codeChallenge) {
        QueryString q = new QueryString()
                .add("client_id", clientId)
                .add("response_type", "code")
                .add("redirect_uri", redirectUri.toString())
                .add("scope", scopes.isEmpty() ? null : String.join(" ", scopes))
                .add("state", state)
                .add("code_challenge_method", "S256")
                .add("code_challenge", codeChallenge);
        return URI.create(base + "/oauth/authorize" + q);
    }

    /** {@code grant_type=authorization_code}. An expired or reused code: {@link CalendlyApiException#isInvalidGrant()}. */
    public TokenResponse exchangeCode(ClientCredentials client, String code, URI redirectUri, Secret codeVerifier) {
        return token(client, form("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirectUri.toString(), "code_verifier", codeVerifier == null ? null : codeVerifier.reveal()));
    }

    /**
     * {@code grant_type=refresh_token}. Uses up {@code refreshToken} when it succeeds (Calendly
     * rotates it); a used or revoked one: {@link CalendlyApiException#isInvalidGrant()}.
     */
    public TokenResponse refresh(ClientCredentials client, Secret refreshToken) {
        return token(client, form("grant_type", "refresh_token", "refresh_token", refreshToken.reveal()));
    }

    /** {@code POST /oauth/revoke} for an access or refresh token. */
    public void revoke(ClientCredentials client, Secret token) {
        byte[] body = form("client_id", client.clientId(), "client_secret", client.clientSecret().reveal(),
                "token", token.reveal());
        transport.send(new Transport.Request("POST", URI.create(base + "/oauth/revoke"), Map.of(),
                "application/x-www-form-urlencoded", body), null);
    }

    private TokenResponse token(ClientCredentials client, byte[] body) {
        Transport.Response r = transport.send(new Transport.Request("POST", URI.create(base + "/oauth/token"),
                Map.of("Authorization", basic(client)), "application/x-www-form-urlencoded", body), null);
        Instant receivedAt = clock.instant();
        JsonNode n;
        try {
            n = CalendlyJson.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("Calendly's token response is not JSON", e);
        }
        String access = text(n, "access_token");
        if (access == null) {
            throw new IllegalStateException("Calendly's token response has no access_token");
        }
        String refresh = text(n, "refresh_token");
        long expiresIn = n.path("expires_in").asLong(7200);
        return new TokenResponse(Secret.of(access), refresh == null ? null : Secret.of(refresh),
                text(n, "token_type"), receivedAt.plusSeconds(expiresIn), text(n, "scope"),
                text(n, "owner"), text(n, "organization"));
    }

    /** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and Base64-encoded. */
    private static String basic(ClientCredentials client) {
        String pair = URLEncoder.encode(client.clientId(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(client.clientSecret().reveal(), StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] form(String... nameValues) {
        StringJoiner j = new StringJoiner("&");
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i + 1] != null) {
                j.add(URLEncoder.encode(nameValues[i], StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(nameValues[i + 1], StandardCharsets.UTF_8));
            }
        }
        return j.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
