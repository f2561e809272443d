package io.calbridge.host.security;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens for the login form without a server session (signed double submit): {@code GET /login}
 * sets a cookie holding {@code nonce.expiry.mac} and puts the same value in the form; the login POST
 * must carry both, equal, with a valid MAC and not expired. An anonymous visitor therefore costs the
 * server no session, however many times the page is asked for.
 *
 * <p>The MAC (HMAC-SHA256) uses a key derived from the JWT key, so every node accepts every node's
 * tokens. The cookie is {@code HttpOnly}, {@code SameSite=Strict}, and on https {@code Secure} with
 * the {@code __Host-} prefix (no subdomain can plant one). A valid cookie with enough life left is
 * reused, so two open login tabs both work. Thread-safe.
 */
final class LoginFormTokens {
    private static final Duration LIFETIME = Duration.ofHours(2);
    /** Below this much life left, a new token is issued rather than the old one reused. */
    private static final Duration RENEW_BELOW = Duration.ofMinutes(30);

    private final byte[] key;
    private final boolean https;
    private final String cookie;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    LoginFormTokens(JwtKey jwtKey, boolean https, Clock clock) {
        this.key = derive(jwtKey.bytes());
        this.https = https;
        this.cookie = https ? "__Host-calbridge_login" : "calbridge_login";
        this.clock = clock;
    }

    /** The token for a login form being rendered; sets (or keeps) the cookie. */
    String token(Context ctx) {
        String current = ctx.cookie(cookie);
        if (current != null && validFor(current).compareTo(RENEW_BELOW) > 0) {
            return current;
        }
        byte[] nonce = new byte[18];
        random.nextBytes(nonce);
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce) + "." + expiry;
        String token = body + "." + mac(body);
        ctx.res().addHeader("Set-Cookie", cookie + "=" + token + "; Path=/; Max-Age=" + LIFETIME.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (https ? "; Secure" : ""));
        return token;
    }

    /** Whether the request carries this browser's login cookie and the same, valid, unexpired token. */
    boolean matches(Context ctx, String presented) {
        String fromCookie = ctx.cookie(cookie);
        return presented != null && fromCookie != null
                && MessageDigest.isEqual(fromCookie.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))
                && validFor(presented).compareTo(Duration.ZERO) > 0;
    }

    /** How long the token stays valid; zero when forged, malformed or expired. */
    private Duration validFor(String token) {
        int lastDot = token.lastIndexOf('.');
        int firstDot = token.indexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot) {
            return Duration.ZERO;
        }
        String body = token.substring(0, lastDot);
        if (!MessageDigest.isEqual(mac(body).getBytes(StandardCharsets.US_ASCII),
                token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Duration.ZERO;
        }
        long expiry;
        try {
            expiry = Long.parseLong(token.substring(firstDot + 1, lastDot));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), Instant.ofEpochSecond(expiry));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private String mac(String body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, body.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A key for this purpose only, so a login-form MAC can never pass for a JWT signature. */
    private static byte[] derive(byte[] jwtKey) {
        return hmac(jwtKey, "calbridge login form csrf v1".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
