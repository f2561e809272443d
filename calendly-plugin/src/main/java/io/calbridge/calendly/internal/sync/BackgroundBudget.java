package io.calbridge.calendly.internal.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's share of Calendly's rate limit for background work. Calendly counts requests per
 * user (500 a minute on paid plans); imports, backfills and sweeps of one Calendly user together
 * make at most {@code perMinute} requests in any minute, so the rest stays for live work (token
 * refreshes, subscription checks, the settings pages), which never waits here. A 429 that comes
 * anyway pauses the background job that got it ({@link SyncRunner}), never a user's request.
 */
final class BackgroundBudget {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Deque<Long>> sent = new ConcurrentHashMap<>();

    BackgroundBudget(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Waits until one more background request for {@code key} (a Calendly user) fits the budget. */
    void acquire(String key) throws InterruptedException {
        long wait;
        while ((wait = take(key)) > 0) {
            Thread.sleep(Math.min(wait, 1000));
        }
    }

    /** One more request for {@code key} if it fits the budget now; false (and nothing taken) if not. */
    boolean tryAcquire(String key) {
        return take(key) == 0;
    }

    /** Takes one request and answers 0, or answers how many milliseconds until one fits. */
    private long take(String key) {
        if (perMinute <= 0) {
            return 0;
        }
        Deque<Long> times = sent.computeIfAbsent(key == null ? "" : key, k -> new ArrayDeque<>());
        synchronized (times) {
            long now = clock.millis();
            while (!times.isEmpty() && times.peekFirst() <= now - WINDOW.toMillis()) {
                times.pollFirst();
            }
            if (times.size() < perMinute) {
                times.addLast(now);
                return 0;
            }
            return Math.max(1, times.peekFirst() + WINDOW.toMillis() - now);
        }
    }
}
