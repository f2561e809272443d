package io.calbridge.calendly.internal.client;

import java.time.Instant;

/** An invitee marked as no-show ({@code GET /invitee_no_shows/{uuid}}). */
public record InviteeNoShow(String uri, String invitee, Instant createdAt) {
}
