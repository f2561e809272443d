package io.calbridge.sandbox.internal;

import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.internal.api.ApiRoutes;
import io.calbridge.sandbox.internal.api.Pager;
import io.calbridge.sandbox.internal.booking.Bookings;
import io.calbridge.sandbox.internal.booking.Directory;
import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.http.FaultState;
import io.calbridge.sandbox.internal.http.Http;
import io.calbridge.sandbox.internal.http.RateLimiter;
import io.calbridge.sandbox.internal.http.Stats;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.json.Renderer;
import io.calbridge.sandbox.internal.oauth.Jwts;
import io.calbridge.sandbox.internal.oauth.OAuthRoutes;
import io.calbridge.sandbox.internal.oauth.OAuthService;
import io.calbridge.sandbox.internal.oauth.Principal;
import io.calbridge.sandbox.internal.state.Model.Org;
import io.calbridge.sandbox.internal.state.SandboxClock;
import io.calbridge.sandbox.internal.state.Settings;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Uris;
import io.calbridge.sandbox.internal.webhook.DeliveryLog;
import io.calbridge.sandbox.internal.webhook.Subscriptions;
import io.calbridge.sandbox.internal.webhook.WebhookDispatcher;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds every part of one sandbox and its HTTP server; the only place that knows how they connect. */
public final class Wiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);
    private static final List<String> PAGE_PREFIXES = List.of("/cancellations/", "/reschedulings/", "/events/", "/d/");

    public final SandboxClock clock;
    public final Settings settings;
    public final Store store = new Store();
    public final Uris uris = new Uris();
    public final Stats stats = new Stats();
    public final FaultState faults = new FaultState();
    public final DeliveryLog deliveries = new DeliveryLog();
    public final Renderer renderer;
    public final WebhookDispatcher dispatcher;
    public final OAuthService oauth;
    public final Directory directory;
    public final Bookings bookings;
    public final Subscriptions subscriptions;
    private final RateLimiter apiLimiter;
    private final SandboxOptions.Snapshot options;
    private Javalin app;

    public Wiring(SandboxOptions.Snapshot options) {
        this.options = options;
        this.clock = new SandboxClock(options.clock());
        this.settings = new Settings(options);
        this.renderer = new Renderer(store, uris);
        this.dispatcher = new WebhookDispatcher(store, settings, clock, uris, faults, deliveries);
        this.oauth = new OAuthService(store, clock, settings, uris, stats, new RateLimiter(clock), new Jwts(uris));
        this.directory = new Directory(store, clock, renderer, dispatcher);
        this.bookings = new Bookings(store, clock, settings, renderer, dispatcher, faults, directory);
        this.subscriptions = new Subscriptions(store, clock);
        this.apiLimiter = new RateLimiter(clock);
    }

    /** Starts the HTTP server; {@code extraRoutes} adds the admin API and pages. */
    public void start(Consumer<RoutesConfig> extraRoutes) {
        ApiRoutes api = new ApiRoutes(store, renderer, bookings, subscriptions, clock, new Pager());
        OAuthRoutes auth = new OAuthRoutes(store, oauth, settings, uris);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = options.host();
            cfg.jetty.port = options.port();
            cfg.router.ignoreTrailingSlashes = true;
            RoutesConfig r = cfg.routes;
            r.before(this::beforeRequest);
            // Pages carry non-ASCII names; Javalin's html() says only "text/html".
            r.after(ctx -> {
                if (Boolean.TRUE.equals(ctx.attribute(LOSE_REPLY))) {
                    // Served, but the answer never reaches the caller: what a proxy says instead.
                    ctx.status(502).contentType("text/html; charset=utf-8")
                            .result("<html><body><h1>502 Bad Gateway</h1></body></html>");
                    return;
                }
                String ct = ctx.res().getContentType();
                if (ct != null && ct.startsWith("text/html") && !ct.contains("charset")) {
                    ctx.contentType("text/html; charset=utf-8");
                }
            });
            auth.register(r);
            api.register(r);
            extraRoutes.accept(r);
            r.exception(ApiError.class, (e, ctx) -> Http.json(ctx, e.status(), e.body(), CalendlyJson.Style.API));
            r.exception(NoSuchElementException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
            r.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            r.exception(IllegalStateException.class, (e, ctx) -> error(ctx, isAdmin(ctx) ? 409 : 400, e.getMessage()));
            r.exception(Exception.class, (e, ctx) -> {
                LOG.error("sandbox request {} {} failed", ctx.method(), ctx.path(), e);
                Http.json(ctx, 500, ApiError.internal().body(), CalendlyJson.Style.API);
            });
            r.error(404, ctx -> {
                if (ctx.resultInputStream() == null) {
                    Http.json(ctx, 404, ApiError.notFound().body(), CalendlyJson.Style.API);
                }
            });
        });
        app.start();
        String base = options.publicBaseUrl() != null ? options.publicBaseUrl()
                : "http://" + ("0.0.0.0".equals(options.host()) ? "127.0.0.1" : options.host()) + ":" + app.port();
        uris.base(base);
    }

    /** Request attribute: serve this request, then replace its answer with a proxy's 502. */
    private static final String LOSE_REPLY = "sandbox.loseReply";

    public int port() {
        return app.port();
    }

    private static boolean isAdmin(Context ctx) {
        return ctx.path().startsWith("/_sandbox");
    }

    private static void error(Context ctx, int status, String message) {
        String title = switch (status) {
            case 404 -> "Resource Not Found";
            case 409 -> "Conflict";
            default -> "Invalid Argument";
        };
        var body = CalendlyJson.object();
        body.put("title", title);
        body.put("message", message == null ? title : message);
        Http.json(ctx, status, body, CalendlyJson.Style.AS_BUILT);
    }

    /** Counts, injects faults, authenticates and rate-limits every Calendly request. */
    private void beforeRequest(Context ctx) {
        String path = ctx.path();
        if (isAdmin(ctx) || path.equals("/") || PAGE_PREFIXES.stream().anyMatch(path::startsWith)) {
            return;
        }
        boolean authServer = path.startsWith("/oauth/") || path.startsWith("/.well-known/");
        stats.apiRequest(path);
        if (faults.takeLostReply(path, authServer)) {
            ctx.attribute(LOSE_REPLY, true);
        }
        FaultState.InjectedFailure fault = faults.takeApiFault(path, authServer);
        if (fault != null) {
            boolean limited = fault.status() == 429;
            Http.rateLimitHeaders(ctx, new RateLimiter.Verdict(!limited, 500, limited ? 0 : 499, fault.resetSeconds()));
            throw ApiError.forStatus(fault.status());
        }
        if (authServer) {
            return;
        }
        Http.rateLimitHeaders(ctx, new RateLimiter.Verdict(true, 500, 500, 60));
        Principal p = oauth.authenticate(ctx.header("Authorization"));
        ctx.attribute(ApiRoutes.PRINCIPAL, p);
        int limit;
        synchronized (store) {
            Org org = store.orgs.get(store.user(p.userUuid()).orgUuid);
            Integer override = settings.apiRequestsPerMinute;
            limit = override != null ? override : org.plan.apiRequestsPerMinute();
        }
        String key = "api:" + p.userUuid();
        RateLimiter.Verdict v = settings.enforceApiRateLimits ? apiLimiter.hit(key, limit) : apiLimiter.peek(key, limit);
        Http.rateLimitHeaders(ctx, v);
        if (!v.allowed()) {
            throw ApiError.tooManyRequests();
        }
    }

    @Override
    public void close() {
        dispatcher.close();
        if (app != null) {
            app.stop();
        }
    }
}
