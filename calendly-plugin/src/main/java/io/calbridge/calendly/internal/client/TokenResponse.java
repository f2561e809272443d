package io.calbridge.calendly.internal.client;

import io.calbridge.calendly.internal.common.Secret;
import java.time.Instant;

/**
 * Calendly's answer from {@code POST /oauth/token}.
 *
 * @param expiresAt    when the access token expires, computed from {@code expires_in} at receipt
 *                     (our clock, not Calendly's {@code created_at}, so clock skew does not matter)
 * @param owner        the Calendly user URI ({@code owner})
 * @param organization the Calendly organization URI; missing in older responses, then {@code null}
 */
public record TokenResponse(
        Secret accessToken,
        Secret refreshToken,
        String tokenType,
        Instant expiresAt,
        String scope,
        String owner,
        String organization) {
}
