package io.calbridge.calendly.spi;

/**
 * Thrown by a host interface when an id it was given does not name anything of this tenant (a
 * deleted mailing list, a tag, a contact status, a team member, a contact or a task). The plugin
 * treats it as permanent: the webhook delivery that caused the call is dead-lettered with a message
 * that tells the tenant admin which setting to fix, and is not retried.
 *
 * <p>Any other exception from a host interface is treated as temporary (the delivery is retried
 * later), so a host must throw this one only when retrying cannot help.
 */
public class UnknownReferenceException extends RuntimeException {
    /** What kind of thing was not found. */
    public enum Kind { MAILING_LIST, TAG, CONTACT_STATUS, TEAM_MEMBER, CONTACT, TASK }

    private final Kind kind;
    private final String id;

    public UnknownReferenceException(Kind kind, String id) {
        super(kind + " " + id + " does not exist");
        this.kind = kind;
        this.id = id;
    }

    public Kind kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
