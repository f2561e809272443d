package io.calbridge.calendly.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A follow-up task as the plugin wants it.
 *
 * @param contactId   the contact it is about, or null when contacts are not created
 * @param ownerId     the team member who owns it, or null
 * @param title       rendered title (never null, at most 500 characters)
 * @param description rendered description, may be empty
 * @param dueAt       the instant it is due (the host shows it in whatever zone it likes)
 */
public record TaskDraft(String contactId, String ownerId, String title, String description, Instant dueAt) {
    /**
     * Checks the required parts.
     *
     * @param contactId the contact it is about, or null when contacts are not created
     * @param ownerId the team member who owns it, or null
     * @param title rendered title (never null, at most 500 characters)
     * @param description rendered description, may be empty
     * @param dueAt the instant it is due (the host shows it in whatever zone it likes)
     * @throws NullPointerException when {@code title} or {@code dueAt} is null
     */
    public TaskDraft {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(dueAt, "dueAt");
    }
}
