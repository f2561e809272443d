package io.calbridge.calendly.internal.webhook;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret part of an integration's webhook URL ({@code calendly_integration.webhook_path_token}),
 * e.g. {@code https://app.example.com/api/webhooks/calendly/<token>}. It routes a delivery to its
 * integration before the signature is checked, so it must be unguessable: 256 random bits from
 * {@link SecureRandom}, URL-safe Base64 without padding (43 characters).
 *
 * <p>The connect flow stores a new token with every new integration; a token is never reused for
 * another integration. Treat it like a password in logs (it is a capability, not an identifier).
 */
public final class WebhookPathTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 32;

    private WebhookPathTokens() {
    }

    /** A fresh token for a new integration. Thread-safe. */
    public static String newToken() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Whether {@code token} has the shape {@link #newToken()} produces, so that junk in the URL is
     * answered without a database lookup. Accepts 22 to 128 URL-safe Base64 characters (at least
     * 128 bits), leaving room for tokens minted elsewhere.
     */
    static boolean looksValid(String token) {
        if (token == null || token.length() < 22 || token.length() > 128) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
