package io.calbridge.calendly;

/**
 * What a single-use scheduling link is for.
 *
 * @param contactId      the host's contact id the booking is to attach to
 * @param eventTypeUri   the Calendly event type ({@code https://api.calendly.com/event_types/...})
 * @param integrationId  the Calendly integration to create it with; null when the tenant has exactly one
 * @param idempotencyKey chosen by the caller, e.g. per rendered form; the same key returns the same
 *                       link (1 to 200 characters)
 * @param name           prefills the booking form; may be null
 * @param email          prefills the booking form; may be null (the invitee may change it)
 */
public record SchedulingLinkRequest(
        String contactId,
        String eventTypeUri,
        String integrationId,
        String idempotencyKey,
        String name,
        String email) {
}
