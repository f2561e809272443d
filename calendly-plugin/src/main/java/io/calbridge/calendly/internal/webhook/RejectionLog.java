package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.limits.WindowedLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused deliveries of known integrations, kept in {@code calendly_webhook_rejection} for the webhook
 * log. Best effort and never in the way of an answer: {@link #record} only queues, the background
 * executor writes in batches. A flood of forged requests cannot grow the table without bound: at most
 * {@value #PER_INTEGRATION_PER_MINUTE} refusals per integration per minute are kept (a
 * {@link WindowedLimit}, the mechanism of tenant-host's login throttle), and at most
 * {@value #QUEUE_CAPACITY} wait to be written; the rest are only counted by the metrics.
 */
final class RejectionLog {
    private static final Logger log = LoggerFactory.getLogger(RejectionLog.class);
    static final int PER_INTEGRATION_PER_MINUTE = 60;
    private static final int QUEUE_CAPACITY = 10_000;
    private static final int MAX_BATCH = 128;
    /** Integrations whose rate is tracked at once; a forgotten one only starts a fresh minute. */
    private static final int TRACKED_INTEGRATIONS = 100_000;
    private static final UUID NO_INTEGRATION = new UUID(0, 0);

    private final Db db;
    private final WebhookInbox inbox;
    private final Executor background;
    private final WindowedLimit perIntegration;
    private final BlockingQueue<WebhookInbox.Rejection> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicBoolean flushQueued = new AtomicBoolean();

    RejectionLog(Db db, WebhookInbox inbox, Executor background, Clock clock) {
        this.db = db;
        this.inbox = inbox;
        this.background = background;
        this.perIntegration = new WindowedLimit(PER_INTEGRATION_PER_MINUTE, Duration.ofMinutes(1), TRACKED_INTEGRATIONS, clock);
    }

    /**
     * Queues a refusal to be written; never blocks, never throws.
     *
     * @return false when it was dropped (over the integration's rate, queue full, shutting down)
     */
    boolean record(WebhookInbox.Rejection rejection) {
        UUID integration = rejection.integrationId() == null ? NO_INTEGRATION : rejection.integrationId();
        if (!perIntegration.tryAcquire(integration.toString()) || !queue.offer(rejection)) {
            return false;
        }
        return scheduleFlush();
    }

    private boolean scheduleFlush() {
        if (flushQueued.compareAndSet(false, true)) {
            try {
                background.execute(this::flush);
            } catch (RejectedExecutionException stopped) {
                flushQueued.set(false);
                return false;
            }
        }
        return true;
    }

    private void flush() {
        flushQueued.set(false); // a rejection queued from now on schedules the next flush
        List<WebhookInbox.Rejection> batch = new ArrayList<>();
        queue.drainTo(batch, MAX_BATCH);
        if (!batch.isEmpty()) {
            try {
                inbox.insertRejections(db.dsl(), batch);
            } catch (RuntimeException e) {
                log.warn("Could not record {} webhook rejection(s): {}", batch.size(), e.toString());
            }
        }
        if (!queue.isEmpty()) {
            scheduleFlush();
        }
    }
}
