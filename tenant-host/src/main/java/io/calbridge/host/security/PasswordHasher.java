package io.calbridge.host.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes with PBKDF2-HMAC-SHA256 from the JDK, a random 16-byte salt per hash and a
 * 32-byte output. Stored format (column {@code app_user.password_hash}):
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}. The iteration count travels
 * with the hash, so raising {@link #DEFAULT_ITERATIONS} later still verifies old hashes.
 * Thread-safe.
 */
public final class PasswordHasher {
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    private final String dummyHash;

    public PasswordHasher(int iterations) {
        if (iterations < 1_000) {
            throw new IllegalArgumentException("PBKDF2 needs at least 1000 iterations, got " + iterations);
        }
        this.iterations = iterations;
        // Verifying against it costs one derivation like a real hash; no password matches 32 zero bytes
        // in practice, and verifyNobody ignores the result anyway.
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        this.dummyHash = SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(new byte[HASH_BITS / 8]);
    }

    public String hash(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a password cannot be empty");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] derived = derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derived);
    }

    /** Whether {@code password} matches {@code stored}; false for any malformed stored value. */
    public boolean verify(String password, String stored) {
        if (password == null || password.isEmpty() || stored == null) {
            return false; // the JDK's PBKDF2 refuses empty passwords; nobody has one
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int storedIterations = Integer.parseInt(parts[1]);
            if (storedIterations < 1_000 || storedIterations > 10_000_000) {
                return false;
            }
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, derive(password, salt, storedIterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Spends the time of one verification and returns false: used when the email is unknown, so
     * response times do not tell which accounts exist.
     */
    public boolean verifyNobody(String password) {
        verify(password, dummyHash);
        return false;
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
