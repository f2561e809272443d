package io.calbridge.calendly.internal.webhook;

/**
 * A delivery that can never succeed as things stand (for example a mapping that points at a deleted
 * list). The message is shown to tenant admins in the webhook log: say what to fix.
 */
public class PermanentProcessingException extends RuntimeException {
    public PermanentProcessingException(String message) {
        super(message);
    }

    public PermanentProcessingException(String message, Throwable cause) {
        super(message, cause);
    }
}
