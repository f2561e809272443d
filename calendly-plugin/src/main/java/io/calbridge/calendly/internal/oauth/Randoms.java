package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** The random values of this feature, all from one {@link SecureRandom}, 256 bits each. */
final class Randoms {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Randoms() {
    }

    /** The OAuth {@code state}: only its SHA-256 is stored. */
    static String state() {
        return URL.encodeToString(bytes(32));
    }

    /** PKCE verifier: 43 characters of the unreserved set, as RFC 7636 asks. */
    static Secret pkceVerifier() {
        return Secret.of(URL.encodeToString(bytes(32)));
    }

    /** PKCE S256 challenge of a verifier. */
    static String pkceChallenge(Secret verifier) {
        return URL.encodeToString(sha256(verifier.reveal().getBytes(StandardCharsets.US_ASCII)));
    }

    /** Last path segment of an integration's webhook URL, in the shape the webhook feature resolves. */
    static String webhookPathToken() {
        return WebhookPathTokens.newToken();
    }

    /** A webhook signing key as Calendly-side integrations make them: 32 random bytes, hex. */
    static Secret signingKey() {
        return Secret.of(HexFormat.of().formatHex(bytes(32)));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    static byte[] stateHash(String state) {
        return sha256(state.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
