package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.jooq.Field;

/**
 * The secret part of an integration's webhook URL, e.g.
 * {@code https://app.example.com/api/webhooks/calendly/<token>}. It routes a delivery to its
 * integration before the signature is checked, so it must be unguessable: 256 random bits from
 * {@link SecureRandom}, URL-safe Base64 without padding (43 characters).
 *
 * <p>The connect flow stores a new token with every new integration; a token is never reused for
 * another integration. It is a capability, not an identifier, so it is never stored in clear (see
 * {@link #columns}) nor logged.
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

    /** SHA-256 of the token's UTF-8 bytes: what {@code calendly_integration} routes deliveries by. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /**
     * How a token is stored in {@code calendly_integration}, for the connect flow and every test that
     * writes an integration row alike: its SHA-256 ({@code webhook_path_token_sha256}, unique, what
     * deliveries are routed by) and {@code sealed}, the token sealed for the row with
     * {@code Purpose.WEBHOOK_PATH_TOKEN} ({@code webhook_path_token_enc}: the subscription URL is rebuilt
     * from it), or null for a row whose URL is never rebuilt. Never the token itself.
     */
    public static Map<Field<?>, Object> columns(String token, byte[] sealed) {
        Map<Field<?>, Object> columns = new HashMap<>();
        columns.put(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_SHA256, sha256(token));
        columns.put(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_ENC, sealed);
        return columns;
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
