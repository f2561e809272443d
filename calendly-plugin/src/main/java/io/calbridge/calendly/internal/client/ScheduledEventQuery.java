package io.calbridge.calendly.internal.client;

import java.time.Instant;

/**
 * Filters of {@code GET /scheduled_events}. Exactly one of {@code organization} or {@code user} is
 * usually set (an organization query needs an admin or owner; both together filter one user of
 * the organization). Null fields are not sent.
 *
 * @param status       {@code active} or {@code canceled}
 * @param sort         e.g. {@code start_time:asc}
 */
public record ScheduledEventQuery(
        String organization,
        String user,
        String inviteeEmail,
        String status,
        Instant minStartTime,
        Instant maxStartTime,
        String sort) {

    public static ScheduledEventQuery forOrganization(String organizationUri) {
        return new ScheduledEventQuery(organizationUri, null, null, null, null, null, null);
    }

    public static ScheduledEventQuery forUser(String userUri) {
        return new ScheduledEventQuery(null, userUri, null, null, null, null, null);
    }

    public ScheduledEventQuery between(Instant min, Instant max) {
        return new ScheduledEventQuery(organization, user, inviteeEmail, status, min, max, sort);
    }

    /** Only the events this person (by e-mail, ignoring case) is an invitee of. */
    public ScheduledEventQuery withInviteeEmail(String email) {
        return new ScheduledEventQuery(organization, user, email, status, minStartTime, maxStartTime, sort);
    }

    public ScheduledEventQuery withStatus(String newStatus) {
        return new ScheduledEventQuery(organization, user, inviteeEmail, newStatus, minStartTime, maxStartTime, sort);
    }

    public ScheduledEventQuery sortedBy(String newSort) {
        return new ScheduledEventQuery(organization, user, inviteeEmail, status, minStartTime, maxStartTime, newSort);
    }

    QueryString toQuery(String count) {
        return new QueryString()
                .add("organization", organization)
                .add("user", user)
                .add("invitee_email", inviteeEmail)
                .add("status", status)
                .add("min_start_time", minStartTime == null ? null : minStartTime.toString())
                .add("max_start_time", maxStartTime == null ? null : maxStartTime.toString())
                .add("sort", sort)
                .add("count", count);
    }
}
