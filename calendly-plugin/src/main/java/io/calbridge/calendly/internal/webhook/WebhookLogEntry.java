package io.calbridge.calendly.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * One line of a tenant's webhook log: a verified delivery (kind DELIVERY) or a refused one (kind
 * REJECTION, never with a body).
 *
 * @param status         PENDING, PROCESSING, DONE, IGNORED, DEAD (deliveries) or REJECTED
 * @param reason         for rejections the error code answered (e.g. {@code signature_stale})
 * @param detail         for rejections the explanation answered
 * @param attempts       processing attempts so far
 * @param lastError      why the last attempt failed (or why it was dead-lettered)
 * @param signedAt       the signature's timestamp {@code t}
 * @param eventCreatedAt the envelope's {@code created_at}
 * @param nextAttemptAt  when a PENDING delivery is due
 * @param processedAt    when it reached DONE, IGNORED or DEAD
 * @param processingMs   how long the last attempt took
 * @param remoteAddress  the sender's address as seen by the server (redacted unless revealed)
 * @param payload        the body, redacted unless revealed; null unless requested
 */
public record WebhookLogEntry(
        String kind,
        long id,
        UUID integrationId,
        String event,
        String status,
        String reason,
        String detail,
        int attempts,
        String lastError,
        Instant receivedAt,
        Instant signedAt,
        Instant eventCreatedAt,
        Instant nextAttemptAt,
        Instant processedAt,
        Integer processingMs,
        Integer bodyBytes,
        String remoteAddress,
        JsonNode payload) {

    public static final String DELIVERY = "DELIVERY";
    public static final String REJECTION = "REJECTION";

    WebhookLogEntry withPayload(JsonNode body) {
        return new WebhookLogEntry(kind, id, integrationId, event, status, reason, detail, attempts, lastError,
                receivedAt, signedAt, eventCreatedAt, nextAttemptAt, processedAt, processingMs, bodyBytes,
                remoteAddress, body);
    }
}
