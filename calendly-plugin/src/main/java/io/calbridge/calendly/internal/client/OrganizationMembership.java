package io.calbridge.calendly.internal.client;

import java.time.Instant;

/**
 * A user's membership of an organization ({@code GET /organization_memberships}).
 *
 * @param role {@code user}, {@code admin} or {@code owner}; organization-scope webhooks need admin or owner
 */
public record OrganizationMembership(
        String uri,
        String role,
        CalendlyUser user,
        String organization,
        Instant createdAt,
        Instant updatedAt) {
}
