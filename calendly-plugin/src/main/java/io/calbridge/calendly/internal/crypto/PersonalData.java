package io.calbridge.calendly.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sealing layer every store uses for invitees' personal data: webhook bodies, the names, e-mails,
 * answers and cancel reasons of booking rows, effect results, rejection details. Each value is
 * encrypted with its tenant's data key ({@link TenantKeyring#sealPersonal}), bound to tenant, field
 * and row; crypto-shredding the tenant makes all of it unreadable.
 *
 * <p>Stores call it at their boundary (right before a write, right after a read); the logic above
 * them sees plain values. A value stored before sealing existed (a clear JSON body, a clear text
 * column) is still read as it is: {@link #openBody} tells sealed from clear by the format byte
 * ({@code 0x01}; a JSON body starts with {@code {} or white space).
 *
 * <p>Finding a person without storing their e-mail in clear: {@link #emailIndex} is an HMAC-SHA256 of
 * the normalised e-mail under the tenant's own index key, so equal e-mails of one tenant give equal
 * indexes, and nobody without the tenant's key can test a guess.
 */
public record PersonalData(TenantKeyring keyring, boolean seals) {
    /** Bytes a sealed value has beyond its plaintext: format header, Tink prefix, IV and tag. */
    public static final int OVERHEAD = CiphertextFormat.MIN_LENGTH;

    /**
     * @param keyring opens sealed values and, when {@code seals}, seals new ones; may be null only when
     *                not sealing (then sealed values cannot be opened)
     * @param seals   whether values are sealed before they are stored
     */
    public PersonalData {
        if (seals) {
            Objects.requireNonNull(keyring, "keyring");
        }
    }

    /** Seals with the keyring (production). */
    public static PersonalData sealedBy(TenantKeyring keyring) {
        return new PersonalData(keyring, true);
    }

    /**
     * Stores values in clear but still opens sealed ones: only for benchmarks that measure what sealing
     * costs (same run, with and without) and for tests of unrelated mechanics.
     */
    public static PersonalData clearFor(TenantKeyring keyringOrNull) {
        return new PersonalData(keyringOrNull, false);
    }

    /** Seals bytes (null stays null). */
    public byte[] seal(String tenantId, String field, String rowKey, byte[] plaintext) {
        if (plaintext == null || !seals) {
            return plaintext;
        }
        return keyring.sealPersonal(tenantId, field, rowKey, plaintext);
    }

    /** Seals text as UTF-8 (null stays null). */
    public byte[] sealText(String tenantId, String field, String rowKey, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        return seals
                ? keyring.sealPersonal(tenantId, field, rowKey, plaintext.getBytes(StandardCharsets.UTF_8))
                : plaintext.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Opens what {@link #sealText} stored (null stays null). A value {@link #clearFor} stored is
     * returned as it is.
     *
     * @throws SecretUnavailableException when it does not open (shredded tenant, altered or moved)
     */
    public String openText(String tenantId, String field, String rowKey, byte[] stored) {
        byte[] plain = openBytes(tenantId, field, rowKey, stored);
        return plain == null ? null : new String(plain, StandardCharsets.UTF_8);
    }

    /** Opens a body that may have been stored in clear before sealing (legacy rows) or by {@link #clearFor}. */
    public byte[] openBody(String tenantId, String field, String rowKey, byte[] stored) {
        return openBytes(tenantId, field, rowKey, stored);
    }

    private byte[] openBytes(String tenantId, String field, String rowKey, byte[] stored) {
        if (stored == null) {
            return null;
        }
        if (!looksSealed(stored)) {
            return stored; // stored in clear (before sealing, or by clearFor)
        }
        if (keyring == null) {
            throw new IllegalStateException("a sealed " + field + " cannot be opened without the keyring");
        }
        return keyring.openPersonal(tenantId, field, rowKey, stored);
    }

    /** Whether stored bytes are a sealed value rather than clear UTF-8 text or JSON. */
    public static boolean looksSealed(byte[] stored) {
        return CiphertextFormat.wellFormed(stored);
    }

    /**
     * The blind index of an e-mail for one tenant: HMAC-SHA256 under the tenant's index key of the
     * e-mail trimmed and lower-cased (Calendly and hosts compare e-mails case-insensitively). Null for
     * a null or blank e-mail.
     */
    public byte[] emailIndex(String tenantId, String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        if (keyring == null) {
            throw new IllegalStateException("an e-mail index needs the keyring");
        }
        byte[] key = keyring.indexKey(tenantId);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update("email\0".getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(normalise(email).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    /** How e-mails are compared: trimmed, lower case. */
    public static String normalise(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
