package io.calbridge.calendly.spi;

/**
 * Tells a tenant's admins about problems that need a person. Implementations must be thread-safe,
 * should return quickly (queue rather than send mail inline) and apply each idempotency key once,
 * so a retried plugin step never notifies twice.
 */
public interface Notifications {
    void notify(HostCall call, Notification notification);
}
