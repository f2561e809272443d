package io.calbridge.sandbox.internal.webhook;

import io.calbridge.sandbox.DeliveryAttempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

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
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                List<DeliveryAttempt> found = attempts.stream().filter(match).toList();
                if (found.size() >= n) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("timed out after " + timeout + " waiting for " + n + " " + what
                            + "; saw " + found.size() + " (pending " + pending + "), all attempts: " + attempts);
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

    /** Waits until no delivery is queued, in flight or scheduled for retry. */
    public void awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("timed out after " + timeout + " with " + pending
                            + " deliveries still pending");
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
