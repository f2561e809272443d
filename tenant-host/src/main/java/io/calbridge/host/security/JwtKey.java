package io.calbridge.host.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC key that signs and verifies API tokens (HS256). At least 32 bytes. Prints as
 * {@code ***}; the bytes are reached only through {@link #bytes()}.
 */
public final class JwtKey {
    private static final Logger log = LoggerFactory.getLogger(JwtKey.class);
    static final int MIN_BYTES = 32;
    static final String DEV_FILE = "jwt-secret";

    private final byte[] bytes;

    private JwtKey(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    /** {@code secret}'s UTF-8 bytes; refuses anything shorter than 32 bytes (HS256 needs 256 bits). */
    public static JwtKey of(String secret) {
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        if (b.length < MIN_BYTES) {
            throw new IllegalArgumentException("JWT_SECRET must be at least " + MIN_BYTES + " bytes (HS256 needs 256 bits), got "
                    + b.length + "; generate one with: openssl rand -base64 48");
        }
        return new JwtKey(b);
    }

    /** A fresh random key: tokens die with the process. */
    public static JwtKey random() {
        return of(newSecret());
    }

    /**
     * The configured secret; without one, in development only, a secret generated once and kept
     * in {@code dataDir/jwt-secret} (readable by the owner only) so tokens survive restarts.
     */
    public static JwtKey load(String configured, Path dataDir, boolean development) {
        if (configured != null && !configured.isBlank()) {
            return of(configured.strip());
        }
        if (!development) {
            throw new IllegalArgumentException("JWT_SECRET is required outside demo mode (DEMO=false): the HMAC key that signs"
                    + " API tokens, at least 32 bytes; generate one with: openssl rand -base64 48");
        }
        Path file = dataDir.resolve(DEV_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                Files.writeString(file, newSecret(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            }
            log.warn("JWT_SECRET is not set: API tokens are signed with a development secret kept in {}. Set JWT_SECRET in production.", file);
            return of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the development JWT secret " + file + ": " + e.getMessage(), e);
        }
    }

    private static String newSecret() {
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The key material: only for signing and verifying. */
    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JwtKey k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new byte[0]);
    }

    @Override
    public String toString() {
        return "***";
    }
}
