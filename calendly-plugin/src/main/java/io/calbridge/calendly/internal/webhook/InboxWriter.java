package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Db;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeoutException;

/**
 * Stores a verified delivery in the inbox: one {@code INSERT ... ON CONFLICT DO NOTHING} that
 * commits on its own, on the request's own thread. The endpoint acknowledges only after that commit,
 * so nothing acknowledged can be lost.
 *
 * <p>This used to be a group commit (requests queued their deliveries and leaders wrote them in
 * batches). Measured side by side in WebhookBenchmark over 5 rounds it did not beat this plain insert
 * by more than the noise between rounds (docs/webhooks.md has the figures): a commit costs only tens
 * of microseconds of fsync here, and the queue's park/unpark cost about as much as it saved. So each
 * request writes its own row now.
 *
 * <p>Each insert holds a pool connection for one short statement; the receive path waits for one
 * at most {@code RECEIVE_CHECKOUT} ({@link ShortCheckout}), and PostgreSQL cancels an insert that takes
 * longer than the store timeout. (A cap of 4 concurrent inserts, as the group commit had, cut
 * throughput to a quarter of the bare insert in WebhookBenchmark on the busy machine; the measured
 * plain insert had none.) Only deliveries: refusals go to
 * {@link RejectionLog}, and stored deliveries are reported to {@link LastDeliveryTimes}.
 */
final class InboxWriter {
    enum Outcome { STORED, DUPLICATE, INTEGRATION_GONE }

    /** What became of one delivery. {@code inboxId} is null unless STORED. */
    record Result(Outcome outcome, Long inboxId, boolean pending) {
    }

    /** The database is known to be unreachable ({@link DatabaseCircuit} is open): answer 503 at once. */
    static final class DatabaseDown extends RuntimeException {
        DatabaseDown() {
            super("the database is unreachable", null, false, false);
        }
    }

    /** The writer is stopped, or the delivery's fate could not be confirmed: answer 503, Calendly will retry. */
    static final class Overloaded extends RuntimeException {
        Overloaded(String message) {
            super(message, null, false, false);
        }
    }

    private final Db db;
    private final WebhookInbox inbox;
    private final LastDeliveryTimes lastDelivery;
    private final DatabaseCircuit circuit;
    private final Runnable onPending;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running;

    /**
     * @param db        the receive path's view of the pool ({@link ShortCheckout})
     * @param onPending runs after a commit that stored a delivery to process (wakes this node's worker)
     */
    InboxWriter(Db db, WebhookInbox inbox, LastDeliveryTimes lastDelivery, DatabaseCircuit circuit, Runnable onPending) {
        this.db = db;
        this.inbox = inbox;
        this.lastDelivery = lastDelivery;
        this.circuit = circuit;
        this.onPending = onPending;
    }

    void start() {
        running = true;
    }

    /** Takes no new deliveries; waits up to {@code grace} for the inserts under way. */
    void stop(Duration grace) {
        running = false;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stores one delivery and returns after its commit.
     *
     * @param timeout how long the insert may take
     * @throws DatabaseDown      the database is known to be unreachable
     * @throws Overloaded        stopped, or a duplicate's integration could not be checked
     * @throws TimeoutException  no answer from the database within {@code timeout}
     * @throws RuntimeException  the insert failed (the circuit has been told)
     */
    Result store(WebhookInbox.NewDelivery delivery, Duration timeout) throws InterruptedException, TimeoutException {
        if (!running) {
            throw new Overloaded("the webhook inbox is not running");
        }
        if (circuit.isOpen()) {
            throw new DatabaseDown();
        }
        inFlight.incrementAndGet();
        try {
            return write(delivery, timeout);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Result write(WebhookInbox.NewDelivery delivery, Duration timeout) throws TimeoutException {
        Optional<WebhookInbox.Inserted> inserted;
        try {
            inserted = inbox.insertOne(db.dsl(), delivery, timeout);
        } catch (WebhookInbox.QueryTimedOut e) {
            throw new TimeoutException(e.getMessage());
        } catch (RuntimeException e) {
            circuit.failed(e);
            throw e;
        }
        lastDelivery.delivered(delivery.integrationId());
        if (inserted.isPresent()) {
            WebhookInbox.Inserted row = inserted.get();
            if (row.pending()) {
                onPending.run();
            }
            return new Result(Outcome.STORED, row.id(), row.pending());
        }
        boolean live;
        try {
            live = !inbox.liveIntegrations(db.dsl(), Set.of(delivery.integrationId())).isEmpty();
        } catch (RuntimeException e) {
            circuit.failed(e);
            throw new Overloaded("could not confirm the delivery");
        }
        return live ? new Result(Outcome.DUPLICATE, null, false) : new Result(Outcome.INTEGRATION_GONE, null, false);
    }
}
