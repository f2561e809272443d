package io.calbridge.host;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who may read {@code /metrics} and the detailed {@code /health}: the deployment's operators (a
 * Prometheus scraper, an on-call engineer), not tenants. They present {@code Authorization: Bearer
 * <OPERATOR_TOKEN>}; without a configured token nobody is an operator. Comparison is in constant
 * time over digests, so neither the token's content nor its length leaks through timing.
 */
public final class OperatorAccess {
    private static final String BEARER = "Bearer ";

    private final byte[] tokenDigest;

    private OperatorAccess(String token) {
        this.tokenDigest = token == null ? null : sha256(token);
    }

    /** Operators authenticate with this token. */
    public static OperatorAccess token(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("operator token is empty");
        }
        return new OperatorAccess(token.strip());
    }

    /** No operator access: {@code /metrics} answers 403 and {@code /health} shows no details. */
    public static OperatorAccess none() {
        return new OperatorAccess(null);
    }

    boolean configured() {
        return tokenDigest != null;
    }

    boolean allows(Context ctx) {
        String header = ctx.header("Authorization");
        if (tokenDigest == null || header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(header.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
