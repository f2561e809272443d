package io.calbridge.calendly.internal;

import io.calbridge.calendly.CalendlyConfig;
import io.calbridge.calendly.CalendlyOperations;
import io.calbridge.calendly.CalendlySchema;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.calbridge.calendly.CacheStatistics;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.PersonErased;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.ForgottenTenant;
import io.calbridge.calendly.RotationProgress;
import io.calbridge.calendly.internal.cluster.CacheInvalidation;
import io.calbridge.calendly.internal.oauth.ConnectionService;
import java.util.UUID;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.Sleeper;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.webhook.WebhookSettings;
import io.calbridge.calendly.internal.webhook.Webhooks;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.privacy.Privacy;
import io.calbridge.calendly.internal.privacy.PrivacySettings;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.calendly.internal.oauth.Connections;
import io.calbridge.calendly.internal.oauth.CurrentUser;
import io.calbridge.calendly.internal.oauth.OAuthSettings;
import io.calbridge.calendly.internal.oauth.ReauthorizationListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.calbridge.calendly.internal.common.ApiErrors;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.ResponseHeaders;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.internal.settings.SettingsApi;
import io.calbridge.calendly.internal.ui.SettingsUiRoutes;
import io.calbridge.calendly.SettingsUi;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.calendly.spi.Notifications;
import io.calbridge.calendly.internal.webhook.DeadLetterListener;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.writeback.WriteBack;
import io.calbridge.calendly.internal.sync.OneBookingPerInvitee;
import io.calbridge.calendly.internal.sync.Sync;
import io.calbridge.calendly.internal.sync.SyncOptions;
import io.javalin.config.RoutesConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Constructor wiring of the whole plugin, in one visible place: every feature object is created
 * here and handed what it needs.
 */
public final class Wiring {
    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    /** The configuration, checked and frozen. */
    public record Settings(
            URI publicBaseUrl,
            DataSource dataSource,
            String routePrefix,
            URI calendlyApiBaseUrl,
            URI calendlyAuthBaseUrl,
            boolean migrate,
            int workerThreads,
            Duration signatureTolerance,
            Duration signatureFutureSkew,
            int maxWebhookBodyBytes,
            Duration tokenRefreshMargin,
            Clock clock,
            MasterKey masterKey,
            List<MasterKey> previousMasterKeys,
            MeterRegistry meterRegistry,
            OAuthSettings oauth,
            WebhookSettings webhooks,
            HostSecurity security,
            HostServices host,
            Duration httpIdleTimeout,
            long httpMinRequestDataRate,
            PrivacySettings privacy,
            io.calbridge.calendly.spi.PersonErasure personErasure,
            SyncOptions sync,
            SettingsUi settingsUi) {

        public static Settings validate(CalendlyConfig c) {
            require(c.publicBaseUrl != null && !c.publicBaseUrl.isBlank(),
                    "publicBaseUrl is required: the URL at which Calendly and browsers reach this host, e.g. https://app.example.com");
            URI base = parseUrl("publicBaseUrl", c.publicBaseUrl);
            require(c.dataSource != null, "dataSource is required: the PostgreSQL DataSource that holds the plugin's tables");
            String prefix = c.routePrefix == null ? "" : c.routePrefix.strip();
            require(prefix.isEmpty() || (prefix.startsWith("/") && !prefix.endsWith("/")),
                    "routePrefix must be empty or start with '/' and not end with '/': " + c.routePrefix);
            require(c.workerThreads >= 0, "workerThreads cannot be negative: " + c.workerThreads);
            requirePositive("signatureTolerance", c.signatureTolerance);
            require(c.signatureFutureSkew != null && !c.signatureFutureSkew.isNegative(),
                    "signatureFutureSkew cannot be negative: " + c.signatureFutureSkew);
            require(c.maxWebhookBodyBytes > 0, "maxWebhookBodyBytes must be positive: " + c.maxWebhookBodyBytes);
            require(c.httpIdleTimeout == null || (!c.httpIdleTimeout.isNegative() && !c.httpIdleTimeout.isZero()),
                    "httpIdleTimeout must be positive, or null to leave the host's Jetty alone: " + c.httpIdleTimeout);
            require(c.httpMinRequestDataRate >= 0,
                    "httpMinRequestDataRate cannot be negative (0 leaves the host's Jetty alone): " + c.httpMinRequestDataRate);
            require(c.tokenRefreshMargin != null && !c.tokenRefreshMargin.isNegative(),
                    "tokenRefreshMargin cannot be negative: " + c.tokenRefreshMargin);
            require(c.clock != null, "clock is required");
            require(c.masterKey != null, "masterKey is required: the key that protects tenants' stored secrets. Set "
                    + "masterKey = MasterKeys.fromEnvironment() and the environment variable " + MasterKeys.ENV_KEYSET
                    + " (a Tink AEAD keyset in JSON) or " + MasterKeys.ENV_KEYSET_FILE + " (a file holding one), or use "
                    + "MasterKeys.fromKms(...); for local development only, MasterKeys.development(Path)");
            require(c.previousMasterKeys != null && c.previousMasterKeys.stream().allMatch(java.util.Objects::nonNull),
                    "previousMasterKeys cannot be null or contain null: use List.of() for none");
            require(c.security != null, "security is required: a HostSecurity that tells the plugin who calls its settings"
                    + " routes, e.g. c.security = ctx -> yourLogin(ctx).map(u -> new HostSecurity.Caller(u.tenantId(),"
                    + " u.userId(), u.isTenantAdmin())); return Optional.empty() for anonymous requests");
            require(c.host != null, "host is required: the HostServices (contacts, mailing lists, tasks, team members,"
                    + " notifications, tenant directory) that booking effects go to, e.g. c.host = new HostServices(...)");
            URI apiBase = stripSlash(parseUrl("calendlyApiBaseUrl", c.calendlyApiBaseUrl));
            URI authBase = stripSlash(parseUrl("calendlyAuthBaseUrl", c.calendlyAuthBaseUrl));
            OAuthSettings oauth = OAuthSettings.validate(c, stripSlash(base), prefix, apiBase, authBase);
            return new Settings(stripSlash(base), c.dataSource, prefix, apiBase, authBase,
                    c.migrate, c.workerThreads, c.signatureTolerance, c.signatureFutureSkew,
                    c.maxWebhookBodyBytes, c.tokenRefreshMargin, c.clock,
                    c.masterKey, List.copyOf(c.previousMasterKeys), c.meterRegistry, oauth,
                    webhookSettings(c, prefix), c.security, c.host, c.httpIdleTimeout, c.httpMinRequestDataRate,
                    new PrivacySettings(c.webhookBodyRetention, c.deadLetterRetention, c.bookingPersonalDataRetention,
                            c.retentionPurgeBatchSize, c.retentionPurgeInterval), c.personErasure,
                    new SyncOptions(c.syncPollInterval, c.syncSweepInterval, c.syncGapMargin, c.syncSilence, c.syncThreads,
                            c.syncBackgroundRequestsPerMinute, SyncOptions.defaults().lease()),
                    c.settingsUi);
        }

        private static WebhookSettings webhookSettings(CalendlyConfig c, String prefix) {
            require(c.webhookLease != null, "webhookLease is required, e.g. Duration.ofMinutes(2)");
            require(c.webhookPollInterval != null, "webhookPollInterval is required, e.g. Duration.ofSeconds(1)");
            require(c.webhookBodyTimeout != null, "webhookBodyTimeout is required, e.g. Duration.ofSeconds(10)");
            require(c.webhookRetryBaseDelay != null && c.webhookRetryBaseDelay.toMillis() > 0,
                    "webhookRetryBaseDelay must be positive: " + c.webhookRetryBaseDelay);
            require(c.webhookRetryMaxDelay != null && c.webhookRetryMaxDelay.compareTo(c.webhookRetryBaseDelay) >= 0,
                    "webhookRetryMaxDelay cannot be shorter than webhookRetryBaseDelay (" + c.webhookRetryBaseDelay + "): "
                            + c.webhookRetryMaxDelay);
            var defaults = WebhookSettings.defaults();
            // WebhookSettings checks the ranges itself and names the knob in its message.
            return new WebhookSettings(prefix, c.signatureTolerance, c.signatureFutureSkew, c.maxWebhookBodyBytes,
                    c.platformSigningKey == null || c.platformSigningKey.isBlank() ? null : Secret.of(c.platformSigningKey),
                    c.workerThreads, c.webhookMaxAttempts, c.webhookLease, c.webhookPollInterval,
                    c.webhookRetryBaseDelay, c.webhookRetryMaxDelay, defaults.keyCacheTtl(), c.webhookMetricsPerTenant,
                    c.webhookBodyTimeout, c.webhookBatchSize);
        }

        private static void requirePositive(String name, Duration d) {
            require(d != null && !d.isNegative() && !d.isZero(), name + " must be positive: " + d);
        }

        private static URI parseUrl(String name, String value) {
            try {
                URI uri = URI.create(value.strip());
                require(("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null,
                        name + " must be an absolute http(s) URL: " + value);
                return uri;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " is not a valid URL: " + value, e);
            }
        }

        private static URI stripSlash(URI uri) {
            String s = uri.toString();
            return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    private final Settings settings;
    private final Db db;
    private final TenantKeyring keyring;
    private final PersonalData personal;
    private final Privacy privacy;
    private final CalendlyClient calendly;
    private final Connections connections;
    private final Webhooks webhooks;
    private final Bookings bookings;
    private final SettingsApi settingsApi;
    private final WriteBack writeBack;
    private final CacheInvalidation invalidation;
    private final Sync sync;
    private Thread rotationResumer;
    private final Access access;
    private final SettingsUiRoutes settingsUi;

    public Wiring(Settings settings) {
        this.settings = settings;
        this.db = new Db(settings.dataSource());
        this.access = new Access(settings.security());
        if (settings.migrate()) {
            CalendlySchema.migrate(settings.dataSource(), null);
        }
        // Before any cache exists: the caches of every node are read only while this node hears the others.
        this.invalidation = CacheInvalidation.create(db);
        this.keyring = TenantKeyring.create(db, settings.masterKey(), settings.previousMasterKeys(), settings.clock(),
                settings.meterRegistry(), TenantKeyring.Options.DEFAULTS, invalidation::trusted, invalidation);
        this.calendly = new CalendlyClient(settings.oauth().client(), Sleeper.SYSTEM, settings.clock());
        ReauthorizationListener reauthorization = ReauthorizationListener.notifying(settings.host().notifications());
        // Invitees' personal data (bodies, booking rows, effect results) is sealed with the tenant's data key;
        // bookings made through a scheduling link a CRM user sent attach to that contact (write-back).
        this.personal = PersonalData.sealedBy(keyring);
        this.bookings = Bookings.create(db, settings.host(), settings.clock(), personal, WriteBack.pins(settings.clock()));
        // Without a host registry the meters still count (tests read them); nobody publishes them.
        MeterRegistry meters = settings.meterRegistry() == null ? new CompositeMeterRegistry() : settings.meterRegistry();
        this.privacy = Privacy.create(db, personal, settings.privacy(), settings.clock(), access, settings.routePrefix(),
                settings.personErasure(),
                this::deleteAtCalendly);
        // Webhooks and imports alike: one booking per invitee per tenant, then the booking pipeline;
        // webhook deliveries of erased people are first handled as their tenant chose.
        // Imports and sweeps pass the same erasure check as webhooks (privacy.admitsImport).
        OneBookingPerInvitee pipeline = new OneBookingPerInvitee(db, bookings.processor(), settings.clock(),
                privacy.admitsImport());
        this.webhooks = Webhooks.create(db, keyring, personal, privacy.guard(pipeline), settings.webhooks(), meters, settings.clock(),
                notifyHost(settings.host().notifications()));
        this.connections = Connections.create(db, keyring, keyring.accessTokens(), calendly, settings.oauth(),
                reauthorization, adminCaller(access), webhooks::integrationChanged, invalidation, meters,
                settings.clock());
        this.sync = Sync.create(db, pipeline, calendly, connections.tokens(), access, settings.sync(), meters,
                settings.clock());
        // A member's "refresh" of a contact's meetings also brings in what Calendly has and the plugin missed.
        this.writeBack = WriteBack.create(db, calendly, connections.tokens(), settings.security(), access,
                settings.host().contacts(), sync::importMeetingsOf, settings.clock());
        this.settingsApi = SettingsApi.create(db, access, bookings, webhooks.operations(), calendly, connections.tokens(),
                new SettingsApi.Options(settings.routePrefix(), settings.publicBaseUrl().toString(),
                        settings.oauth().platform().isPresent(), settings.oauth().redirectUri().toString(),
                        settings.tokenRefreshMargin()), settings.clock(), sync::report);
        // The drop-in settings UI, when the host mounts one: the same services as the JSON API.
        this.settingsUi = settings.settingsUi() == null ? null : new SettingsUiRoutes(settings.settingsUi(), access,
                settings.security(), settings.host().tenants(), settingsApi, bookings.settings(), bookings.mappings(),
                bookings.dryRun(), webhooks.operations(), connections, sync, privacy.audit(), writeBack.service());
        invalidation.subscribe(new CacheInvalidation.Handler() {
            @Override
            public void tenantChanged(String tenantId) {
                keyring.evictTenant(tenantId);
                webhooks.tenantChanged(tenantId);
                settingsApi.cachesChanged();
            }

            @Override
            public void integrationChanged(UUID integrationId) {
                connections.tokens().invalidate(integrationId);
                webhooks.integrationChanged(integrationId);
                settingsApi.cachesChanged();
            }

            @Override
            public void everythingChanged() {
                keyring.evictAll();
                webhooks.everythingChanged();
                settingsApi.cachesChanged();
            }
        });
    }

    /** Offboarding: see {@link CalendlyOperations#forgetTenant}. */
    ForgottenTenant forgetTenant(String tenantId) {
        ConnectionService.TenantCleanup cleanup = connections.connections().forgetTenant(tenantId, keyring::forgetTenant);
        keyring.evictTenant(tenantId);
        webhooks.tenantChanged(tenantId);
        settingsApi.cachesChanged();
        ForgottenTenant result = new ForgottenTenant(tenantId, cleanup.integrationsDisconnected(),
                cleanup.subscriptionsDeleted(), cleanup.problems());
        privacy.audit().record(tenantId, "operator", "tenant.forgotten", null, java.util.Map.of(
                "integrations_disconnected", result.integrationsDisconnected(), "problems", result.problems().size()));
        if (result.cleanedUpAtCalendly()) {
            log.info("Tenant {} forgotten: {} Calendly integration(s) disconnected, data key destroyed", tenantId,
                    result.integrationsDisconnected());
            return result;
        }
        for (String problem : result.problems()) {
            log.warn("Tenant {} forgotten, but Calendly was not fully cleaned up: {}", tenantId, problem);
        }
        try {
            settings.host().notifications().notify(
                    HostCall.effect(tenantId, "calendly-forget-cleanup:" + tenantId, null),
                    new Notification(Notification.Kind.OTHER, "Calendly was not fully cleaned up",
                            "This workspace's Calendly connection was removed and its secrets destroyed, but Calendly "
                                    + "did not let us clean up everything: " + String.join("; ", result.problems())
                                    + ". A leftover webhook subscription is disabled by Calendly after a day of refused "
                                    + "deliveries; delete it in Calendly (Integrations, API & Webhooks) to stop it sooner.",
                            java.util.Map.of("tenant_id", tenantId, "problems", result.problems())));
        } catch (RuntimeException e) {
            log.error("The host's notification about tenant {}'s incomplete Calendly cleanup failed", tenantId, e);
        }
        return result;
    }

    /** Tells the tenant's admins, through the host, about a delivery the worker gave up on. */
    static DeadLetterListener notifyHost(Notifications notifications) {
        return (delivery, error) -> notifications.notify(
                HostCall.effect(delivery.tenantId(), "calendly-dead-letter:" + delivery.inboxId() + ":" + delivery.attempt(), null),
                new Notification(Notification.Kind.DELIVERY_DEAD_LETTERED,
                        "A Calendly booking could not be imported",
                        "The " + delivery.event() + " delivery received at " + delivery.receivedAt()
                                + " was set aside: " + sentence(error) + " Fix the cause, then replay it from the webhook log.",
                        java.util.Map.of("integration_id", delivery.integrationId().toString(),
                                "inbox_id", delivery.inboxId(), "event", delivery.event())));
    }

    /** {@code text} as a sentence: ending in exactly one period (errors may or may not bring their own). */
    static String sentence(String text) {
        String t = text == null ? "" : text.strip();
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return t + ".";
    }

    /** Settings routes act for a tenant admin only: 401 when anonymous, 403 for other members. */
    private static CurrentUser adminCaller(Access access) {
        return ctx -> {
            HostSecurity.Caller caller = access.requireAdmin(ctx);
            return java.util.Optional.of(new CurrentUser.Caller(caller.tenantId(), caller.userId()));
        };
    }

    public CalendlyOperations operations() {
        return new CalendlyOperations() {
            @Override
            public RotationProgress rotateMasterKey(MasterKey next) {
                return keyring.rotation().rotateMasterKey(next);
            }

            @Override
            public Optional<RotationProgress> masterKeyRotation() {
                return keyring.rotation().progress();
            }

            @Override
            public void rotateTenantKey(String tenantId) {
                try {
                    keyring.rotation().rotateTenantKey(tenantId);
                } catch (SecretUnavailableException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }

            @Override
            public ForgottenTenant forgetTenant(String tenantId) {
                return Wiring.this.forgetTenant(tenantId);
            }

            @Override
            public PersonErased erasePerson(String tenantId, String email) {
                try {
                    return privacy.erasePerson(tenantId, email);
                } catch (io.calbridge.calendly.internal.common.ApiException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }

            @Override
            public CacheStatistics dataKeyCacheStats() {
                return statistics(keyring.dataKeyCacheStats());
            }

            @Override
            public CacheStatistics accessTokenCacheStats() {
                return statistics(keyring.accessTokens().stats());
            }
        };
    }

    /** Acting on Calendly from the CRM; see {@link io.calbridge.calendly.CalendlyActions}. */
    public io.calbridge.calendly.CalendlyActions actions() {
        return writeBack.actions();
    }

    /** The members' meetings section of the drop-in UI; without a settings UI, one that says how to get it. */
    public io.calbridge.calendly.ContactMeetingsUi contactMeetingsUi() {
        if (settingsUi != null) {
            return settingsUi.contactMeetings();
        }
        return new io.calbridge.calendly.ContactMeetingsUi() {
            @Override
            public String render(io.javalin.http.Context ctx, String contactId, String returnTo) {
                throw missingUi();
            }

            @Override
            public String head() {
                throw missingUi();
            }

            private IllegalStateException missingUi() {
                return new IllegalStateException("The contact meetings section is part of the drop-in settings UI: set "
                        + "CalendlyConfig.settingsUi, e.g. c.settingsUi = SettingsUi.at(\"/app/calendly\")");
            }
        };
    }

    /** Calendly's data-compliance deletion of one invitee, through an integration's connection (for erasure). */
    private void deleteAtCalendly(UUID integrationId, String email) {
        calendly.api(connections.tokens().credential(integrationId)).deleteInviteeData(List.of(email));
    }

    /** Caffeine's numbers in the plugin's own type, so Caffeine stays out of the API. */
    private static CacheStatistics statistics(CacheStats stats) {
        return new CacheStatistics(stats.hitCount(), stats.missCount(), stats.loadFailureCount(), stats.evictionCount());
    }

    public void registerRoutes(RoutesConfig routes) {
        ApiErrors.register(routes);
        ResponseHeaders.register(routes, settingsPath(), webhookPath());
        // connect, callback and disconnect first: GET /settings/calendly/callback is not an integration id.
        connections.registerRoutes(routes);
        // Before the settings routes: "contacts" and "meetings" are not integration ids.
        writeBack.registerRoutes(routes, settings.routePrefix());
        privacy.registerRoutes(routes, settings.routePrefix()); // before the settings API's /{id} routes
        sync.registerRoutes(routes, settingsPath());
        settingsApi.registerRoutes(routes);
        webhooks.registerRoutes(routes);
        if (settingsUi != null) {
            settingsUi.register(routes);
        }
    }

    /** Root of the settings API (connect, callback, disconnect, settings, mappings...). */
    String settingsPath() {
        return settings.routePrefix() + "/settings/calendly";
    }

    /** Root of the webhook endpoint. */
    String webhookPath() {
        return settings.routePrefix() + "/api/webhooks/calendly";
    }

    public void start() {
        invalidation.start();
        // A rotation to this node's master key that a crash interrupted is finished in the background.
        rotationResumer = new Thread(() -> {
            try {
                keyring.rotation().resume();
            } catch (RuntimeException e) {
                log.error("Could not resume the master-key rotation: {}", e.getMessage(), e);
            }
        }, "calbridge-kek-rotation");
        rotationResumer.setDaemon(true);
        rotationResumer.start();
        // Before the subscription checks, which rebuild webhook URLs from sealed path tokens.
        webhooks.sealClearPathTokens();
        connections.start();
        webhooks.start();
        sync.start();
        privacy.start();
    }

    public void stop() {
        privacy.stop();
        sync.stop();
        webhooks.stop();
        connections.stop();
        if (rotationResumer != null) {
            rotationResumer.interrupt();
        }
        invalidation.stop();
    }

    /** Whether this node hears the other nodes' cache invalidations (its caches are read only then). */
    public boolean cachesTrusted() {
        return invalidation.trusted();
    }

    /** Webhook endpoints, inbox, worker; {@code webhooks().operations()} replays and reads the log. */
    public Webhooks webhooks() {
        return webhooks;
    }

    /** Seals and opens every stored secret; see {@link TenantKeyring}. */
    public TenantKeyring keyring() {
        return keyring;
    }

    /** The Calendly API client; with {@code connections().tokens().credential(id)} for an integration's calls. */
    public CalendlyClient calendly() {
        return calendly;
    }

    /** Connect flow, token source and webhook subscriptions; see {@link Connections}. */
    public Connections connections() {
        return connections;
    }

    public Bookings bookings() {
        return bookings;
    }

    /** Retention purge, erasure of one person; see docs/privacy.md. */
    public Privacy privacy() {
        return privacy;
    }

    /** Import on connect, gap backfill, reconciliation sweep; see {@link Sync}. */
    public Sync sync() {
        return sync;
    }
}
