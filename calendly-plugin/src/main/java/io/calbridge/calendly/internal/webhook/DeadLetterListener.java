package io.calbridge.calendly.internal.webhook;

/**
 * Told when the worker gives up on a delivery (a permanent error, or the last attempt failed), so
 * that someone who can fix the cause hears of it. Called on the worker thread after the row is
 * DEAD; an exception it throws is logged and never changes the row.
 */
@FunctionalInterface
public interface DeadLetterListener {
    DeadLetterListener NONE = (delivery, error) -> {
    };

    void deadLettered(StoredDelivery delivery, String error);
}
