package io.calbridge.calendly.spi;

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
     * Checks that every part is there. Built inside {@code new CalendlyPlugin(c -> ...)}, a missing
     * part therefore stops the app at registration, with a message that names the part, its place in
     * this constructor and what to put there.
     *
     * @param contacts the tenant's contacts and their timeline
     * @param mailingLists the tenant's mailing lists and tags
     * @param tasks the tenant's tasks
     * @param teamMembers who can own contacts and tasks
     * @param notifications how the tenant's admins hear about problems
     * @param tenants facts about tenants (time zone)
     * @throws IllegalArgumentException when a part is null
     */
    public HostServices {
        require(contacts, 1, "contacts", "Contacts",
                "finds or creates the tenant's contact for each booking by email and keeps its timeline",
                "new YourContacts(dataSource)");
        require(mailingLists, 2, "mailingLists", "MailingLists",
                "subscribes contacts to the tenant's lists and tags them; a host without lists or tags returns"
                        + " empty lists() and tags() and is never asked to subscribe or tag",
                "new YourMailingLists(dataSource)");
        require(tasks, 3, "tasks", "Tasks",
                "creates, reschedules, cancels and completes the follow-up task of each booking",
                "new YourTasks(dataSource)");
        require(teamMembers, 4, "teamMembers", "TeamMembers",
                "lists who can own contacts and tasks; a host without owners returns an empty list() and empty"
                        + " lookups",
                "new YourTeamMembers(dataSource)");
        require(notifications, 5, "notifications", "Notifications",
                "tells the tenant's admins about what needs a person (reconnect Calendly, a delivery given up);"
                        + " one that queues an e-mail, or only logs to start with",
                "(call, notification) -> log.warn(\"{}: {}\", notification.title(), notification.message())");
        require(tenants, 6, "tenants", "TenantDirectory",
                "gives each tenant's time zone, in which task titles show meeting times; a host without"
                        + " per-tenant zones returns one fixed zone",
                "call -> ZoneId.of(\"America/New_York\")");
    }

    private static void require(Object part, int position, String name, String type, String what, String example) {
        if (part == null) {
            String[] arguments = {"contacts", "mailingLists", "tasks", "teamMembers", "notifications", "tenants"};
            arguments[position - 1] = example;
            throw new IllegalArgumentException(name + " is required: argument " + position + " of new HostServices(...)"
                    + " (c.host) must be your " + type + " (io.calbridge.calendly.spi." + type + "), which " + what
                    + ", e.g. c.host = new HostServices(" + String.join(", ", arguments) + ");"
                    + " what each part must guarantee: https://github.com/calbridge/calbridge/blob/main/docs/host-interfaces.md");
        }
    }
}
