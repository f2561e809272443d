package io.calbridge.calendly.internal.oauth;

import java.util.UUID;

/**
 * Told once when an integration moves to {@link IntegrationStatus#REAUTHORIZATION_REQUIRED} (the
 * node that made the change calls it, after its transaction committed). Wiring adapts the host's
 * notification interface to this. Must not throw; exceptions are logged and swallowed.
 */
@FunctionalInterface
public interface ReauthorizationListener {
    void reauthorizationRequired(String tenantId, UUID integrationId, String reason);
}
