package io.calbridge.host.security;

import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * tenant-host's {@link HostSecurity} for the Calendly plugin: the caller is {@link CurrentUsers}'
 * answer (session or bearer JWT, membership read from the database); tenant admin means role ADMIN
 * in the tenant the caller acts in. The CSRF token is the session's ({@link CsrfGuard}).
 */
final class PluginSecurity implements HostSecurity {
    private final CurrentUsers users;
    private final CsrfGuard csrf;

    PluginSecurity(CurrentUsers users, CsrfGuard csrf) {
        this.users = users;
        this.csrf = csrf;
    }

    @Override
    public Optional<Caller> caller(Context ctx) {
        return users.find(ctx).map(u -> new Caller(u.tenantId().toString(), u.userId().toString(), u.isAdmin()));
    }

    /** The session's synchronizer token: the settings UI's forms carry it, and {@link CsrfGuard} checks them too. */
    @Override
    public Optional<String> csrfToken(Context ctx) {
        return Optional.of(csrf.token(ctx));
    }

    @Override
    public String csrfField() {
        return CsrfGuard.FIELD;
    }
}
