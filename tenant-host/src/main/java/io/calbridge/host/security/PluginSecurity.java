package io.calbridge.host.security;

import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * tenant-host's {@link HostSecurity} for the Calendly plugin: the caller is {@link CurrentUsers}'
 * answer (session or bearer JWT, membership read from the database); tenant admin means role ADMIN
 * in the tenant the caller acts in. The CSRF token is the session's ({@link CsrfGuard}). Every
 * member may act on Calendly meetings ({@link #mayAct}).
 */
record PluginSecurity(CurrentUsers users, CsrfGuard csrf) implements HostSecurity {
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

    /**
     * Every member of the tenant may act on its Calendly meetings: members already work with the
     * tenant's contacts and tasks, and these actions are what they do from those pages. Managing
     * the integration itself stays with admins.
     */
    @Override
    public boolean mayAct(Caller caller, Action action) {
        return true;
    }
}
