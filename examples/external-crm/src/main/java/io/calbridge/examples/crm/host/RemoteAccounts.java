package io.calbridge.examples.crm.host;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TenantDirectory;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** {@link TenantDirectory}: the CRM account's time zone (the plugin caches it for a minute). */
record RemoteAccounts(CrmClient crm) implements TenantDirectory {
    @Override
    public ZoneId timeZone(HostCall call) {
        try {
            return ZoneId.of(crm.get(call, "").path("time_zone").asText("UTC"));
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
