package io.calbridge.host.security;

import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.config.JavalinConfig;
import org.slf4j.MDC;
import io.javalin.config.RoutesConfig;
import jakarta.servlet.SessionTrackingMode;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.session.NullSessionCache;
import org.jooq.DSLContext;
import org.pac4j.core.adapter.FrameworkAdapter;
import org.pac4j.core.client.Clients;
import org.pac4j.core.config.Config;
import org.pac4j.core.engine.DefaultCallbackLogic;
import org.pac4j.core.engine.DefaultSecurityLogic;
import org.pac4j.http.client.direct.HeaderClient;
import org.pac4j.http.client.indirect.FormClient;
import org.pac4j.jwt.credentials.authenticator.JwtAuthenticator;
import org.pac4j.javalin.CallbackHandler;

/**
 * All of tenant-host's security in one place: pac4j clients (a login form with a session for
 * browsers, {@code Authorization: Bearer <JWT>} for API clients), the session cookie, CSRF,
 * security headers, the login throttle, and the routes that log in and out. Sessions and failed-login
 * counts live in the database ({@link HostSessionStore}, {@link LoginThrottle}), so several nodes need
 * no sticky sessions.
 *
 * <table>
 * <caption>Routes</caption>
 * <tr><td>{@code GET /login}</td><td>login form (rendered by the web package)</td></tr>
 * <tr><td>{@code POST /callback}</td><td>the form posts here (pac4j's callback); 429 when throttled</td></tr>
 * <tr><td>{@code POST /logout}</td><td>ends the session (CSRF token required)</td></tr>
 * <tr><td>{@code POST /api/token}</td><td>email + password (+ tenant_id) for a short-lived JWT</td></tr>
 * <tr><td>{@code GET /api/me}</td><td>who the session or token is</td></tr>
 * <tr><td>{@code POST /tenant/select}</td><td>switch the session's tenant</td></tr>
 * <tr><td>{@code /app}, {@code /app/*}</td><td>login required; anonymous browsers go to the login form</td></tr>
 * </table>
 */
public final class SecurityConfig {
    public static final String LOGIN_PATH = "/login";
    public static final String CALLBACK_PATH = "/callback";
    public static final String LOGOUT_PATH = "/logout";
    public static final String TOKEN_PATH = "/api/token";
    public static final String ME_PATH = "/api/me";
    public static final String SELECT_TENANT_PATH = "/tenant/select";
    public static final String APP_PATH = "/app";
    /** The plugin's webhook endpoint: Calendly calls it, with a signature instead of a session. */
    static final String WEBHOOK_PREFIX = "/api/webhooks/calendly/";
    static final String SESSION_COOKIE = "calbridge_session";

    /** A stored session's last access is written again after this long even if nothing else changed. */
    static final int SESSION_SAVE_PERIOD_SECONDS = 60;

    private final SecuritySettings settings;
    private final DSLContext dsl;
    private final Config pac4j;
    private final FormClient form;
    private final CurrentUsers users;
    private final CsrfGuard csrf;
    private final Logins logins;
    private final JwtTokens tokens;
    private final SecurityHeaders headers;
    private final PasswordHasher hasher;
    private final HostSecurity hostSecurity;

    /**
     * @param dsl tenant-host's database, which holds the sessions and the login throttle's counts, so
     *            every node serves every request (no sticky sessions)
     */
    public SecurityConfig(SecuritySettings settings, UserDirectory directory, DSLContext dsl) {
        this.settings = settings;
        this.dsl = dsl;
        this.hasher = new PasswordHasher(settings.passwordIterations());
        this.logins = new Logins(directory, hasher, new LoginThrottle(dsl, settings.clock(), settings.loginLimits()));
        this.tokens = new JwtTokens(settings.jwtKey(), settings.jwtTtl(), settings.clock());

        this.form = new FormClient(LOGIN_PATH, new FormAuthenticator(logins));
        JwtAuthenticator jwt = new StrictJwtAuthenticator(tokens.signature(), settings.clock());
        HeaderClient bearer = new HeaderClient("Authorization", "Bearer ", jwt);
        // The form client comes first: javalin-pac4j's callback treats the first client as the default.
        this.pac4j = new Config(new Clients(CALLBACK_PATH, form, bearer));
        DefaultSecurityLogic securityLogic = new DefaultSecurityLogic();
        securityLogic.setSavedRequestHandler(new RelativeSavedRequests(settings.https()));
        DefaultCallbackLogic callbackLogic = new DefaultCallbackLogic();
        callbackLogic.setSavedRequestHandler(new RelativeSavedRequests(settings.https()));
        pac4j.setSecurityLogic(securityLogic);
        pac4j.setCallbackLogic(callbackLogic);
        initializeNow(pac4j, form, bearer, jwt);

        this.users = new CurrentUsers(pac4j, bearer, directory);
        this.csrf = new CsrfGuard(new LoginFormTokens(settings.jwtKey(), settings.https(), settings.clock()),
                Set.of(CALLBACK_PATH), Set.of(TOKEN_PATH), List.of(WEBHOOK_PREFIX));
        this.hostSecurity = new PluginSecurity(users, csrf);
        this.headers = new SecurityHeaders(settings.https(), settings.formActionOrigins());
    }

    /**
     * Initializes pac4j's clients here, on one thread, before the server takes a request. pac4j
     * initializes them lazily on first use, and its {@code InitializableObject} notes the attempt
     * before the attempt is done: a concurrent first caller sees "attempted just now", skips the
     * initialization and uses the client half-built (a null credentials extractor). On a fresh node
     * the first concurrent bearer requests got 401 from that NullPointerException.
     */
    private static void initializeNow(Config config, FormClient form, HeaderClient bearer, JwtAuthenticator jwt) {
        FrameworkAdapter.INSTANCE.applyDefaultSettingsIfUndefined(config);
        config.getClients().init();
        form.init();
        bearer.init();
        jwt.init();
        if (!form.isInitialized() || !bearer.isInitialized() || !jwt.isInitialized()) {
            throw new IllegalStateException("pac4j clients did not initialize");
        }
    }

    /** Session cookie, filters and the login/logout/token routes. Call before registering pages. */
    public void install(JavalinConfig config) {
        config.jetty.modifyServletContextHandler(handler -> configureSessions(handler.getSessionHandler()));
        // Jetty's own error pages (a refused URI, headers too large) never reach the before-handler below.
        config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrorPages(headers)));
        RoutesConfig routes = config.routes;
        routes.before(headers::apply);
        // Jetty reuses threads: no request may inherit the previous one's tenant in its log lines.
        routes.before(ctx -> MDC.remove(CurrentUsers.TENANT_MDC_KEY));
        routes.after(ctx -> MDC.remove(CurrentUsers.TENANT_MDC_KEY));
        routes.before(csrf::check);
        LoginRequired loginRequired = new LoginRequired(pac4j, form.getName());
        routes.before(APP_PATH, loginRequired);
        routes.before(APP_PATH + "/*", loginRequired);

        AuthRoutes auth = new AuthRoutes(logins, tokens, users, csrf, new CallbackHandler(pac4j, APP_PATH, true));
        routes.post(CALLBACK_PATH, auth::callback);
        routes.post(LOGOUT_PATH, auth::logout);
        routes.post(TOKEN_PATH, auth::token);
        routes.get(ME_PATH, auth::me);
        routes.post(SELECT_TENANT_PATH, auth::selectTenant);
    }

    private void configureSessions(SessionHandler sessions) {
        sessions.setSessionCookie(SESSION_COOKIE);
        sessions.setHttpOnly(true);
        sessions.setSameSite(HttpCookie.SameSite.LAX);
        sessions.setSecureCookies(settings.https());
        sessions.setMaxInactiveInterval((int) settings.sessionIdle().toSeconds());
        // Session ids in URLs end up in logs and Referer headers.
        sessions.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
        // Sessions live in the database, not in this node's memory: any node serves the next request.
        // No cache (each request reads its session), and a changed session is written before the
        // response is committed, so a browser that follows a redirect to another node finds it there.
        HostSessionStore store = new HostSessionStore(dsl);
        store.setSavePeriodSec(SESSION_SAVE_PERIOD_SECONDS);
        NullSessionCache cache = new NullSessionCache(sessions);
        cache.setSessionDataStore(store);
        cache.setFlushOnResponseCommit(true);
        sessions.setSessionCache(cache);
    }

    /** Who is calling, for host pages and APIs. */
    public CurrentUsers users() {
        return users;
    }

    /** CSRF tokens for forms and fetch calls. */
    public CsrfGuard csrf() {
        return csrf;
    }

    /** The plugin's view of the caller: put it into {@code CalendlyConfig.security}. */
    public HostSecurity hostSecurity() {
        return hostSecurity;
    }

    /** The hasher for new passwords (demo data, user management). */
    public PasswordHasher passwordHasher() {
        return hasher;
    }
}
