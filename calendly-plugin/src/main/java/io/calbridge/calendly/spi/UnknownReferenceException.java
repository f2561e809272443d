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
    public enum Kind {
        /** A mailing list id ({@link MailingLists#lists}). */
        MAILING_LIST,
        /** A tag id ({@link MailingLists#tags}). */
        TAG,
        /** A status code ({@link Contacts#statuses}). */
        CONTACT_STATUS,
        /** A team member id ({@link TeamMembers#list}). */
        TEAM_MEMBER,
        /** A contact id ({@link ContactRef#id()}). */
        CONTACT,
        /** A task id ({@link Tasks#create}). */
        TASK
    }

    /** What kind of thing was not found. */
    private final Kind kind;
    /** The id that names nothing. */
    private final String id;

    /**
     * A reference that names nothing of the tenant.
     *
     * @param kind what kind of thing the id should name
     * @param id   the id as the plugin gave it (shown to the tenant admin; never a secret)
     */
    public UnknownReferenceException(Kind kind, String id) {
        super(kind + " " + id + " does not exist");
        this.kind = kind;
        this.id = id;
    }

    /**
     * What kind of thing was not found.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The id that names nothing.
     *
     * @return the id as given
     */
    public String id() {
        return id;
    }
}
