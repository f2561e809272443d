package io.calbridge.calendly.internal.booking;

import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * The one hook other features have into which contact a booking attaches to: before the plugin
 * looks a booking's contact up by e-mail (once per chain), it asks whether something already pins
 * the booking to a contact. The write-back feature answers for bookings made through a scheduling
 * link a CRM user sent to a contact ({@code internal/writeback}); the e-mail the invitee typed then
 * does not matter.
 */
@FunctionalInterface
public interface ContactPins {
    /** Nothing is ever pinned. */
    ContactPins NONE = (dsl, tenantId, integrationId, inviteeUri, utmContent) -> Optional.empty();

    /**
     * The host's contact id this invitee's booking belongs to, or empty to find the contact by e-mail.
     * Runs in the delivery's transaction (it may record that the pin was used; a rollback undoes that).
     *
     * @param utmContent the invitee's {@code tracking.utm_content}, possibly null
     */
    Optional<String> contactFor(DSLContext dsl, String tenantId, UUID integrationId, String inviteeUri, String utmContent);
}
