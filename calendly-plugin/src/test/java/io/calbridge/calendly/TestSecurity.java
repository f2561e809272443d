package io.calbridge.calendly;

import io.calbridge.calendly.spi.HostSecurity;
import java.util.Optional;

/** HostSecurity stand-ins for tests that register the whole plugin. */
public final class TestSecurity {
    /** Every request is anonymous. */
    public static final HostSecurity NOBODY = ctx -> Optional.empty();

    /**
     * A tenant admin named by the request attributes {@code calbridge.tenantId} / {@code calbridge.userId}
     * that the test's own before-handler sets; anonymous without them.
     */
    public static final HostSecurity FROM_ATTRIBUTES = ctx -> {
        Object tenant = ctx.attribute("calbridge.tenantId");
        Object user = ctx.attribute("calbridge.userId");
        return tenant == null || user == null ? Optional.empty()
                : Optional.of(new HostSecurity.Caller(tenant.toString(), user.toString(), true));
    };

    private TestSecurity() {
    }
}
