package io.calbridge.calendly;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CalendlyOperations#forgetTenant} did. The tenant's data key is destroyed and its
 * integrations are DISCONNECTED in every case; {@code problems} lists what could not be cleaned up at
 * Calendly (each also logged at WARN and sent to the host as a notification).
 *
 * @param tenantId                 the tenant, as the plugin stores it
 * @param integrationsDisconnected integrations that were live (connected or awaiting reauthorization)
 *                                 and are now disconnected
 * @param subscriptionsDeleted     of those, how many had their webhook subscriptions deleted at Calendly
 *                                 (or had none)
 * @param problems                 for people, one line each (never a secret): a subscription Calendly
 *                                 did not let us delete keeps calling a URL that now answers 404 until
 *                                 Calendly disables it (after a day) or someone deletes it in Calendly.
 *                                 Empty when everything was cleaned up
 */
public record ForgottenTenant(String tenantId, int integrationsDisconnected, int subscriptionsDeleted,
                              List<String> problems) {
    /**
     * Checks the required parts and copies {@code problems}.
     *
     * @param tenantId                 the tenant; never null
     * @param integrationsDisconnected integrations that were live and are now disconnected
     * @param subscriptionsDeleted     of those, how many had their webhook subscriptions deleted at Calendly
     * @param problems                 what could not be cleaned up at Calendly, one line each; never null
     * @throws NullPointerException when {@code tenantId} or {@code problems} is null
     */
    public ForgottenTenant {
        Objects.requireNonNull(tenantId, "tenantId");
        problems = List.copyOf(problems);
    }

    /**
     * Whether everything was cleaned up at Calendly too.
     *
     * @return true when {@link #problems()} is empty
     */
    public boolean cleanedUpAtCalendly() {
        return problems.isEmpty();
    }
}
