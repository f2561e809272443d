package io.calbridge.calendly;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link CalendlyOperations#erasePerson} did for one e-mail of one tenant. Holds counts only,
 * never the e-mail or a name.
 *
 * @param tenantId            the tenant
 * @param bookings            booking rows (invitees) deleted from the plugin's tables, with their effect ledger
 * @param deliveries          stored webhook bodies that named the person, purged
 * @param rejections          rejection-log rows that named the person, deleted
 * @param hostAsked           whether the host's {@code PersonErasure} was called (false when the host has none)
 * @param hostContacts        contacts the host erased or anonymised (0 when not asked)
 * @param hostTasks           tasks the host erased or anonymised
 * @param hostActivities      timeline entries the host erased or anonymised
 * @param calendlyDeletion    whether Calendly's data-compliance deletion was requested (the tenant opted in
 *                            and Calendly accepted it)
 * @param laterDeliveries     what happens to a delivery that names the person later: {@code IGNORE} or
 *                            {@code NEW_CONTACT} (the tenant's choice)
 * @param erasedAt            when
 * @param problems            for people, one line each: what could not be done (the host or Calendly refused
 *                            or failed); empty when everything was done
 */
public record PersonErased(String tenantId, int bookings, int deliveries, int rejections, boolean hostAsked,
                           int hostContacts, int hostTasks, int hostActivities, boolean calendlyDeletion,
                           String laterDeliveries, Instant erasedAt, List<String> problems) {
    /**
     * Copies {@code problems}.
     *
     * @param tenantId see the record description
     * @param bookings see the record description
     * @param deliveries see the record description
     * @param rejections see the record description
     * @param hostAsked see the record description
     * @param hostContacts see the record description
     * @param hostTasks see the record description
     * @param hostActivities see the record description
     * @param calendlyDeletion see the record description
     * @param laterDeliveries see the record description
     * @param erasedAt see the record description
     * @param problems see the record description
     * @throws NullPointerException when {@code tenantId} or {@code problems} is null
     */
    public PersonErased {
        Objects.requireNonNull(tenantId, "tenantId");
        problems = List.copyOf(problems);
    }
}
