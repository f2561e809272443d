package io.calbridge.calendly.internal.oauth;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code calendly_oauth_state}: an authorization in flight. */
record StateRow(
        UUID id,
        String tenantId,
        String userId,
        UUID integrationId,
        byte[] pkceVerifierEnc,
        Instant expiresAt,
        Instant consumedAt) {
}
