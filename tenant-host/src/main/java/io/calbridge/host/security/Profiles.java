package io.calbridge.host.security;

import io.calbridge.host.security.UserDirectory.Account;
import java.util.Optional;
import java.util.UUID;
import org.pac4j.core.profile.CommonProfile;
import org.pac4j.core.profile.UserProfile;

/** What a pac4j profile of ours carries: id = user id, attributes tenant_id, role, email, display_name. */
final class Profiles {
    static final String TENANT = JwtTokens.TENANT_CLAIM;
    static final String ROLE = JwtTokens.ROLE_CLAIM;

    private Profiles() {
    }

    static CommonProfile of(Account account, Membership tenant) {
        CommonProfile p = new CommonProfile();
        p.setId(account.id().toString());
        p.addAttribute("email", account.email());
        p.addAttribute("display_name", account.displayName());
        select(p, tenant);
        return p;
    }

    static void select(UserProfile p, Membership tenant) {
        p.addAttribute(TENANT, tenant.tenantId().toString());
        p.addAttribute(ROLE, tenant.role().name());
    }

    static Optional<UUID> userId(UserProfile p) {
        return uuid(p.getId());
    }

    static Optional<UUID> tenantId(UserProfile p) {
        Object v = p.getAttribute(TENANT);
        return v == null ? Optional.empty() : uuid(v.toString());
    }

    private static Optional<UUID> uuid(String s) {
        try {
            return s == null ? Optional.empty() : Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
