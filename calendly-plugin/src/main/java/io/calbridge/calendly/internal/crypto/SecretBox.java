package io.calbridge.calendly.internal.crypto;

import io.calbridge.calendly.internal.common.Secret;
import java.util.UUID;

/**
 * Seals and opens tenant secrets. The associated data binds every ciphertext to its tenant, its
 * {@link Purpose} and its owning row: a ciphertext moved to another tenant, row or column does not
 * open (it throws, it never returns garbage).
 *
 * <p>Implemented by {@code TenantKeyring} (per-tenant Tink DEK wrapped by the master key).
 */
public interface SecretBox {
    /** Encrypts {@code plaintext} for the given tenant, purpose and owning row id. */
    byte[] seal(String tenantId, Purpose purpose, UUID rowId, Secret plaintext);

    /**
     * Decrypts what {@link #seal} produced for exactly the same tenant, purpose and row.
     *
     * @throws SecretUnavailableException when the ciphertext was tampered with, moved, or its
     *         tenant's key was destroyed (crypto-shredded)
     */
    Secret open(String tenantId, Purpose purpose, UUID rowId, byte[] ciphertext);
}
