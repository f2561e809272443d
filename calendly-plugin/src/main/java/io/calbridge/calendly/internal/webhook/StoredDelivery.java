package io.calbridge.calendly.internal.webhook;

import java.time.Instant;
import java.util.UUID;

/**
 * One verified webhook delivery as the inbox stored it, handed to a {@link DeliveryProcessor}.
 *
 * @param inboxId      the inbox row
 * @param rawBody      the body exactly as Calendly sent it
 * @param attempt      1 for the first processing attempt
 */
public record StoredDelivery(
        long inboxId,
        String tenantId,
        UUID integrationId,
        String event,
        byte[] rawBody,
        int attempt,
        Instant receivedAt) {
}
