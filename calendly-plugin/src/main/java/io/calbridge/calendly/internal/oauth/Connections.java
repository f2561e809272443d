package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.cluster.Invalidations;
import io.calbridge.calendly.internal.common.Background;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.AccessTokenCache;
import io.calbridge.calendly.internal.crypto.SecretBox;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oauth feature's front door: builds its parts and hands out {@link #tokens()},
 * {@link #connections()} and {@link #subscriptions()}; registers the connect, callback and
 * disconnect routes; runs the periodic subscription check and housekeeping between
 * {@link #start()} and {@link #stop()}.
 */
public record Connections(TokenRefresher refresher, SubscriptionManager subscriptions, ConnectionService connections,
                          ConnectionRoutes routes, OAuthSettings settings, Background background) {
    private static final Logger log = LoggerFactory.getLogger(Connections.class);

    /**
     * @param integrationChanged told after an integration's keys or status changed on this node
     *                           (connect, disconnect, new signing key), so caches elsewhere can drop it
     * @param invalidations      how a disconnect, a reconnect, a new subscription signing key or a forgotten
     *                           tenant reaches every node's caches, in the
     *                           transaction that makes the change ({@link Invalidations#NONE} on one node)
     * @param metrics            where the token refresh counter goes
     */
    public static Connections create(Db db, SecretBox box, AccessTokenCache tokenCache, CalendlyClient calendly,
                                     OAuthSettings settings, ReauthorizationListener listener, CurrentUser currentUser,
                                     Consumer<UUID> integrationChanged, Invalidations invalidations, MeterRegistry metrics,
                                     Clock clock) {
        IntegrationStore store = new IntegrationStore();
        // Refreshes run under the integration's row lock: they must never sleep on Calendly's rate limit.
        TokenRefresher tokens = new TokenRefresher(db, store, box, calendly.impatient().oauth(), settings, listener,
                tokenCache, new TokenMetrics(metrics), clock);
        SubscriptionManager subscriptions = new SubscriptionManager(db, store, box, calendly, tokens, settings,
                integrationChanged, invalidations, clock);
        ConnectionService connections = new ConnectionService(db, store, new StateStore(), box, calendly, tokens,
                subscriptions, settings, integrationChanged, invalidations, clock);
        return new Connections(tokens, subscriptions, connections,
                new ConnectionRoutes(connections, currentUser, settings.settingsPageUrl()), settings,
                new Background("calbridge-calendly-subscriptions"));
    }

    public TokenSource tokens() {
        return refresher;
    }

    /** The connect route's handler (form or JSON), for the settings UI's own connect route. */
    public void connect(io.javalin.http.Context ctx) {
        routes.connect(ctx);
    }

    /** The disconnect route's handler; reads the integration id from the path parameter {@code id}. */
    public void disconnect(io.javalin.http.Context ctx) {
        routes.disconnect(ctx);
    }

    public void registerRoutes(RoutesConfig config) {
        routes.register(config, settings.routePrefix());
    }

    /** Starts the periodic subscription check (unless the interval is zero) and housekeeping. */
    public void start() {
        if (settings.subscriptionCheckInterval().isZero()) {
            return;
        }
        long period = settings.subscriptionCheckInterval().toMillis();
        // The first run comes after a short delay so a starting node does not add to its own start-up.
        background.start(1, scheduler -> scheduler.scheduleWithFixedDelay(this::maintain, Math.min(period, 30_000), period,
                TimeUnit.MILLISECONDS));
    }

    public void stop() {
        background.stop();
    }

    /** One round of the periodic work; never throws (a failed round is logged and the next one runs). */
    public void maintain() {
        try {
            connections.purgeAbandoned();
            subscriptions.checkAll();
        } catch (RuntimeException e) {
            log.warn("Calendly subscription check failed: {}", e.getMessage(), e);
        }
    }
}
