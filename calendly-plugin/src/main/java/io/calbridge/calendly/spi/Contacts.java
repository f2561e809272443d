package io.calbridge.calendly.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host's CRM contacts, as the plugin uses them. Implementations must be thread-safe.
 *
 * <p>Every changing call carries an idempotency key and may carry the plugin's transaction; see
 * {@link HostCall} for what the host must guarantee about both. Ids are the host's own, as strings.
 * A call naming an id that does not exist for the tenant throws {@link UnknownReferenceException};
 * any other exception means "try again later".
 */
public interface Contacts {

    /**
     * Finds the tenant's contact whose email equals {@code draft.email()} ignoring case, or creates
     * it. A found contact gets the draft's non-null names, phone and time zone, the draft's fields
     * merged over its own, the draft's status when it is non-null, and the draft's owner only when
     * it has no owner yet. A new contact gets all of the draft, and the host's default status when
     * the draft has none.
     *
     * <p>Must never create a second contact for the same email, also when two calls race.
     *
     * @param call  the tenant, the idempotency key and possibly the plugin's transaction
     * @param draft what the plugin knows about the contact
     * @return the contact as it is after the call; {@code created} only on the call that created it
     * @throws UnknownReferenceException when the draft's status or owner names nothing of the tenant
     */
    ContactRef findOrCreate(HostCall call, ContactDraft draft);

    /**
     * The contact with this email (ignoring case), without changing anything.
     *
     * @param call  the tenant (a read: no key)
     * @param email the address to look for
     * @return the contact, with {@code created} false, or empty when the tenant has none with this email
     */
    Optional<ContactRef> findByEmail(HostCall call, String email);

    /**
     * The contact's e-mail address, without changing anything. The plugin asks when a member refreshes
     * a contact's Calendly meetings ({@code CalendlyActions.meetings} with {@code refresh}): it then
     * also asks Calendly for this address's meetings, and brings in those whose webhook never came.
     * The default answers empty: a refresh then re-reads only the meetings the plugin already has.
     *
     * @param call      the tenant (a read: no key)
     * @param contactId the host's contact id
     * @return the address, or empty when the contact has none or is not the tenant's
     */
    default Optional<String> email(HostCall call, String contactId) {
        return Optional.empty();
    }

    /**
     * Sets the contact's status to one of {@link #statuses(HostCall)}.
     *
     * @param call       the tenant and the idempotency key
     * @param contactId  the host's contact id
     * @param statusCode a status code ({@link Choice#id()} of {@link #statuses(HostCall)})
     * @throws UnknownReferenceException when the contact or the status does not exist for the tenant
     */
    void updateStatus(HostCall call, String contactId, String statusCode);

    /**
     * Sets (or, with null, clears) the contact's owner, a team member id.
     *
     * @param call      the tenant and the idempotency key
     * @param contactId the host's contact id
     * @param ownerId   a {@link TeamMember#id()}, or null to clear
     * @throws UnknownReferenceException when the contact or the team member does not exist for the tenant
     */
    void updateOwner(HostCall call, String contactId, String ownerId);

    /**
     * Merges these custom fields into the contact's (keys present overwrite, others stay).
     *
     * @param call      the tenant and the idempotency key
     * @param contactId the host's contact id
     * @param fields    field names to values, never null values
     * @throws UnknownReferenceException when the contact does not exist for the tenant
     */
    void updateFields(HostCall call, String contactId, Map<String, String> fields);

    /**
     * Adds one entry to the contact's activity timeline; a repeated key adds nothing.
     *
     * @param call      the tenant and the idempotency key
     * @param contactId the host's contact id
     * @param entry     what happened, and when in Calendly
     * @throws UnknownReferenceException when the contact does not exist for the tenant
     */
    void addActivity(HostCall call, String contactId, ActivityEntry entry);

    /**
     * The tenant's contact statuses in the order a picker should show them; {@link Choice#id()} is
     * the status code. The first one is the default for new contacts.
     *
     * @param call the tenant (a read: no key)
     * @return the statuses, possibly empty when the host has no statuses (then settings cannot name one)
     */
    List<Choice> statuses(HostCall call);
}
