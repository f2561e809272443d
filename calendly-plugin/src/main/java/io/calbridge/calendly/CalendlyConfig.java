package io.calbridge.calendly;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * What a host sets when it registers {@link CalendlyPlugin}. Fields are read once, when the plugin
 * is constructed; later changes have no effect.
 *
 * <p>Essentials: {@link #publicBaseUrl}, {@link #dataSource}, {@link #masterKey}. Everything else has a default.
 */
public final class CalendlyConfig {
    /**
     * The https URL at which Calendly and browsers reach this host's root, e.g.
     * {@code https://app.example.com}. OAuth redirect URIs and webhook URLs are derived from it,
     * never from request headers. Required.
     */
    public String publicBaseUrl;

    /** Where the plugin's tables live (a HikariCP pool is a good choice). Required. */
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

    /** Prefix for every route of the plugin, e.g. {@code "/integrations"}. Default: none. */
    public String routePrefix = "";

    /** Calendly's API. Default {@code https://api.calendly.com}; the sandbox's URL in tests and the demo. */
    public String calendlyApiBaseUrl = "https://api.calendly.com";

    /** Calendly's OAuth server. Default {@code https://auth.calendly.com}. */
    public String calendlyAuthBaseUrl = "https://auth.calendly.com";

    /** Apply the plugin's Flyway migrations at start. Default true. */
    public boolean migrate = true;

    /** Threads that process stored webhook deliveries. Default 2; 0 disables the worker on this node. */
    public int workerThreads = 2;

    /** How old a webhook signature's timestamp may be. Default 3 minutes (Calendly's own example). */
    public Duration signatureTolerance = Duration.ofMinutes(3);

    /** How far in the future a signature's timestamp may be (clock skew). Default 30 seconds. */
    public Duration signatureFutureSkew = Duration.ofSeconds(30);

    /** Largest accepted webhook body; larger ones get 413. Default 1 MiB. */
    public int maxWebhookBodyBytes = 1024 * 1024;

    /** Refresh an access token this long before it expires. Default 5 minutes. */
    public Duration tokenRefreshMargin = Duration.ofMinutes(5);

    /** Time source; tests pass a controllable clock. Default: the system UTC clock. */
    public Clock clock = Clock.systemUTC();

    CalendlyConfig() {
    }
}
