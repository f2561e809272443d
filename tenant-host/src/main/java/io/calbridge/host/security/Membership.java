package io.calbridge.host.security;

import java.time.ZoneId;
import java.util.UUID;

/** A user's membership in one tenant, with what pages need to show about the tenant. */
public record Membership(UUID tenantId, String tenantName, String tenantSlug, ZoneId zone, Role role) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
