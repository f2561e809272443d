package io.calbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One HTTP attempt to deliver a webhook.
 *
 * @param messageId     same for every attempt (and duplicate) of one webhook message
 * @param attempt       1 for the first try, 2.. for retries
 * @param subscriptionUri the subscription the message belongs to
 * @param event         e.g. {@code invitee.created}
 * @param headers       request headers exactly as sent (names as sent)
 * @param body          request body bytes exactly as sent
 * @param sentAt        base-clock time of the attempt (the signature's {@code t})
 * @param calendlyAt    sandbox-clock time of the attempt: when it was due, so a retry run by
 *                      {@code advanceTime} shows where it falls in Calendly's schedule
 * @param status        HTTP status of the answer, or {@code null} when none came
 * @param error         why it failed without a status, else {@code null}
 */
public record DeliveryAttempt(long messageId, int attempt, String subscriptionUri, String url, String event,
                              Map<String, String> headers, byte[] body, Instant sentAt, Instant calendlyAt, Integer status,
                              DeliveryOutcome outcome, String error) {
    public DeliveryAttempt {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The {@code Calendly-Webhook-Signature} header, or {@code null} when the delivery was unsigned. */
    public String signatureHeader() {
        return headers.get("Calendly-Webhook-Signature");
    }

    public boolean delivered() {
        return outcome == DeliveryOutcome.DELIVERED;
    }

    @Override
    public String toString() {
        return "DeliveryAttempt[#" + messageId + "/" + attempt + " " + event + " -> " + url + " " + outcome
                + (status != null ? " " + status : "") + (error != null ? " (" + error + ")" : "") + "]";
    }
}
