package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Secret;
import java.time.Duration;
import java.util.Objects;

/**
 * The webhook feature's knobs, checked once by {@code Wiring.Settings}. Durations are positive unless
 * stated.
 *
 * @param routePrefix          prefix of the plugin's routes ("" or "/x")
 * @param signatureTolerance   oldest accepted signature timestamp (Calendly's example: 3 minutes)
 * @param signatureFutureSkew  newest accepted signature timestamp ahead of our clock (zero allowed)
 * @param maxBodyBytes         larger bodies get 413
 * @param platformSigningKey   the operator's OAuth-app-wide signing key; also verifies deliveries of
 *                             PLATFORM_APP integrations. Null when there is none
 * @param workerThreads        processing threads on this node; 0 stores deliveries but processes none here
 * @param maxAttempts          processing attempts before a delivery is dead-lettered
 * @param lease                how long a claimed delivery stays with its node before others may reclaim it
 * @param pollInterval         how often an idle worker looks for due deliveries (new local deliveries
 *                             wake it at once)
 * @param retryBaseDelay       delay after the first failed attempt; doubles per attempt, with jitter
 * @param retryMaxDelay        the cap of that delay
 * @param keyCacheTtl          how long a node keeps an integration's decrypted keys and status in memory
 *                             while it does not hear other nodes' cache invalidations (and an unknown
 *                             token's absence always); while it hears them, live integrations are kept
 *                             up to an hour and evicted by NOTIFY (IntegrationDirectory)
 * @param metricsPerTenant     tag delivery counters with the tenant id (only for few tenants)
 * @param bodyTimeout          how long a delivery's body may take to arrive whole (408 after that); the
 *                             body is read without holding a server thread
 * @param batchSize            deliveries a worker thread claims and applies in one transaction (1: one
 *                             at a time)
 */
public record WebhookSettings(
        String routePrefix,
        Duration signatureTolerance,
        Duration signatureFutureSkew,
        int maxBodyBytes,
        Secret platformSigningKey,
        int workerThreads,
        int maxAttempts,
        Duration lease,
        Duration pollInterval,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        Duration keyCacheTtl,
        boolean metricsPerTenant,
        Duration bodyTimeout,
        int batchSize) {

    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_BATCH_SIZE = 50;
    /** Keeps one batch's transaction, locks and statements modest. */
    public static final int MAX_BATCH_SIZE = 500;

    public WebhookSettings {
        Objects.requireNonNull(routePrefix, "routePrefix");
        Objects.requireNonNull(signatureTolerance, "signatureTolerance");
        Objects.requireNonNull(signatureFutureSkew, "signatureFutureSkew");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retryBaseDelay, "retryBaseDelay");
        Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
        Objects.requireNonNull(keyCacheTtl, "keyCacheTtl");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        if (bodyTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("webhookBodyTimeout must be at least 100 ms: " + bodyTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("webhookMaxAttempts must be at least 1: " + maxAttempts);
        }
        if (workerThreads < 0) {
            throw new IllegalArgumentException("workerThreads cannot be negative: " + workerThreads);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("webhookBatchSize must be between 1 and " + MAX_BATCH_SIZE + ": " + batchSize);
        }
        if (lease.isNegative() || lease.toMillis() < 1000) {
            throw new IllegalArgumentException("webhookLease must be at least 1 second: " + lease);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("webhookPollInterval must be positive: " + pollInterval);
        }
        if (platformSigningKey != null && platformSigningKey.isEmpty()) {
            platformSigningKey = null;
        }
    }

    /** The documented defaults, with no platform key; tests start here. */
    public static WebhookSettings defaults() {
        return new WebhookSettings("", Duration.ofMinutes(3), Duration.ofSeconds(30), 1024 * 1024, null,
                2, DEFAULT_MAX_ATTEMPTS, DEFAULT_LEASE, DEFAULT_POLL_INTERVAL,
                Duration.ofSeconds(15), Duration.ofMinutes(30), Duration.ofSeconds(10), false, DEFAULT_BODY_TIMEOUT, DEFAULT_BATCH_SIZE);
    }

    public WebhookSettings withBatchSize(int size) {
        return new WebhookSettings(routePrefix, signatureTolerance, signatureFutureSkew, maxBodyBytes, platformSigningKey,
                workerThreads, maxAttempts, lease, pollInterval, retryBaseDelay, retryMaxDelay, keyCacheTtl, metricsPerTenant, bodyTimeout,
                size);
    }

    public WebhookSettings withPlatformSigningKey(Secret key) {
        return new WebhookSettings(routePrefix, signatureTolerance, signatureFutureSkew, maxBodyBytes, key,
                workerThreads, maxAttempts, lease, pollInterval, retryBaseDelay, retryMaxDelay, keyCacheTtl, metricsPerTenant, bodyTimeout, batchSize);
    }

    public WebhookSettings withWorker(int threads, int attempts, Duration leaseTime, Duration poll) {
        return new WebhookSettings(routePrefix, signatureTolerance, signatureFutureSkew, maxBodyBytes, platformSigningKey,
                threads, attempts, leaseTime, poll, retryBaseDelay, retryMaxDelay, keyCacheTtl, metricsPerTenant, bodyTimeout, batchSize);
    }

    public WebhookSettings withRoutePrefix(String prefix) {
        return new WebhookSettings(prefix, signatureTolerance, signatureFutureSkew, maxBodyBytes, platformSigningKey,
                workerThreads, maxAttempts, lease, pollInterval, retryBaseDelay, retryMaxDelay, keyCacheTtl, metricsPerTenant, bodyTimeout, batchSize);
    }

    @Override
    public String toString() {
        // A record's toString would print the key's toString (***) anyway; say only whether it is set.
        return "WebhookSettings[routePrefix=" + routePrefix + ", signatureTolerance=" + signatureTolerance
                + ", signatureFutureSkew=" + signatureFutureSkew + ", maxBodyBytes=" + maxBodyBytes
                + ", platformSigningKey=" + (platformSigningKey == null ? "<none>" : "<set>")
                + ", workerThreads=" + workerThreads + ", maxAttempts=" + maxAttempts + ", lease=" + lease
                + ", pollInterval=" + pollInterval + ", retryBaseDelay=" + retryBaseDelay
                + ", retryMaxDelay=" + retryMaxDelay + ", keyCacheTtl=" + keyCacheTtl
                + ", metricsPerTenant=" + metricsPerTenant + ", bodyTimeout=" + bodyTimeout + ", batchSize=" + batchSize + "]";
    }
}
