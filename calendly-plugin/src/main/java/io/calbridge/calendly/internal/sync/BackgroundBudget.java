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
        if (perMinute <= 0) {
            return;
        }
        Deque<Long> times = sent.computeIfAbsent(key == null ? "" : key, k -> new ArrayDeque<>());
        while (true) {
            long wait;
            synchronized (times) {
                long now = clock.millis();
                while (!times.isEmpty() && times.peekFirst() <= now - WINDOW.toMillis()) {
                    times.pollFirst();
                }
                if (times.size() < perMinute) {
                    times.addLast(now);
                    return;
                }
                wait = times.peekFirst() + WINDOW.toMillis() - now;
            }
            Thread.sleep(Math.max(1, Math.min(wait, 1000)));
        }
    }
}
