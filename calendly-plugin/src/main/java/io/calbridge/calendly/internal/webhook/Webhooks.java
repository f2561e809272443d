package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Daemons;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.crypto.SecretBox;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook feature's front door: receiving endpoints, the durable inbox with its group-commit
 * writer, the rejection log, the processing worker, and {@link WebhookOperations} (replay, log).
 *
 * <pre>{@code
 * var webhooks = Webhooks.create(db, secretBox, bookings.processor(), webhookSettings, meterRegistry, clock);
 * webhooks.registerRoutes(routes);   // POST {prefix}/api/webhooks/calendly/{token}
 * webhooks.start();                  // when the server has started
 * webhooks.stop();                   // when it stops: finishes or releases claimed deliveries
 * }</pre>
 *
 * <p>The host must give the plugin a PostgreSQL DataSource whose pool has room for the writer (two
 * connections under load) and each worker thread. With a null {@code processor} deliveries are stored
 * and acknowledged but not processed on this node (they wait, PENDING, for a node that has one).
 */
public final class Webhooks {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final Duration SNAPSHOT_MAX_AGE = Duration.ofSeconds(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** Longest wait for a pool connection on the receive path: well inside Calendly's 15 s. */
    static final Duration RECEIVE_CHECKOUT = Duration.ofSeconds(2);

    private final Db db;
    private final WebhookSettings settings;
    private final WebhookInbox inbox;
    private final InboxWriter writer;
    private final RejectionLog rejections;
    private final DatabaseCircuit circuit;
    /** One daemon thread for best-effort bookkeeping: rejection rows, last_delivery_at. */
    private final ScheduledExecutorService background;
    private final InboxWorker worker;
    private final WebhookReceiver receiver;
    private final WebhookRoutes routes;
    private final WebhookOperations operations;
    private final IntegrationDirectory directory;
    private final ClearPathTokens clearPathTokens;
    private final Clock clock;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(new InboxDepth(0, 0, 0), Instant.MIN));

    private record Snapshot(InboxDepth depth, Instant takenAt) {
    }

    private Webhooks(Db db, SecretBox secrets, PersonalData personal, DeliveryProcessor processor, WebhookSettings settings,
                     MeterRegistry meters, Clock clock, DeadLetterListener deadLetters) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.inbox = new WebhookInbox(personal);
        WebhookMetrics metrics = new WebhookMetrics(meters, settings.metricsPerTenant());
        this.worker = processor == null ? null
                : new InboxWorker(db, inbox, processor, metrics, clock, InboxWorker.newNodeId(), settings, deadLetters);
        this.background = Executors.newSingleThreadScheduledExecutor(Daemons.named("calendly-webhook-background"));
        // The receive path waits for a connection at most RECEIVE_CHECKOUT, not the pool's own timeout.
        DataSource receivePool = ShortCheckout.of(db.dataSource(), RECEIVE_CHECKOUT);
        Db receiveDb = new Db(receivePool);
        this.circuit = new DatabaseCircuit(receivePool, background);
        this.writer = new InboxWriter(receiveDb, inbox, new LastDeliveryTimes(db, inbox, background, clock), circuit,
                this::wakeWorker);
        this.rejections = new RejectionLog(db, inbox, background, clock);
        this.directory = new IntegrationDirectory(receiveDb, secrets, clock, settings.keyCacheTtl());
        this.clearPathTokens = new ClearPathTokens(db, secrets);
        this.receiver = new WebhookReceiver(directory,
                new SignatureVerifier(clock, settings.signatureTolerance(), settings.signatureFutureSkew()),
                writer, rejections, circuit, metrics, clock, settings.platformSigningKey(), settings.maxBodyBytes());
        this.routes = new WebhookRoutes(receiver, settings.bodyTimeout(), background);
        this.operations = new WebhookOperations(db, inbox, new WebhookLog(inbox), clock, this::wakeWorker);
        metrics.gauges(() -> depth().pending() + depth().processing(), () -> depth().dead());
    }

    /**
     * Builds the feature; nothing runs until {@link #start()}.
     *
     * @param processor applies stored deliveries (booking processing); null to store only
     * @param meters    where the webhook meters go (never null; a SimpleMeterRegistry is fine)
     */
    public static Webhooks create(Db db, SecretBox secrets, DeliveryProcessor processor, WebhookSettings settings,
                                  MeterRegistry meters, Clock clock) {
        return create(db, secrets, processor, settings, meters, clock, DeadLetterListener.NONE);
    }

    /** As above; {@code deadLetters} hears of every delivery the worker gives up on. */
    public static Webhooks create(Db db, SecretBox secrets, DeliveryProcessor processor, WebhookSettings settings,
                                  MeterRegistry meters, Clock clock, DeadLetterListener deadLetters) {
        // Bodies are sealed with the tenant's data key whenever the secret box is the real keyring.
        PersonalData personal = secrets instanceof TenantKeyring keyring ? PersonalData.sealedBy(keyring) : PersonalData.clearFor(null);
        return create(db, secrets, personal, processor, settings, meters, clock, deadLetters);
    }

    /** As above, with an explicit sealing layer for bodies (benchmarks compare sealed with clear). */
    public static Webhooks create(Db db, SecretBox secrets, PersonalData personal, DeliveryProcessor processor,
                                  WebhookSettings settings, MeterRegistry meters, Clock clock, DeadLetterListener deadLetters) {
        return new Webhooks(Objects.requireNonNull(db, "db"), Objects.requireNonNull(secrets, "secrets"),
                Objects.requireNonNull(personal, "personal"), processor,
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(meters, "meters"),
                Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(deadLetters, "deadLetters"));
    }

    /** The integration lookup cache's statistics, for TenantScaleBenchmark. */
    com.github.benmanes.caffeine.cache.stats.CacheStats directoryStats() {
        return directory.stats();
    }

    /** {@code POST {routePrefix}/api/webhooks/calendly/{token}}. */
    public void registerRoutes(RoutesConfig routesConfig) {
        routes.register(routesConfig, settings.routePrefix());
    }

    /**
     * Seals the webhook path tokens an earlier version left in clear and empties their clear column; at
     * startup, before anything rebuilds a subscription URL. Returns how many were sealed. Never throws:
     * deliveries route by the hashes the database computed, and the next start tries again.
     */
    public int sealClearPathTokens() {
        try {
            return clearPathTokens.sealAll();
        } catch (RuntimeException e) {
            // The type only: a database error's detail could quote a token.
            log.error("Could not seal the webhook path tokens an earlier version stored in clear ({}); the next start"
                    + " tries again", e.getClass().getName());
            return 0;
        }
    }

    /** Starts the inbox writer and, with a processor and {@code workerThreads > 0}, the worker. */
    public void start() {
        writer.start();
        if (worker == null) {
            log.warn("No DeliveryProcessor wired: webhook deliveries are stored but not processed on this node");
        } else {
            worker.start(settings.workerThreads());
        }
    }

    /** Writes what is queued, lets running deliveries finish, gives claimed ones back. */
    public void stop() {
        if (worker != null) {
            worker.stop(STOP_GRACE);
        }
        writer.stop(STOP_GRACE);
        background.shutdown(); // what is queued (rejections, last_delivery_at) is still written
        try {
            if (!background.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                background.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            background.shutdownNow();
        }
    }

    public WebhookOperations operations() {
        return operations;
    }

    /** The path of an integration's webhook URL below the public base URL, e.g. for subscriptions. */
    public String webhookPath(String pathToken) {
        return settings.routePrefix() + WebhookRoutes.PATH + "/" + pathToken;
    }

    /** A key or status changed on this node (rotation, disconnect): forget cached integrations. */
    public void integrationChanged() {
        directory.invalidateAll();
    }

    InboxWorker worker() {
        return worker;
    }

    WebhookReceiver receiver() {
        return receiver;
    }

    private void wakeWorker() {
        if (worker != null) {
            worker.wake();
        }
    }

    private InboxDepth depth() {
        Snapshot current = snapshot.get();
        Instant now = clock.instant();
        if (current.takenAt().plus(SNAPSHOT_MAX_AGE).isAfter(now)) {
            return current.depth();
        }
        try {
            Snapshot fresh = new Snapshot(operations.inboxDepth(), now);
            snapshot.set(fresh);
            return fresh.depth();
        } catch (RuntimeException e) {
            return current.depth(); // a gauge must not throw; the old value is the best we have
        }
    }
}
