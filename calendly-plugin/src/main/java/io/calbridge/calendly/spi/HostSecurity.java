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
 *
 * <p>The host also protects the plugin's state-changing settings routes against cross-site request
 * forgery when it authenticates browsers with cookies (a CSRF token or {@code SameSite} cookies);
 * the plugin does not. The webhook route ({@code /api/webhooks/calendly/*}) must stay reachable
 * without a login: Calendly's signature authenticates it.
 */
@FunctionalInterface
public interface HostSecurity {

    /**
     * Who sends this request.
     *
     * @param ctx the request, before the plugin reads its body
     * @return the authenticated caller, or empty for an anonymous request (the plugin answers 401)
     */
    Optional<Caller> caller(Context ctx);

    /**
     * The host's CSRF token for this request's session, for the drop-in settings UI
     * ({@link io.calbridge.calendly.SettingsUi}): the UI puts it into every form it renders (field
     * {@link #csrfField()}) and refuses a form post whose token does not match it. Hosts that do not
     * mount the UI need not implement it. Default: none, and the UI then refuses every form post (403)
     * rather than change anything unprotected.
     *
     * @param ctx the request of an authenticated caller
     * @return the token the host expects in this session's forms, or empty when it has none
     */
    default Optional<String> csrfToken(Context ctx) {
        return Optional.empty();
    }

    /**
     * The form field that carries {@link #csrfToken(Context)}: the one the host's own CSRF filter reads,
     * so that the filter, if it covers the UI's routes, accepts the UI's forms too. Default {@code _csrf}.
     *
     * @return the field name
     */
    default String csrfField() {
        return "_csrf";
    }

    /**
     * An authenticated caller.
     *
     * @param tenantId    the host's tenant id, as the plugin stores it; never blank
     * @param userId      the host's user id (recorded on OAuth states and audit fields)
     * @param tenantAdmin whether the caller may manage the tenant's integrations
     */
    record Caller(String tenantId, String userId, boolean tenantAdmin) {
    }
}
