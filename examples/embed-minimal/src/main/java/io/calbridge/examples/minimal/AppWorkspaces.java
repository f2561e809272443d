package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostTransactions;
import io.calbridge.calendly.spi.TenantDirectory;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** {@link TenantDirectory}: the workspace's time zone; an unreadable one counts as UTC. */
record AppWorkspaces(HostTransactions tx) implements TenantDirectory {
    @Override
    public ZoneId timeZone(HostCall call) {
        String zone = tx.run(call, c -> {
            try (PreparedStatement s = c.prepareStatement("select time_zone from workspace where id = ?")) {
                s.setLong(1, HostCalls.workspace(call));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getString(1) : "UTC";
                }
            }
        });
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
