package io.calbridge.calendly.internal.oauth;

import java.util.UUID;

/**
 * Calendly no longer accepts the integration's grant (refresh token used or revoked, app access
 * removed, personal token deleted). Nothing retries until the tenant connects again; callers should
 * stop work for this integration and surface the status.
 */
public class ReauthorizationRequiredException extends RuntimeException {
    private final UUID integrationId;

    public ReauthorizationRequiredException(UUID integrationId, String reason) {
        super("Calendly connection " + integrationId + " must be reconnected by the tenant"
                + (reason == null ? "" : ": " + reason));
        this.integrationId = integrationId;
    }

    public UUID integrationId() {
        return integrationId;
    }
}
