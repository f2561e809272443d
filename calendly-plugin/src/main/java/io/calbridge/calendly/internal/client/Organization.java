package io.calbridge.calendly.internal.client;

import java.time.Instant;

/** A Calendly organization ({@code GET /organizations/{uuid}}). */
public record Organization(
        String uri,
        String name,
        String slug,
        String status,
        String timezone,
        String plan,
        String stage,
        Instant createdAt,
        Instant updatedAt) {
}
