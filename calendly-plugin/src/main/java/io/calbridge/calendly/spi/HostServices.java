package io.calbridge.calendly.spi;

import java.util.Objects;

/**
 * The host's side of the integration, in one value: everything the plugin calls when it turns
 * Calendly bookings into contacts, list memberships, tags, tasks and notifications.
 *
 * <p>All six are required. Each is called from the plugin's worker threads concurrently and must be
 * thread-safe. See {@link HostCall} for the idempotency and transaction rules every call follows.
 */
public record HostServices(
        Contacts contacts,
        MailingLists mailingLists,
        Tasks tasks,
        TeamMembers teamMembers,
        Notifications notifications,
        TenantDirectory tenants) {
    public HostServices {
        Objects.requireNonNull(contacts, "contacts");
        Objects.requireNonNull(mailingLists, "mailingLists");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(teamMembers, "teamMembers");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(tenants, "tenants");
    }
}
