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
     */
    ContactRef findOrCreate(HostCall call, ContactDraft draft);

    /** The contact with this email (ignoring case), without changing anything. */
    Optional<ContactRef> findByEmail(HostCall call, String email);

    /** Sets the contact's status to one of {@link #statuses(HostCall)}. */
    void updateStatus(HostCall call, String contactId, String statusCode);

    /** Sets (or, with null, clears) the contact's owner, a team member id. */
    void updateOwner(HostCall call, String contactId, String ownerId);

    /** Merges these custom fields into the contact's (keys present overwrite, others stay). */
    void updateFields(HostCall call, String contactId, Map<String, String> fields);

    /** Adds one entry to the contact's activity timeline; a repeated key adds nothing. */
    void addActivity(HostCall call, String contactId, ActivityEntry entry);

    /**
     * The tenant's contact statuses in the order a picker should show them; {@link Choice#id()} is
     * the status code. The first one is the default for new contacts.
     */
    List<Choice> statuses(HostCall call);
}
