package io.calbridge.sandbox.internal.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Switches that make the sandbox misbehave on purpose. Thread-safe. */
public final class FaultState {
    private static final class ApiFault {
        int remaining;
        final int status;
        final String prefix;

        ApiFault(int remaining, int status, String prefix) {
            this.remaining = remaining;
            this.status = status;
            this.prefix = prefix;
        }
    }

    private final List<ApiFault> apiFaults = new ArrayList<>();
    public final AtomicInteger dropNext = new AtomicInteger();
    public final AtomicInteger duplicateNext = new AtomicInteger();
    public final AtomicInteger reorderNextReschedules = new AtomicInteger();
    public final AtomicBoolean breakSignatures = new AtomicBoolean();
    private int delayNext;
    private Duration delay = Duration.ZERO;

    /**
     * Queues {@code n} failures with {@code status} for requests whose path starts with {@code prefix};
     * a {@code null} prefix means every API path (not /oauth, not /_sandbox).
     */
    public synchronized void failNext(int n, int status, String prefix) {
        apiFaults.add(new ApiFault(n, status, prefix));
    }

    /** The status to answer {@code path} with instead of serving it, or 0. Consumes one failure. */
    public synchronized int takeApiFault(String path, boolean isAuthServerPath) {
        Iterator<ApiFault> it = apiFaults.iterator();
        while (it.hasNext()) {
            ApiFault f = it.next();
            boolean matches = f.prefix == null ? !isAuthServerPath : path.startsWith(f.prefix);
            if (matches) {
                f.remaining--;
                if (f.remaining <= 0) {
                    it.remove();
                }
                return f.status;
            }
        }
        return 0;
    }

    public synchronized void delayNext(int n, Duration d) {
        delayNext = n;
        delay = d;
    }

    /** The delay for the next delivery (consumed), or zero. */
    public synchronized Duration takeDelay() {
        if (delayNext > 0) {
            delayNext--;
            return delay;
        }
        return Duration.ZERO;
    }

    public static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
    }

    public synchronized void clear() {
        apiFaults.clear();
        dropNext.set(0);
        duplicateNext.set(0);
        reorderNextReschedules.set(0);
        breakSignatures.set(false);
        delayNext = 0;
        delay = Duration.ZERO;
    }
}
