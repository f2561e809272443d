package io.calbridge.calendly.internal.settings;

import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.oauth.TokenSource;
import io.calbridge.calendly.internal.webhook.WebhookOperations;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings feature's front door: the JSON API a tenant admin (or the host's settings page)
 * uses under {@code {routePrefix}/settings/calendly}: integrations and their health, default
 * settings, Calendly event types, per-event-type mappings, dry run, webhook log and replays, the
 * tenant's choices for pickers, and the API's OpenAPI description.
 *
 * <pre>{@code
 * var api = SettingsApi.create(db, access, bookings, webhooks.operations(), calendly, connections.tokens(),
 *         new SettingsApi.Options(routePrefix, publicBaseUrl, platformAppAvailable, redirectUri, refreshMargin), clock);
 * connections.registerRoutes(routes);   // connect, callback, disconnect: before these
 * api.registerRoutes(routes);
 * }</pre>
 */
public final class SettingsApi {
    /**
     * @param routePrefix          the plugin's route prefix ("" or "/something")
     * @param publicBaseUrl        where browsers reach the host, for the OpenAPI server URL
     * @param platformAppAvailable whether PLATFORM_APP connections are configured
     * @param redirectUri          the OAuth redirect URI to register in Calendly
     * @param tokenRefreshMargin   how long before expiry a token counts as due for refresh
     */
    public record Options(String routePrefix, String publicBaseUrl, boolean platformAppAvailable, String redirectUri,
                          Duration tokenRefreshMargin) {
        public Options {
            Objects.requireNonNull(routePrefix, "routePrefix");
            Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
            Objects.requireNonNull(tokenRefreshMargin, "tokenRefreshMargin");
        }
    }

    private final SettingsRoutes routes;
    private final String routePrefix;
    private final EventTypeCatalog eventTypes;

    private SettingsApi(SettingsRoutes routes, String routePrefix, EventTypeCatalog eventTypes) {
        this.routes = routes;
        this.routePrefix = routePrefix;
        this.eventTypes = eventTypes;
    }

    /** An integration or tenant changed somewhere: forget the event types this node remembers. */
    public void cachesChanged() {
        eventTypes.forgetAll();
    }

    public static SettingsApi create(Db db, Access access, Bookings bookings, WebhookOperations webhooks,
                                     CalendlyClient calendly, TokenSource tokens, Options options, Clock clock) {
        return create(db, access, bookings, webhooks, calendly, tokens, options, clock, SyncReports.NONE);
    }

    /** As above, with the sync feature's report in every integration's health. */
    public static SettingsApi create(Db db, Access access, Bookings bookings, WebhookOperations webhooks,
                                     CalendlyClient calendly, TokenSource tokens, Options options, Clock clock,
                                     SyncReports sync) {
        Objects.requireNonNull(bookings, "bookings");
        HealthService health = new HealthService(db, options.tokenRefreshMargin(), clock, sync);
        EventTypeCatalog eventTypes = new EventTypeCatalog(calendly, tokens, clock);
        SettingsRoutes routes = new SettingsRoutes(Objects.requireNonNull(access, "access"), health, bookings.settings(),
                bookings.mappings(), bookings.dryRun(), Objects.requireNonNull(webhooks, "webhooks"), eventTypes,
                new SettingsRoutes.ConnectOptions(options.platformAppAvailable(), options.redirectUri()),
                new OpenApiDocument(options.publicBaseUrl() + options.routePrefix()));
        return new SettingsApi(routes, options.routePrefix(), eventTypes);
    }

    /** Registers the settings routes; register the oauth feature's connect/callback/disconnect first. */
    public void registerRoutes(RoutesConfig config) {
        routes.register(config, routePrefix);
    }
}
