package io.calbridge.calendly.spi;

import java.time.ZoneId;

/**
 * Facts about tenants the plugin needs. Read-only, thread-safe. The plugin caches answers for about
 * a minute per tenant, so a change shows within that time.
 */
public interface TenantDirectory {

    /**
     * The tenant's time zone: task titles and descriptions show meeting times in it.
     *
     * @param call the tenant (a read: no key), possibly inside the plugin's transaction
     * @return the zone, never null; a host without a per-tenant zone returns one fixed zone
     */
    ZoneId timeZone(HostCall call);
}
