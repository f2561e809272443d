package io.calbridge.calendly;

import io.micrometer.core.instrument.MeterRegistry;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostServices;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What a host sets when it registers {@link CalendlyPlugin}. Fields are read once, when the plugin
 * is constructed; later changes have no effect.
 *
 * <p>Essentials: {@link #publicBaseUrl}, {@link #dataSource}, {@link #masterKey}, {@link #security},
 * {@link #host}.
 * Everything else has a default.
 */
public final class CalendlyConfig {
    /**
     * The https URL at which Calendly and browsers reach this host's root, e.g.
     * {@code https://app.example.com}. OAuth redirect URIs and webhook URLs are derived from it,
     * never from request headers. Required.
     */
    public String publicBaseUrl;

    /**
     * The PostgreSQL database of the plugin's tables ({@code calendly_*}, in the connections' current
     * schema). The host's existing pool (a {@code HikariDataSource}, say) is fine: the plugin borrows a
     * connection per webhook or settings request and one per busy worker thread, and gives it back
     * when done, so size the pool for the host's own load plus {@link #workerThreads}, plus one connection
     * the plugin keeps while it runs to hear other nodes' cache invalidations ({@code LISTEN}). When the host's
     * tables are in the same database, host-interface calls get the plugin's open transaction
     * ({@link io.calbridge.calendly.spi.HostCall#transaction()}). The plugin never closes it. Webhook
     * requests wait at most 2 s for a connection (with HikariCP, whatever the pool's own timeout) and
     * are answered 503 at once while the database is known to be unreachable. Required.
     */
    public DataSource dataSource;

    /**
     * The master key that protects every tenant's stored secrets (client secrets, tokens, signing
     * keys): see {@link MasterKeys}, e.g. {@code MasterKeys.fromEnvironment()} which reads
     * {@code CALBRIDGE_MASTER_KEY} or {@code CALBRIDGE_MASTER_KEY_FILE}. Must be the same on every node
     * and every start. Required.
     */
    public MasterKey masterKey;

    /**
     * Master keys that wrapped tenant data keys before a rotation to {@link #masterKey}; used only to
     * unwrap, until the rotation ({@link CalendlyOperations#rotateMasterKey}) is done. Default: none.
     */
    public List<MasterKey> previousMasterKeys = List.of();

    /** Where to publish metrics (cache statistics, ...), or null for none. Default: none. */
    public MeterRegistry meterRegistry;

    /**
     * Who is calling: the plugin asks it on every settings request and answers 401 when it returns
     * empty, 403 when the caller is not a tenant admin. See {@link HostSecurity} for what the host
     * must guarantee. Required.
     */
    public HostSecurity security;

    /**
     * The host's CRM side: contacts, mailing lists and tags, tasks, team members, notifications and
     * tenant time zones. Every booking's effects go through it; see {@link HostServices} for what the
     * host must guarantee. Required.
     */
    public HostServices host;

    /** Prefix for every route of the plugin, e.g. {@code "/integrations"}. Default: none. */
    public String routePrefix = "";

    /** Calendly's API. Default {@code https://api.calendly.com}; the sandbox's URL in tests and the demo. */
    public String calendlyApiBaseUrl = "https://api.calendly.com";

    /** Calendly's OAuth server. Default {@code https://auth.calendly.com}. */
    public String calendlyAuthBaseUrl = "https://auth.calendly.com";

    /** Apply the plugin's Flyway migrations at start ({@link CalendlySchema#migrate}). Default true. */
    public boolean migrate = true;

    /** Threads that process stored webhook deliveries. Default 2; 0 disables the worker on this node. */
    public int workerThreads = 2;

    /**
     * Webhook deliveries one worker thread claims and applies in one database transaction, from 1 (one
     * at a time) to 500. A batch costs one claim, one commit and one "done" statement in all, and
     * reads the settings and bookings it needs once; that is most of what a delivery cost on its
     * own. A batch that fails is applied again one delivery at a time, so a delivery that cannot be
     * applied is retried or dead-lettered alone. While a batch runs it holds the locks of all its
     * invitees, and a host that shares the plugin's transaction holds its row locks as long: lower it
     * when hosts' own writes wait on the worker. Default 50.
     */
    public int webhookBatchSize = 50;

    /** How old a webhook signature's timestamp may be. Default 3 minutes (Calendly's own example). */
    public Duration signatureTolerance = Duration.ofMinutes(3);

    /** How far in the future a signature's timestamp may be (clock skew). Default 30 seconds. */
    public Duration signatureFutureSkew = Duration.ofSeconds(30);

    /** Largest accepted webhook body; larger ones get 413. Default 1 MiB. */
    public int maxWebhookBodyBytes = 1024 * 1024;

    /**
     * Processing attempts of one webhook delivery before it is dead-lettered (kept, shown in the webhook
     * log, replayable). Attempts back off exponentially from {@link #webhookRetryBaseDelay} to at most
     * {@link #webhookRetryMaxDelay}. Default 10.
     */
    public int webhookMaxAttempts = 10;

    /**
     * Delay after a webhook delivery's first failed processing attempt (the host's services threw,
     * the database was down). It doubles per attempt up to {@link #webhookRetryMaxDelay}, with
     * jitter (each wait is between half and all of the doubled value). Default 15 seconds.
     */
    public Duration webhookRetryBaseDelay = Duration.ofSeconds(15);

    /** The longest wait between two processing attempts of one webhook delivery. Default 30 minutes. */
    public Duration webhookRetryMaxDelay = Duration.ofMinutes(30);

    /**
     * How long a node keeps a claimed webhook delivery before any node may take it over (a node that
     * died mid-delivery is noticed after this long). Longer than one delivery's processing. Default 2 minutes.
     */
    public Duration webhookLease = Duration.ofMinutes(2);

    /**
     * How often an idle worker looks for due webhook deliveries. A delivery received by this node is
     * processed at once; this bounds the wait for retries and for deliveries received by other nodes.
     * Default 1 second.
     */
    public Duration webhookPollInterval = Duration.ofSeconds(1);

    /**
     * The webhook signing key of the operator's own Calendly OAuth app (shown once when the app was
     * created), for integrations connected through it (PLATFORM_APP): deliveries signed with it verify
     * besides the integration's own key. Default: none.
     */
    public String platformSigningKey;

    /**
     * Tag the webhook delivery counter with the tenant id. Only for hosts with few tenants: every tenant
     * adds time series. Default false.
     */
    public boolean webhookMetricsPerTenant = false;

    /**
     * How long a webhook delivery's body may take to arrive whole; slower requests get 408 and their
     * connection is closed. The body is read without holding a server thread, so slow clients cost
     * connections, not threads. Default 10 seconds (Calendly sends a few KiB at once).
     */
    public Duration webhookBodyTimeout = Duration.ofSeconds(10);

    /**
     * Applied to the host's Jetty ({@code HttpConfiguration.setIdleTimeout}) when the plugin is
     * registered: how long a request may make no progress reading its body or writing its answer
     * before Jetty gives up on it (408 or a closed connection) and frees its thread. {@code null}
     * leaves the host's setting alone. Default 20 seconds. Hosts that build their own connectors
     * should set the same.
     */
    public Duration httpIdleTimeout = Duration.ofSeconds(20);

    /**
     * Applied to the host's Jetty ({@code HttpConfiguration.setMinRequestDataRate}) when the plugin is
     * registered: the slowest a request body may arrive, in bytes per second averaged from its first
     * byte; slower requests get 408. Stops clients that trickle bodies from holding a thread each on
     * routes that read bodies blockingly (forms, JSON). {@code 0} leaves the host's setting alone.
     * Default 128: the average runs from the request's first byte, so a small form posted by a client
     * that is itself descheduled for a moment must not look slow (1024 refused such posts under load),
     * while a client trickling a byte every few seconds is still cut off at its first read.
     */
    public long httpMinRequestDataRate = 128;

    /** Refresh an access token this long before it expires. Default 5 minutes. */
    public Duration tokenRefreshMargin = Duration.ofMinutes(5);

    // --- Connecting Calendly (oauth feature) -------------------------------------------------------

    /**
     * Client id of the host operator's Calendly OAuth app, for tenants that connect in
     * {@code PLATFORM_APP} mode. Register the app's redirect URI as
     * {@code {publicBaseUrl}{routePrefix}/settings/calendly/callback}. Default: none (mode unavailable).
     */
    public String platformClientId;

    /** Client secret of the platform OAuth app; required with {@link #platformClientId}. Never logged. */
    public String platformClientSecret;

    // platformSigningKey (above, with the webhook settings) belongs to the same platform OAuth app.

    /**
     * OAuth scopes requested at authorization. Default: what the plugin uses, and nothing more:
     * {@code users:read scheduled_events:read event_types:read organizations:read webhooks:read
     * webhooks:write routing_forms:read}, and for acting on Calendly from the CRM
     * ({@link CalendlyActions}) {@code scheduled_events:write} (cancel, no-shows) and
     * {@code scheduling_links:write} (single-use links). Drop those two to keep the integration
     * read-only: the actions then answer 409 {@code reconnect_required} naming the scope.
     */
    public List<String> oauthScopes = new ArrayList<>(List.of("users:read", "scheduled_events:read",
            "event_types:read", "organizations:read", "webhooks:read", "webhooks:write", "routing_forms:read",
            "scheduled_events:write", "scheduling_links:write"));

    /**
     * The host's page where tenants manage the Calendly connection. After the OAuth callback (and a
     * form-posted connect or disconnect) the browser is sent there with
     * {@code ?calendly=connected|error|disconnected&reason=...&integration=...}. An absolute URL, or a
     * path resolved against {@link #publicBaseUrl}. Default: none (a small HTML or JSON answer instead).
     */
    public String settingsPageUrl;

    /**
     * The drop-in settings UI for tenant admins, or null for none (the default): e.g.
     * {@code c.settingsUi = SettingsUi.at("/app/calendly")} serves the Calendly page at that path of the
     * host. It needs {@link io.calbridge.calendly.spi.HostSecurity#csrfToken} to change anything. When
     * {@link #settingsPageUrl} is not set, the browser returns to the UI after connecting.
     */
    public SettingsUi settingsUi;

    /** Attempts per Calendly call (first try included) on 429, 5xx and network errors. Default 5. */
    public int calendlyMaxAttempts = 5;

    /**
     * The longest one Calendly call may spend waiting for retries (429 resets plus backoff). A wait
     * that would exceed it is not started: the call fails at once. Default 60 seconds.
     */
    public Duration calendlyMaxRetryWait = Duration.ofSeconds(60);

    /** TCP connect timeout for calls to Calendly. Default 10 seconds. */
    public Duration httpConnectTimeout = Duration.ofSeconds(10);

    /** Time allowed for one call to Calendly, from sending to the whole response. Default 30 seconds. */
    public Duration httpRequestTimeout = Duration.ofSeconds(30);

    /**
     * How often each node checks webhook subscriptions at Calendly and recreates disabled or missing
     * ones. Each integration is checked by one node per interval. {@code Duration.ZERO} disables the
     * check on this node. Default 15 minutes.
     */
    public Duration subscriptionCheckInterval = Duration.ofMinutes(15);

    /**
     * How long a processed webhook delivery's body (it holds the invitee's name, e-mail, answers...) is
     * kept after processing; then it is purged, the row stays for the log. Default 30 days. See
     * docs/privacy.md.
     */
    public Duration webhookBodyRetention = Duration.ofDays(30);

    /** How long a dead letter's body is kept unless replayed. Default 90 days. */
    public Duration deadLetterRetention = Duration.ofDays(90);

    /**
     * How long after a meeting ended its booking row keeps the invitee's personal fields (a reschedule,
     * cancel or no-show can still arrive until then); the facts idempotency needs stay. Default 90 days.
     */
    public Duration bookingPersonalDataRetention = Duration.ofDays(90);

    /** Rows purged per transaction by the retention purge. Default 500. */
    public int retentionPurgeBatchSize = 500;

    /**
     * How often a node tries to run the retention purge (one node at a time runs it). {@code Duration.ZERO}
     * never on this node. Default 1 hour.
     */
    public Duration retentionPurgeInterval = Duration.ofHours(1);

    /**
     * Optional: erases or anonymises the host's contact, tasks and activity of one person when a tenant
     * erases that person ({@code CalendlyOperations.erasePerson}, the settings route). Null (default):
     * the plugin erases only its own tables and says so. See docs/host-interfaces.md.
     */
    public io.calbridge.calendly.spi.PersonErasure personErasure;

    /**
     * How often each node looks for background sync work: imports after a connection, backfills of
     * delivery gaps, due reconciliation sweeps (docs/booking.md, "Import, backfill and sweep").
     * {@code Duration.ZERO} runs no sync on this node. Default 30 seconds.
     */
    public Duration syncPollInterval = Duration.ofSeconds(30);

    /** How often every integration's bookings are compared with Calendly's and repaired (jittered by a tenth). Default 6 hours. */
    public Duration syncSweepInterval = Duration.ofHours(6);

    /** A gap backfill starts this long before the last moment deliveries were known to work. Default 15 minutes. */
    public Duration syncGapMargin = Duration.ofMinutes(15);

    /** An active integration without any delivery (and no check) for this long is backfilled. Default 24 hours. */
    public Duration syncSilence = Duration.ofHours(24);

    /** Sync jobs one node runs at once. Default 1. */
    public int syncThreads = 1;

    /**
     * Background Calendly requests (imports, backfills, sweeps) per Calendly user and minute, per node;
     * the rest of Calendly's limit (500 a minute on paid plans) stays for live work. 0: no budget. Default 250.
     */
    public int syncBackgroundRequestsPerMinute = 250;

    /** Time source; tests pass a controllable clock. Default: the system UTC clock. */
    public Clock clock = Clock.systemUTC();

    CalendlyConfig() {
    }
}
