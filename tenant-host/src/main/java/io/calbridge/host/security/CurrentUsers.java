package io.calbridge.host.security;

import io.javalin.http.Context;
import org.slf4j.MDC;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.InternalServerErrorResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pac4j.core.adapter.FrameworkAdapter;
import org.pac4j.core.config.Config;
import org.pac4j.core.context.CallContext;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.context.session.SessionStore;
import org.pac4j.core.exception.CredentialsException;
import org.pac4j.core.profile.ProfileManager;
import org.pac4j.core.profile.UserProfile;
import org.pac4j.http.client.direct.HeaderClient;
import org.pac4j.javalin.JavalinFrameworkParameters;
import org.pac4j.javalin.JavalinWebContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "who is this request from, acting in which tenant?" for host pages, host APIs and (via
 * {@link PluginSecurity}) the plugin.
 *
 * <p>A request with an {@code Authorization} header is judged by that header alone (a valid
 * {@code Bearer} JWT or nobody), never by the session cookie: this is what lets such requests skip
 * the CSRF check. Other requests use the pac4j profile in the session, if there is a session. Either
 * way the membership is then read from the database, and the result is kept for the request.
 */
public record CurrentUsers(Config config, HeaderClient bearer, UserDirectory directory) {
    private static final Logger log = LoggerFactory.getLogger(CurrentUsers.class);
    private static final String ATTRIBUTE = "calbridge.currentUser";

    /** MDC key of the current request's tenant id, printed by both log formats. */
    public static final String TENANT_MDC_KEY = "tenant_id";

    /** The caller, or empty for an anonymous request (or a user who lost the membership). */
    public Optional<CurrentUser> find(Context ctx) {
        Optional<CurrentUser> cached = ctx.attribute(ATTRIBUTE);
        if (cached != null) {
            return cached;
        }
        boolean viaBearer = ctx.header("Authorization") != null;
        Optional<UserProfile> profile = viaBearer ? bearerProfile(ctx) : sessionProfile(ctx);
        Optional<CurrentUser> user = profile.flatMap(p -> Profiles.userId(p)
                .flatMap(userId -> Profiles.tenantId(p).flatMap(tenantId -> directory.currentUser(userId, tenantId, viaBearer))));
        ctx.attribute(ATTRIBUTE, user);
        // Log lines of the rest of this request carry the tenant (SecurityConfig clears it afterwards).
        user.ifPresent(u -> MDC.put(TENANT_MDC_KEY, u.tenantId().toString()));
        return user;
    }

    /** The caller, or 401 {@code unauthenticated}. */
    public CurrentUser require(Context ctx) {
        return find(ctx).orElseThrow(() -> new UnauthorizedResponse("Sign in first.", Map.of("code", "unauthenticated")));
    }

    /** The caller if they administer the tenant they act in; 401 or 403 {@code forbidden} otherwise. */
    public CurrentUser requireAdmin(Context ctx) {
        CurrentUser user = require(ctx);
        if (!user.isAdmin()) {
            throw new ForbiddenResponse("Only an administrator of " + user.tenant().tenantName() + " can open this page.",
                    Map.of("code", "forbidden"));
        }
        return user;
    }

    /**
     * Switches the session's tenant. 404 {@code not_found} when the user is not a member (the same
     * answer as for a tenant that does not exist); bearer callers ask for a token for the other tenant.
     */
    CurrentUser selectTenant(Context ctx, UUID tenantId) {
        CurrentUser user = require(ctx);
        if (user.bearer()) {
            throw new ForbiddenResponse("Bearer tokens are bound to one tenant: request a token for the other tenant.",
                    Map.of("code", "forbidden"));
        }
        Membership membership = directory.membership(user.userId(), tenantId)
                .orElseThrow(() -> new NotFoundResponse("Tenant not found.", Map.of("code", "not_found")));
        WebContext web = new JavalinWebContext(ctx);
        ProfileManager manager = profileManager(web, sessionStore(ctx));
        UserProfile profile = manager.getProfile().orElseThrow(() -> new UnauthorizedResponse("Sign in first.",
                Map.of("code", "unauthenticated")));
        Profiles.select(profile, membership);
        manager.save(true, profile, false);
        ctx.attribute(ATTRIBUTE, null);
        return find(ctx).orElseThrow();
    }

    /**
     * Ends the browser session: profiles removed, session invalidated (its CSRF token with it).
     * Ours rather than javalin-pac4j's LogoutHandler: pac4j's DefaultLogoutLogic keeps a session
     * registry for central logout in a GuavaStore, and Guava (optional for pac4j-core) is not on
     * our classpath; we have no central logout to serve.
     */
    void logout(Context ctx) {
        if (ctx.req().getSession(false) != null) {
            profileManager(new JavalinWebContext(ctx), sessionStore(ctx)).removeProfiles();
            var session = ctx.req().getSession(false);
            if (session != null) {
                session.invalidate();
            }
        }
        ctx.attribute(ATTRIBUTE, null);
    }

    private Optional<UserProfile> sessionProfile(Context ctx) {
        if (ctx.req().getSession(false) == null) {
            return Optional.empty();
        }
        return profileManager(new JavalinWebContext(ctx), sessionStore(ctx)).getProfile();
    }

    private Optional<UserProfile> bearerProfile(Context ctx) {
        CallContext cc = new CallContext(new JavalinWebContext(ctx), sessionStore(ctx));
        try {
            return bearer.getCredentials(cc)
                    .flatMap(c -> bearer.validateCredentials(cc, c))
                    .flatMap(c -> bearer.getUserProfile(cc, c));
        } catch (CredentialsException e) {
            // Malformed, forged or unsigned tokens are anonymous requests, not server errors.
            log.debug("bearer token rejected: {}", e.getClass().getSimpleName());
            return Optional.empty();
        } catch (RuntimeException e) {
            // Our own fault, not the caller's: a 401 would send a valid client to log in again for nothing.
            log.error("Checking a bearer token failed", e);
            throw new InternalServerErrorResponse("Could not check the access token. Try again.",
                    Map.of("code", "internal_error"));
        }
    }

    private SessionStore sessionStore(Context ctx) {
        FrameworkAdapter.INSTANCE.applyDefaultSettingsIfUndefined(config);
        return config.getSessionStoreFactory().newSessionStore(new JavalinFrameworkParameters(ctx));
    }

    private ProfileManager profileManager(WebContext web, SessionStore store) {
        ProfileManager manager = new ProfileManager(web, store);
        manager.setConfig(config);
        return manager;
    }
}
