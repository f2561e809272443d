package io.calbridge.calendly.spi;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * The host's answer to "who is calling?" for the plugin's settings routes. The host decides how
 * people log in (sessions, JWT, SSO...); the plugin only asks.
 *
 * <p>The host must guarantee: the returned caller was authenticated by the host for this very
 * request; {@link Caller#tenantId()} is the tenant the caller acts for (the plugin scopes every
 * lookup to it); {@link Caller#tenantAdmin()} is true only for people allowed to manage the
 * tenant's Calendly integration. Called on the request thread; must not block for long.
 */
public interface HostSecurity {
    /** The authenticated caller, or empty for an anonymous request (the plugin answers 401). */
    Optional<Caller> caller(Context ctx);

    /**
     * An authenticated caller.
     *
     * @param tenantId    the host's tenant id, as the plugin stores it
     * @param userId      the host's user id (recorded on OAuth states and audit fields)
     * @param tenantAdmin whether the caller may manage the tenant's integrations
     */
    record Caller(String tenantId, String userId, boolean tenantAdmin) {
    }
}
