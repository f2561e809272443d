package io.calbridge.calendly.internal.oauth;

import java.time.Duration;
import java.util.UUID;

/**
 * No valid token right now, for a reason that passes (Calendly unreachable or failing, token
 * requests rate-limited). The integration stays connected; try again after {@link #retryAfter()}.
 */
public class TokenUnavailableException extends RuntimeException {
    private final Duration retryAfter;

    public TokenUnavailableException(UUID integrationId, String reason, Duration retryAfter, Throwable cause) {
        super("No Calendly token for integration " + integrationId + " right now: " + reason, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
