package io.calbridge.calendly.internal.settings;

import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.oauth.TokenSource;
import io.calbridge.calendly.internal.webhook.WebhookOperations;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

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
public record SettingsApi(SettingsRoutes routes, String routePrefix, EventTypeCatalog eventTypes,
                          HealthService health, Options options) {
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

    // ---- the reads the settings UI shares with the JSON routes (same services, same answers) ---------

    /** The tenant's integrations with their health, as {@code GET /settings/calendly} lists them. */
    public List<IntegrationSummary> integrations(String tenantId) {
        return health.list(tenantId);
    }

    /** One of the tenant's integrations with its health; 404 {@link io.calbridge.calendly.internal.common.ApiException} otherwise. */
    public IntegrationSummary integration(String tenantId, UUID integrationId) {
        return health.get(tenantId, integrationId);
    }

    /** The integration's Calendly event types, as {@code GET .../event-types} answers them. */
    public EventTypeListing eventTypes(String tenantId, UUID integrationId) {
        return routes.eventTypeListing(tenantId, integrationId);
    }

    /** Whether the webhook delivery {@code inboxId} belongs to this integration of the tenant. */
    public boolean deliveryOf(String tenantId, UUID integrationId, long inboxId) {
        return health.deliveryOf(tenantId, integrationId, inboxId);
    }

    /** Whether PLATFORM_APP connections are configured. */
    public boolean platformAppAvailable() {
        return options.platformAppAvailable();
    }

    /** The OAuth redirect URI to register in a tenant's own Calendly app. */
    public String redirectUri() {
        return options.redirectUri();
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
        return new SettingsApi(routes, options.routePrefix(), eventTypes, health, options);
    }

    /** Registers the settings routes; register the oauth feature's connect/callback/disconnect first. */
    public void registerRoutes(RoutesConfig config) {
        routes.register(config, routePrefix);
    }
}
