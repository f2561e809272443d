package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.SecretBox;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real (AES-256-GCM, associated data = tenant, purpose, row) SecretBox with one fixed key, standing in
 * for TenantKeyring until feat/crypto merges. It really encrypts and really fails on a moved ciphertext.
 */
final class TestSecretBox implements SecretBox {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    TestSecretBox() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        this.key = new SecretKeySpec(k, "AES");
    }

    @Override
    public byte[] seal(String tenantId, Purpose purpose, UUID rowId, Secret plaintext) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            c.updateAAD(aad(tenantId, purpose, rowId));
            byte[] ct = c.doFinal(plaintext.revealUtf8());
            return ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Secret open(String tenantId, Purpose purpose, UUID rowId, byte[] ciphertext) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, ciphertext, 0, 12));
            c.updateAAD(aad(tenantId, purpose, rowId));
            return Secret.ofUtf8(c.doFinal(ciphertext, 12, ciphertext.length - 12));
        } catch (GeneralSecurityException e) {
            throw new SecretUnavailableException(SecretUnavailableException.Reason.TAMPERED,
                    "ciphertext does not open for this tenant, purpose and row", e);
        }
    }

    private static byte[] aad(String tenantId, Purpose purpose, UUID rowId) {
        return (tenantId + "\0" + purpose.name() + "\0" + rowId).getBytes(StandardCharsets.UTF_8);
    }
}
