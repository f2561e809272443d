package io.calbridge.calendly.internal.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A secret value (client secret, token, signing key, PKCE verifier). It prints as {@code ***}
 * everywhere ({@code toString}, logs, exception messages, JSON); reading the value takes the
 * explicit, greppable {@link #reveal()}. Equality is constant-time.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "secret value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public static Secret ofUtf8(byte[] bytes) {
        return new Secret(new String(bytes, StandardCharsets.UTF_8));
    }

    /** The plaintext. Call sites are few on purpose: crypto, outgoing HTTP and signature checks. */
    public String reveal() {
        return value;
    }

    public byte[] revealUtf8() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new byte[0]); // never let the value leak through a hash
    }

    @Override
    public String toString() {
        return "***";
    }
}
