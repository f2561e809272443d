package io.calbridge.calendly.internal.oauth;

import java.time.Duration;
import java.util.UUID;

/**
 * No valid token right now, for a reason that passes (Calendly unreachable or failing, token
 * requests rate-limited). The integration stays connected; try again after {@link #retryAfter()}.
 */
public class TokenUnavailableException extends RuntimeException {
    private final UUID integrationId;
    private final Duration retryAfter;

    public TokenUnavailableException(UUID integrationId, String reason, Duration retryAfter, Throwable cause) {
        super("No Calendly token for integration " + integrationId + " right now: " + reason, cause);
        this.integrationId = integrationId;
        this.retryAfter = retryAfter;
    }

    public UUID integrationId() {
        return integrationId;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
