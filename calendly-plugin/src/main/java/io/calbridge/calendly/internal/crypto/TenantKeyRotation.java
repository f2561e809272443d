package io.calbridge.calendly.internal.crypto;

/**
 * What a tenant-key rotation did.
 *
 * @param generation the tenant's new DEK generation; 0 when the tenant had no data key (nothing to do)
 * @param resealed   stored secrets re-encrypted under the new key
 * @param unreadable stored secrets that did not open and were left as they were (already tampered)
 */
public record TenantKeyRotation(String tenantId, int generation, int resealed, int unreadable) {
}
