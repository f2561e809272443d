package io.calbridge.calendly.spi;

/**
 * Tells a tenant's admins about problems that need a person. Implementations must be thread-safe,
 * should return quickly (queue rather than send mail inline) and apply each idempotency key once,
 * so a retried plugin step never notifies twice.
 */
public interface Notifications {

    /**
     * Records (or queues) one notification for the tenant's admins.
     *
     * @param call         the tenant and the idempotency key (one per incident); the plugin's transaction
     *                     when there is one
     * @param notification what happened and what to do
     */
    void notify(HostCall call, Notification notification);
}
