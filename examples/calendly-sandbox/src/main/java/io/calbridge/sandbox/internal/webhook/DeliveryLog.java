package io.calbridge.sandbox.internal.webhook;

import io.calbridge.sandbox.DeliveryAttempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Every delivery attempt, in the order they finished, with waiting helpers for tests. */
public final class DeliveryLog {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<DeliveryAttempt> attempts = new ArrayList<>();
    private int pending;

    public void record(DeliveryAttempt a) {
        lock.lock();
        try {
            attempts.add(a);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void pending(int delta) {
        lock.lock();
        try {
            pending += delta;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    public List<DeliveryAttempt> all() {
        lock.lock();
        try {
            return List.copyOf(attempts);
        } finally {
            lock.unlock();
        }
    }

    public void clear() {
        lock.lock();
        try {
            attempts.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code n} attempts match, and returns all matching attempts.
     *
     * @throws IllegalStateException on timeout, listing what was seen
     */
    public List<DeliveryAttempt> await(Predicate<DeliveryAttempt> match, int n, Duration timeout, String what) {
        return waitFor(timeout, () -> {
            List<DeliveryAttempt> found = attempts.stream().filter(match).toList();
            return found.size() >= n ? found : null;
        }, () -> "waiting for " + n + " " + what + "; saw " + attempts.stream().filter(match).count()
                + " (pending " + pending + "), all attempts: " + attempts);
    }

    /** Waits until no delivery is queued, in flight or scheduled for retry. */
    public void awaitIdle(Duration timeout) {
        waitFor(timeout, () -> pending > 0 ? null : Boolean.TRUE, () -> "with " + pending + " deliveries still pending");
    }

    /** Waits, under the lock, until {@code ready} answers non-null; {@code timedOut} says what was awaited. */
    private <T> T waitFor(Duration timeout, Supplier<T> ready, Supplier<String> timedOut) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                T result = ready.get();
                if (result != null) {
                    return result;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("timed out after " + timeout + " " + timedOut.get());
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for deliveries", e);
        } finally {
            lock.unlock();
        }
    }
}
