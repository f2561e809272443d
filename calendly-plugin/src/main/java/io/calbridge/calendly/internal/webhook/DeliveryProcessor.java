package io.calbridge.calendly.internal.webhook;

/**
 * Applies one stored delivery (booking processing implements this). Called by the inbox worker,
 * outside any inbox transaction. Must be idempotent in effect: after a crash the same delivery may
 * be handed over again, and Calendly may deliver the same event more than once.
 *
 * <p>Throwing {@link PermanentProcessingException} dead-letters the delivery at once with its
 * message; any other exception is retried with backoff until the attempt limit.
 */
public interface DeliveryProcessor {
    ProcessingResult process(StoredDelivery delivery) throws Exception;
}
