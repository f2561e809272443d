package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The plugin asks "who is calling?"; the app answers with its own login. The workspace is the
 * plugin's tenant and the app's admins manage the Calendly connection.
 */
final class AppSecurity implements HostSecurity {
    private final Users users;

    AppSecurity(Users users) {
        this.users = users;
    }

    @Override
    public Optional<Caller> caller(Context ctx) {
        return users.current(ctx)
                .map(u -> new Caller(String.valueOf(u.workspaceId()), String.valueOf(u.id()), u.admin()));
    }
}
