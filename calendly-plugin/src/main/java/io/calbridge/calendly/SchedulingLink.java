package io.calbridge.calendly;

import java.time.Instant;

/**
 * A single-use Calendly scheduling link for one contact.
 *
 * @param id           the plugin's id of the link
 * @param url          the URL to send: Calendly's booking URL with the contact's link token (and the
 *                     prefill, when given); books once
 * @param contactId    the contact the booking will attach to
 * @param eventTypeUri the event type it books
 * @param createdAt    when it was created
 * @param usedAt       when a booking came back through it, or null
 */
public record SchedulingLink(String id, String url, String contactId, String eventTypeUri, Instant createdAt,
                             Instant usedAt) {
}
