/**
 * Per-tenant envelope encryption of every stored secret.
 *
 * <p>Front door: {@link io.calbridge.calendly.internal.crypto.TenantKeyring} (built once by
 * {@code Wiring}), used by other features through {@link io.calbridge.calendly.internal.crypto.SecretBox}
 * ({@code seal}/{@code open}) and {@link io.calbridge.calendly.internal.crypto.AccessTokenCache}.
 * Also public because other packages name them: {@link io.calbridge.calendly.internal.crypto.Purpose},
 * {@link io.calbridge.calendly.internal.crypto.SecretUnavailableException},
 * {@link io.calbridge.calendly.internal.crypto.KeyRotation},
 * {@link io.calbridge.calendly.internal.crypto.TenantKeyRotation}. Everything else (key and rotation
 * stores, ciphertext format, master-key ring) is package-private.
 */
package io.calbridge.calendly.internal.crypto;
