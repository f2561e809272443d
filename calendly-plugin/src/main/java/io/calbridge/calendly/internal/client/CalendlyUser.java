package io.calbridge.calendly.internal.client;

import java.time.Instant;

/** A Calendly user ({@code GET /users/me}, {@code /users/{uuid}}). Unknown fields are ignored, missing ones null. */
public record CalendlyUser(
        String uri,
        String name,
        String slug,
        String email,
        String schedulingUrl,
        String timezone,
        String timeNotation,
        String avatarUrl,
        Instant createdAt,
        Instant updatedAt,
        String currentOrganization,
        String resourceType,
        String locale) {
}
