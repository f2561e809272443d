package io.calbridge.calendly.internal.webhook;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SHA-256 of the path token a delivery arrived with: computed once per request, then what the
 * integration is looked up by and cached under, so no cache of this node holds a clear token.
 */
final class PathTokenHash {
    private final byte[] sha256;

    private PathTokenHash(byte[] sha256) {
        this.sha256 = sha256;
    }

    /** The hash of {@code token}; empty when it does not have a token's shape (answered 404 without a lookup). */
    static Optional<PathTokenHash> of(String token) {
        return WebhookPathTokens.looksValid(token)
                ? Optional.of(new PathTokenHash(WebhookPathTokens.sha256(token)))
                : Optional.empty();
    }

    byte[] bytes() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathTokenHash other && Arrays.equals(sha256, other.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "PathTokenHash";
    }
}
