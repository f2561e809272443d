package io.calbridge.calendly.internal.privacy;

/**
 * A tenant's privacy choices.
 *
 * @param afterErasure     what a delivery naming an erased person does later
 * @param calendlyDeletion whether erasing a person also asks Calendly to delete the invitee's data
 *                         ({@code POST /data_compliance/deletion/invitees}; Enterprise plan, admin token
 *                         with {@code data_compliance:write})
 */
public record TenantPrivacy(AfterErasure afterErasure, boolean calendlyDeletion) {
    public static final TenantPrivacy DEFAULTS = new TenantPrivacy(AfterErasure.IGNORE, false);

    public enum AfterErasure {
        /** Stored, then ignored: no booking row, no contact; its body is purged at once. */
        IGNORE,
        /** Processed like anyone's: the person comes back as a new contact. */
        NEW_CONTACT
    }
}
