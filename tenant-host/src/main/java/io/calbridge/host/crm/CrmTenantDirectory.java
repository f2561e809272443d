package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.TENANT;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TenantDirectory;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;

/** {@link TenantDirectory} on the {@code tenant} table; an unreadable zone counts as UTC. */
record CrmTenantDirectory(CrmTx tx) implements TenantDirectory {
    @Override
    public ZoneId timeZone(HostCall call) {
        UUID tenant = CrmTx.tenant(call);
        String zone = tx.run(call, dsl -> dsl.select(TENANT.TIMEZONE).from(TENANT).where(TENANT.ID.eq(tenant))
                .fetchOptional(TENANT.TIMEZONE)
                .orElseThrow(() -> new IllegalStateException("no tenant " + tenant)));
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
