package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Failures;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Processes stored deliveries, safely with any number of nodes.
 *
 * <p>Each thread claims a batch of up to {@code batchSize} due rows ({@code FOR UPDATE SKIP LOCKED},
 * marked PROCESSING with this node's id and a lease). A processor that {@link DeliveryProcessor#batches()}
 * gets the whole batch at once, applied in one transaction, and the batch's rows are then marked
 * DONE or IGNORED in one statement. If that batch fails, nothing of it committed: its deliveries
 * are handed over again one by one, so a delivery that cannot be applied is retried or dead-lettered
 * alone and the others are applied (once: the failed batch rolled back, and a host outside the
 * plugin's transaction recognises a repeated effect by its idempotency key). One at a time, each
 * outcome is recorded on its own: DONE or IGNORED; on an exception PENDING again after an
 * exponential backoff with jitter; DEAD after {@code maxAttempts} or at once on a
 * {@link PermanentProcessingException}. If the node dies ({@code kill -9}), its rows come back after
 * their lease; the processor is idempotent in effect, so a delivery processed but not yet marked DONE
 * is harmless to process again.
 *
 * <p>Idle threads poll every {@code pollInterval}; {@link #wake()} (called when this node stored a
 * delivery or a replay made one due) starts them at once. {@link #stop(Duration)} lets running
 * deliveries finish and gives claimed-but-unstarted rows back.
 */
final class InboxWorker {
    private static final Logger log = LoggerFactory.getLogger(InboxWorker.class);

    private final Db db;
    private final WebhookInbox inbox;
    private final DeliveryProcessor processor;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final String nodeId;
    /** Attempts, lease, poll interval, retry delays and batch size are read from here. */
    private final WebhookSettings settings;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private long wakeups;
    private final AtomicLong lastReclaim = new AtomicLong(Long.MIN_VALUE);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean stopRequested;
    private final DeadLetterListener deadLetters;

    InboxWorker(Db db, WebhookInbox inbox, DeliveryProcessor processor, WebhookMetrics metrics, Clock clock,
                String nodeId, WebhookSettings settings) {
        this(db, inbox, processor, metrics, clock, nodeId, settings, DeadLetterListener.NONE);
    }

    InboxWorker(Db db, WebhookInbox inbox, DeliveryProcessor processor, WebhookMetrics metrics, Clock clock,
                String nodeId, WebhookSettings settings, DeadLetterListener deadLetters) {
        this.deadLetters = deadLetters;
        this.db = db;
        this.inbox = inbox;
        this.processor = processor;
        this.metrics = metrics;
        this.clock = clock;
        this.nodeId = nodeId;
        this.settings = settings;
    }

    /** A readable id that differs for every process: host, pid, and a random suffix. */
    static String newNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        String pid = String.valueOf(ProcessHandle.current().pid());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String id = host + "/" + pid + "/" + suffix;
        return id.length() > 120 ? id.substring(id.length() - 120) : id;
    }

    String nodeId() {
        return nodeId;
    }

    synchronized void start(int threadCount) {
        if (running || threadCount == 0) {
            return;
        }
        running = true;
        stopRequested = false; // else a worker started again would give back every row it claims
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::loop, "calendly-webhook-worker-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        log.info("Webhook worker started on node {} with {} thread(s) (JVM {})", nodeId, threadCount,
                ManagementFactory.getRuntimeMXBean().getName());
    }

    /** Lets running deliveries finish (up to {@code grace}) and gives unstarted claimed rows back. */
    void stop(Duration grace) {
        List<Thread> toJoin;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            stopRequested = true;
            toJoin = List.copyOf(threads);
            threads.clear();
        }
        wake();
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : toJoin) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread t : toJoin) {
            if (t.isAlive()) {
                // Its row stays PROCESSING and is reclaimed by any node once the lease ends.
                log.warn("Webhook worker thread {} still busy after {}; its delivery is reclaimed after the lease", t.getName(), grace);
                t.interrupt();
            }
        }
    }

    /** Makes idle threads look for work now. */
    void wake() {
        lock.lock();
        try {
            wakeups++;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (running) {
            long seen;
            lock.lock();
            try {
                seen = wakeups;
            } finally {
                lock.unlock();
            }
            int done;
            try {
                done = runOnce();
            } catch (RuntimeException e) {
                log.warn("Webhook worker could not claim deliveries: {}", e.toString());
                done = 0;
            }
            if (done == 0 && running) {
                awaitWork(seen);
            }
        }
    }

    private void awaitWork(long seen) {
        lock.lock();
        try {
            long nanos = settings.pollInterval().toNanos();
            while (running && wakeups == seen && nanos > 0) {
                nanos = work.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reclaims expired leases (at most once per poll interval), claims one batch and processes it in
     * the calling thread. Returns how many deliveries it handled. Tests call it directly.
     */
    int runOnce() {
        reclaimIfDue();
        Instant now = clock.instant();
        List<StoredDelivery> batch = db.tx(dsl -> inbox.claim(dsl, nodeId, settings.batchSize(), now,
                now.plus(settings.lease())));
        if (batch.size() > 1 && processor.batches() && !stopRequested && processTogether(batch)) {
            return batch.size();
        }
        Instant leaseUntil = now.plus(settings.lease());
        for (int i = 0; i < batch.size(); i++) {
            if (stopRequested) {
                release(batch.subList(i, batch.size()));
                return i;
            }
            if (clock.instant().isAfter(leaseUntil.minus(settings.lease().dividedBy(2)))) {
                leaseUntil = clock.instant().plus(settings.lease());
                extend(batch.subList(i, batch.size()), leaseUntil);
            }
            process(batch.get(i));
        }
        return batch.size();
    }

    /**
     * The whole batch in the processor's one transaction, then every row marked in one statement.
     * False when the batch failed: nothing of it committed, and the caller goes through it one by one.
     */
    private boolean processTogether(List<StoredDelivery> batch) {
        long started = System.nanoTime();
        List<StoredDelivery> handled = batch.stream().filter(d -> CalendlyEvent.processed(d.event())).toList();
        List<ProcessingResult> results;
        try (var tenant = MDC.putCloseable("tenant_id", oneTenant(batch))) {
            results = handled.isEmpty() ? List.of() : processor.processAll(handled);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            metrics.batchFailed();
            log.info("A batch of {} webhook deliveries failed ({}); applying them one at a time", batch.size(), Failures.describe(e));
            return false;
        }
        List<Long> ignored = new ArrayList<>();
        batch.stream().filter(d -> !CalendlyEvent.processed(d.event())).forEach(d -> ignored.add(d.inboxId()));
        for (int i = 0; i < handled.size(); i++) {
            if (results.get(i) == ProcessingResult.IGNORED) {
                ignored.add(handled.get(i).inboxId());
            }
        }
        Instant now = clock.instant();
        // Each row is charged its share of the batch's time.
        int ms = elapsedMs(started) / batch.size();
        List<Long> ids = batch.stream().map(StoredDelivery::inboxId).toList();
        Set<Long> mine = db.tx(dsl -> inbox.finishAll(dsl, ids, ignored, nodeId, now, ms));
        Duration each = Duration.ofNanos((System.nanoTime() - started) / batch.size());
        for (StoredDelivery d : batch) {
            metrics.duration(each);
            if (!mine.contains(d.inboxId())) {
                log.warn("Webhook delivery {} was reclaimed by another node while this one processed it", d.inboxId());
                continue;
            }
            metrics.processed(ignored.contains(d.inboxId()) ? "ignored" : "done");
            metrics.lag(Duration.between(d.receivedAt(), now));
        }
        return true;
    }

    /** The batch's tenant for the log's context when it has one only, else "several". */
    private static String oneTenant(List<StoredDelivery> batch) {
        String first = batch.get(0).tenantId();
        return batch.stream().allMatch(d -> d.tenantId().equals(first)) ? first : "several";
    }

    /** Runs {@link #runOnce()} until nothing is due (tests, a one-off drain). */
    int drain() {
        int total = 0;
        int n;
        while ((n = runOnce()) > 0) {
            total += n;
        }
        return total;
    }

    private void reclaimIfDue() {
        long nowMs = clock.millis();
        long last = lastReclaim.get();
        if (last != Long.MIN_VALUE && nowMs - last < settings.pollInterval().toMillis()) {
            return;
        }
        if (!lastReclaim.compareAndSet(last, nowMs)) {
            return;
        }
        int reclaimed = db.tx(dsl -> inbox.reclaimExpired(dsl, clock.instant(), settings.maxAttempts()));
        if (reclaimed > 0) {
            log.warn("Reclaimed {} webhook deliveries whose worker stopped before finishing them", reclaimed);
        }
    }

    private void process(StoredDelivery delivery) {
        // Every log line written while this delivery is handled names its tenant and integration.
        try (var tenant = MDC.putCloseable("tenant_id", delivery.tenantId());
                var integration = MDC.putCloseable("integration_id", delivery.integrationId().toString())) {
            processInContext(delivery);
        }
    }

    private void processInContext(StoredDelivery delivery) {
        long started = System.nanoTime();
        if (!CalendlyEvent.processed(delivery.event())) {
            finish(delivery, WebhookInbox.Status.IGNORED, null, started); // a replayed unhandled event
            return;
        }
        try {
            ProcessingResult result = processor.process(delivery);
            finish(delivery, result == ProcessingResult.IGNORED ? WebhookInbox.Status.IGNORED : WebhookInbox.Status.DONE,
                    null, started);
        } catch (PermanentProcessingException e) {
            finish(delivery, WebhookInbox.Status.DEAD, e.getMessage() == null ? e.getClass().getName() : e.getMessage(), started);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            PermanentProcessingException permanent = PermanentProcessingException.recognise(e);
            if (permanent != null) {
                finish(delivery, WebhookInbox.Status.DEAD, permanent.getMessage(), started);
            } else {
                failed(delivery, e, started);
            }
        }
    }

    private void finish(StoredDelivery delivery, WebhookInbox.Status status, String error, long startedNanos) {
        int ms = elapsedMs(startedNanos);
        Instant now = clock.instant();
        boolean mine = db.tx(dsl -> inbox.finish(dsl, delivery.inboxId(), nodeId, status, error, now, ms));
        metrics.duration(Duration.ofNanos(System.nanoTime() - startedNanos));
        if (!mine) {
            log.warn("Webhook delivery {} was reclaimed by another node while this one processed it", delivery.inboxId());
            return;
        }
        metrics.processed(switch (status) {
            case DONE -> "done";
            case IGNORED -> "ignored";
            default -> "dead";
        });
        metrics.lag(Duration.between(delivery.receivedAt(), now));
        if (status == WebhookInbox.Status.DEAD) {
            log.warn("Webhook delivery {} (tenant {}, {}) dead-lettered after attempt {}: {}", delivery.inboxId(),
                    delivery.tenantId(), delivery.event(), delivery.attempt(), error);
            try {
                deadLetters.deadLettered(delivery, error);
            } catch (RuntimeException e) {
                log.warn("Could not tell the host that webhook delivery {} was dead-lettered: {}", delivery.inboxId(), e.toString());
            }
        }
    }

    private void failed(StoredDelivery delivery, Throwable e, long startedNanos) {
        String error = Failures.describe(e);
        if (delivery.attempt() >= settings.maxAttempts()) {
            finish(delivery, WebhookInbox.Status.DEAD, "gave up after " + delivery.attempt() + " attempts: " + error, startedNanos);
            return;
        }
        Instant next = clock.instant().plus(backoff(delivery.attempt()));
        int ms = elapsedMs(startedNanos);
        boolean mine = db.tx(dsl -> inbox.retryLater(dsl, delivery.inboxId(), nodeId, error, next, ms));
        metrics.duration(Duration.ofNanos(System.nanoTime() - startedNanos));
        if (mine) {
            metrics.processed("retry");
            log.info("Webhook delivery {} (tenant {}, {}) failed attempt {}; next attempt at {}: {}", delivery.inboxId(),
                    delivery.tenantId(), delivery.event(), delivery.attempt(), next, error);
        }
    }

    /** Exponential: base·2^(attempt−1), capped, then "equal jitter" (between half and all of it). */
    Duration backoff(int attempt) {
        long base = settings.retryBaseDelay().toMillis();
        long cap = settings.retryMaxDelay().toMillis();
        long delay = attempt >= 31 ? cap : Math.min(cap, base << Math.max(0, attempt - 1));
        if (delay <= 1) {
            return Duration.ofMillis(Math.max(0, delay));
        }
        long half = delay / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(delay - half + 1));
    }

    private void release(List<StoredDelivery> rows) {
        List<Long> ids = rows.stream().map(StoredDelivery::inboxId).toList();
        try {
            db.tx(dsl -> inbox.release(dsl, nodeId, ids));
        } catch (RuntimeException e) {
            log.warn("Could not release {} claimed webhook deliveries ({}); they return after the lease", ids.size(), e.toString());
        }
    }

    private void extend(List<StoredDelivery> rows, Instant until) {
        List<Long> ids = rows.stream().map(StoredDelivery::inboxId).toList();
        try {
            db.tx(dsl -> inbox.extendLease(dsl, nodeId, ids, until));
        } catch (RuntimeException e) {
            log.warn("Could not extend the lease of {} webhook deliveries: {}", ids.size(), e.toString());
        }
    }

    private static int elapsedMs(long startedNanos) {
        return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
    }
}
