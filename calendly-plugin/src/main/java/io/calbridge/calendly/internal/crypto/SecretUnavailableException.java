package io.calbridge.calendly.internal.crypto;

/** A stored secret cannot be decrypted. The message says why and never contains secret material. */
public class SecretUnavailableException extends RuntimeException {
    public enum Reason {
        /** The ciphertext does not belong to this tenant, purpose or row, or was altered. */
        TAMPERED,
        /** The tenant was forgotten: its data key is destroyed and its secrets are gone for good. */
        TENANT_SHREDDED,
        /** The master key that wrapped this tenant's data key is not available. */
        MASTER_KEY_UNAVAILABLE
    }

    private final Reason reason;

    public SecretUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
