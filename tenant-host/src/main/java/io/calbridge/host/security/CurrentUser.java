package io.calbridge.host.security;

import java.time.ZoneId;
import java.util.UUID;

/**
 * Who a request acts for: the authenticated user and the tenant they act in, with the role they
 * hold there <em>now</em> (read from the database on each request, so a removed member or a
 * demoted admin loses access at once, also with a session or token issued before).
 *
 * @param bearer whether the request authenticated with a bearer JWT rather than the session cookie
 */
public record CurrentUser(UUID userId, String email, String displayName, Membership tenant, boolean bearer) {
    public UUID tenantId() {
        return tenant.tenantId();
    }

    public ZoneId zone() {
        return tenant.zone();
    }

    public boolean isAdmin() {
        return tenant.isAdmin();
    }
}
