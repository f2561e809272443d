package io.calbridge.calendly.spi;

import java.util.Objects;

/**
 * The host's side of the integration, in one value: everything the plugin calls when it turns
 * Calendly bookings into contacts, list memberships, tags, tasks and notifications.
 *
 * <p>All six are required. Each is called from the plugin's worker threads concurrently and must be
 * thread-safe. See {@link HostCall} for the idempotency and transaction rules every call follows.
 *
 * @param contacts      the tenant's contacts and their timeline
 * @param mailingLists  the tenant's mailing lists and tags
 * @param tasks         the tenant's tasks
 * @param teamMembers   who can own contacts and tasks
 * @param notifications how the tenant's admins hear about problems
 * @param tenants       facts about tenants (time zone)
 */
public record HostServices(
        Contacts contacts,
        MailingLists mailingLists,
        Tasks tasks,
        TeamMembers teamMembers,
        Notifications notifications,
        TenantDirectory tenants) {

    /**
     * Checks that every part is there.
     *
     * @param contacts the tenant's contacts and their timeline
     * @param mailingLists the tenant's mailing lists and tags
     * @param tasks the tenant's tasks
     * @param teamMembers who can own contacts and tasks
     * @param notifications how the tenant's admins hear about problems
     * @param tenants facts about tenants (time zone)
     * @throws NullPointerException naming the missing part
     */
    public HostServices {
        Objects.requireNonNull(contacts, "contacts");
        Objects.requireNonNull(mailingLists, "mailingLists");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(teamMembers, "teamMembers");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(tenants, "tenants");
    }
}
