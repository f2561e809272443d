package io.calbridge.calendly.spi;

import java.time.ZoneId;

/**
 * Facts about tenants the plugin needs. Read-only, thread-safe.
 */
public interface TenantDirectory {

    /**
     * The tenant's time zone: task titles and descriptions show meeting times in it. Must not
     * return null; a host without a per-tenant zone returns one fixed zone.
     */
    ZoneId timeZone(HostCall call);
}
