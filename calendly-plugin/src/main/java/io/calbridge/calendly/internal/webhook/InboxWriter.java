package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Db;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the inbox, leader/follower style: a request queues its verified delivery, then
 * either becomes a leader (at most {@link #LEADERS} at a time) and stores everything queued (up to a
 * batch) with one INSERT that commits on its own, or waits while a leader stores its delivery with
 * others. Under load one commit (one WAL flush) acknowledges many deliveries; alone, a delivery is
 * written at once by its own request thread (no timer, no hand-off to another thread, no added latency).
 *
 * <p>A delivery's future completes only after its row is committed (or known to exist already), so the
 * endpoint acknowledges nothing that could be lost. A failed batch fails the futures it holds (the
 * endpoint answers 503 and Calendly retries); when the failure is not the database being unreachable,
 * the batch is retried one delivery at a time so one bad row cannot fail the others.
 *
 * <p>Only deliveries: refusals go to {@link RejectionLog}, and stored deliveries are reported to
 * {@link LastDeliveryTimes}.
 */
final class InboxWriter {
    private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);
    static final int MAX_BATCH = 128;
    /**
     * Batches in flight at once; also the most pool connections the inbox takes for receiving. Measured
     * (docs/webhooks.md): 2 left the database idle between commits on a busy 2-core machine, 4 to 6 beat
     * one insert per request; more only shrinks batches.
     */
    static final int LEADERS = 4;
    private static final int QUEUE_CAPACITY = 10_000;

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

    /** The queue is full or the writer stopped: answer 503, Calendly will retry. */
    static final class Overloaded extends RuntimeException {
        Overloaded(String message) {
            super(message, null, false, false);
        }
    }

    /** A queued delivery and the request thread waiting for it (woken exactly when it is done). */
    private static final class Store {
        final WebhookInbox.NewDelivery delivery;
        final CompletableFuture<Result> future = new CompletableFuture<>();
        volatile Thread waiter;

        Store(WebhookInbox.NewDelivery delivery) {
            this.delivery = delivery;
        }

        WebhookInbox.NewDelivery delivery() {
            return delivery;
        }

        CompletableFuture<Result> future() {
            return future;
        }
    }

    /** A delivery handed to the writer; pass it to {@link #await}. */
    static final class Ticket {
        private final Store store;

        private Ticket(Store store) {
            this.store = store;
        }

        CompletableFuture<Result> future() {
            return store.future;
        }
    }

    private final Db db;
    private final WebhookInbox inbox;
    private final WebhookMetrics metrics;
    private final LastDeliveryTimes lastDelivery;
    private final DatabaseCircuit circuit;
    private final Runnable onPending;
    // Lock-free: 32 requests offering while leaders drain made a locked queue the hottest spot.
    private final ConcurrentLinkedQueue<Store> stores = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Semaphore leaders = new Semaphore(LEADERS);
    /** Requests waiting for their commit that could lead the next batch; woken one at a time. */
    private final ConcurrentLinkedQueue<Thread> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean running;

    /**
     * @param db        the receive path's view of the pool ({@link ShortCheckout})
     * @param onPending runs after a commit that stored a delivery to process (wakes this node's worker)
     */
    InboxWriter(Db db, WebhookInbox inbox, WebhookMetrics metrics, LastDeliveryTimes lastDelivery, DatabaseCircuit circuit,
                Runnable onPending) {
        this.db = db;
        this.circuit = circuit;
        this.inbox = inbox;
        this.metrics = metrics;
        this.lastDelivery = lastDelivery;
        this.onPending = onPending;
    }

    /** Starts taking deliveries (they are written by the requests that bring them). */
    void start() {
        running = true;
    }

    /** Stops taking new work; what is queued is written by the requests still waiting, or failed. */
    synchronized void stop(Duration grace) {
        running = false;
        long deadline = System.nanoTime() + grace.toNanos();
        while (!stores.isEmpty() && System.nanoTime() < deadline) {
            lead(); // deliveries whose requests gave up waiting, or that arrived at the last moment
        }
        Store s;
        while ((s = stores.poll()) != null) {
            queued.decrementAndGet();
            s.future().completeExceptionally(new Overloaded("shutting down"));
            wake(s);
        }
    }

    /** Queues a delivery; its future completes after its commit. Never blocks: then call {@link #await}. */
    Ticket store(WebhookInbox.NewDelivery delivery) {
        Store store = new Store(delivery);
        if (!running) {
            store.future.completeExceptionally(new Overloaded("the webhook inbox is not running"));
            return new Ticket(store);
        }
        if (queued.incrementAndGet() > QUEUE_CAPACITY) {
            queued.decrementAndGet();
            store.future.completeExceptionally(new Overloaded("the webhook inbox queue is full"));
            return new Ticket(store);
        }
        stores.add(store);
        return new Ticket(store);
    }

    /**
     * Waits for a queued delivery's commit, writing batches meanwhile whenever a leader slot is free
     * (so the delivery is written by this thread or by another request's thread, never left behind).
     * The thread sleeps until its own delivery is committed or it is asked to lead the next batch.
     */
    Result await(Ticket ticket, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        Store store = ticket.store;
        CompletableFuture<Result> future = store.future;
        Thread me = Thread.currentThread();
        store.waiter = me;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!future.isDone()) {
            // Lead only when there is something to write: a delivery already taken by a leader in flight
            // just waits for it (trying again at once would spin on an empty queue).
            if (!stores.isEmpty() && leaders.tryAcquire()) {
                try {
                    lead();
                } finally {
                    leaders.release();
                    handOff();
                }
                continue;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new TimeoutException("the delivery was not stored in time");
            }
            idle.add(me);
            // Re-check after announcing ourselves: a leader that finished just before would not see us.
            if (!future.isDone() && (stores.isEmpty() || leaders.availablePermits() == 0)) {
                LockSupport.parkNanos(this, remaining);
            }
            idle.remove(me);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        // We may have been picked to lead just as our own delivery was done: pass that on.
        if (leaders.availablePermits() > 0) {
            handOff();
        }
        return future.get();
    }

    /** A leader slot is free: wake one waiting request to lead the next batch, if work is queued. */
    private void handOff() {
        if (!stores.isEmpty()) {
            Thread next = idle.poll();
            if (next != null) {
                LockSupport.unpark(next);
            }
        }
    }

    private static void wake(Store store) {
        Thread waiter = store.waiter;
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
    }

    /** Writes one batch of what is queued. Call only while holding a leader permit (or stopping). */
    private void lead() {
        List<Store> batch = new ArrayList<>();
        Store next;
        while (batch.size() < MAX_BATCH && (next = stores.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        queued.addAndGet(-batch.size());
        try {
            List<Store> live = new ArrayList<>(batch.size());
            for (Store s : batch) {
                if (!s.future().isDone()) { // the request gave up waiting: Calendly will retry it
                    live.add(s);
                }
            }
            if (!live.isEmpty() && circuit.isOpen()) {
                DatabaseDown down = new DatabaseDown();
                live.forEach(s -> s.future().completeExceptionally(down));
            } else if (!live.isEmpty()) {
                metrics.insertBatch(live.size());
                writeStores(live);
            }
        } catch (RuntimeException | Error e) {
            log.error("Webhook inbox batch failed unexpectedly", e);
            batch.forEach(s -> s.future().completeExceptionally(e));
        } finally {
            batch.forEach(InboxWriter::wake);
        }
    }

    private void writeStores(List<Store> batch) {
        List<WebhookInbox.Inserted> inserted;
        try {
            inserted = inbox.insertNew(db.dsl(), batch.stream().map(Store::delivery).toList());
        } catch (RuntimeException e) {
            circuit.failed(e);
            if (batch.size() > 1 && !DatabaseCircuit.unreachable(e)) {
                log.warn("Storing a batch of {} webhook deliveries failed ({}); storing them one by one", batch.size(), e.toString());
                for (Store s : batch) {
                    writeStores(List.of(s));
                }
            } else {
                batch.forEach(s -> s.future().completeExceptionally(e));
            }
            return;
        }
        Map<String, WebhookInbox.Inserted> byKey = new HashMap<>();
        for (WebhookInbox.Inserted row : inserted) {
            byKey.put(key(row.integrationId(), row.dedupeKey()), row);
        }
        Set<UUID> notInserted = new HashSet<>();
        for (Store s : batch) {
            if (!byKey.containsKey(key(s.delivery().integrationId(), s.delivery().dedupeKey()))) {
                notInserted.add(s.delivery().integrationId());
            }
        }
        Set<UUID> live;
        try {
            live = notInserted.isEmpty() ? Set.of() : new HashSet<>(inbox.liveIntegrations(db.dsl(), notInserted));
        } catch (RuntimeException e) {
            // The inserted ones are committed; the rest are unknown: let Calendly retry them.
            circuit.failed(e);
            live = null;
            log.warn("Could not tell duplicates from disconnected integrations: {}", e.toString());
        }
        boolean anyPending = false;
        Set<String> answered = new HashSet<>();
        for (Store s : batch) {
            String key = key(s.delivery().integrationId(), s.delivery().dedupeKey());
            WebhookInbox.Inserted row = byKey.get(key);
            if (row != null && answered.add(key)) {
                anyPending |= row.pending();
                s.future().complete(new Result(Outcome.STORED, row.id(), row.pending()));
            } else if (row != null || (live != null && live.contains(s.delivery().integrationId()))) {
                s.future().complete(new Result(Outcome.DUPLICATE, null, false));
            } else if (live != null) {
                s.future().complete(new Result(Outcome.INTEGRATION_GONE, null, false));
            } else {
                s.future().completeExceptionally(new Overloaded("could not confirm the delivery"));
            }
        }
        lastDelivery.delivered(batch.stream().map(s -> s.delivery().integrationId()).toList());
        if (anyPending) {
            onPending.run();
        }
    }

    private static String key(UUID integrationId, String dedupeKey) {
        return integrationId + "\n" + dedupeKey;
    }
}
