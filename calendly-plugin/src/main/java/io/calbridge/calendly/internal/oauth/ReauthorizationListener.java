package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.calendly.spi.Notifications;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Told once when an integration moves to {@link IntegrationStatus#REAUTHORIZATION_REQUIRED} (the
 * node that made the change calls it, after its transaction committed). Must not throw;
 * exceptions are logged and swallowed.
 */
@FunctionalInterface
public interface ReauthorizationListener {
    /**
     * @param at when the integration changed status; with the integration id it identifies this
     *           incident (a later one, after a reconnect, has another time)
     */
    void reauthorizationRequired(String tenantId, UUID integrationId, String reason, Instant at);

    /** Only the log line the token source writes anyway. */
    static ReauthorizationListener none() {
        return (tenantId, integrationId, reason, at) -> {
        };
    }

    /** Adapts the host's {@link Notifications}; the idempotency key names the integration and the incident. */
    public static ReauthorizationListener notifying(Notifications notifications) {
        return (tenantId, integrationId, reason, at) -> notifications.notify(
                HostCall.effect(tenantId, "calendly-reauthorization:" + integrationId + ":" + at.toEpochMilli(), null),
                new Notification(Notification.Kind.REAUTHORIZATION_REQUIRED,
                        "Reconnect Calendly",
                        "Calendly no longer accepts this workspace's connection (" + reason + "). New bookings are not "
                                + "imported until someone connects Calendly again in the settings.",
                        Map.of("integration_id", integrationId.toString(), "reason", reason)));
    }
}
