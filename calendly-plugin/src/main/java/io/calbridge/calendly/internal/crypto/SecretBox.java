package io.calbridge.calendly.internal.crypto;

import io.calbridge.calendly.internal.common.Secret;
import java.util.UUID;

/**
 * Seals and opens tenant secrets. The associated data binds every ciphertext to its tenant, its
 * {@link Purpose} and its owning row: a ciphertext moved to another tenant, row or column does not
 * open (it throws, it never returns garbage).
 *
 * <p>Implemented by {@code TenantKeyring} (per-tenant Tink DEK wrapped by the master key).
 *
 * <p>Which row owns a secret (the {@code rowId}), so that every feature seals and opens alike and a
 * tenant-key rotation can re-seal it:
 * <ul>
 *   <li>{@code calendly_integration.*_enc} columns: the integration's {@code id}, with
 *       {@link Purpose#CLIENT_SECRET}, {@link Purpose#ACCESS_TOKEN} (or {@link Purpose#PERSONAL_ACCESS_TOKEN}
 *       in {@code access_token_enc} for a personal token), {@link Purpose#REFRESH_TOKEN},
 *       {@link Purpose#SIGNING_KEY}, {@link Purpose#PREVIOUS_SIGNING_KEY}, {@link Purpose#APP_SIGNING_KEY},
 *       {@link Purpose#WEBHOOK_PATH_TOKEN};</li>
 *   <li>{@code calendly_oauth_state.pkce_verifier_enc}: the state row's {@code id}, {@link Purpose#PKCE_VERIFIER}.</li>
 * </ul>
 * Moving a secret to another column (the current signing key becoming the previous one) means
 * {@code open} with the old purpose, then {@code seal} with the new one; copying the bytes fails to open.
 * A new {@code *_enc} column must also be listed in {@code TenantSecrets}.
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
