package io.calbridge.sandbox.internal.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** A per-key sliding one-minute window on the sandbox clock. */
public final class RateLimiter {
    public record Verdict(boolean allowed, int limit, int remaining, long resetSeconds) {
    }

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private final Clock clock;
    private final Map<String, Deque<Instant>> hits = new HashMap<>();

    public RateLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Records a request for {@code key} unless that would exceed {@code limit} per minute. */
    public synchronized Verdict hit(String key, int limit) {
        Instant now = clock.instant();
        Deque<Instant> q = hits.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!q.isEmpty() && !q.peekFirst().isAfter(now.minus(WINDOW))) {
            q.pollFirst();
        }
        if (q.size() >= limit) {
            return new Verdict(false, limit, 0, reset(q, now));
        }
        q.addLast(now);
        return new Verdict(true, limit, limit - q.size(), reset(q, now));
    }

    /** The current state without recording a request. */
    public synchronized Verdict peek(String key, int limit) {
        Instant now = clock.instant();
        Deque<Instant> q = hits.getOrDefault(key, new ArrayDeque<>());
        long live = q.stream().filter(t -> t.isAfter(now.minus(WINDOW))).count();
        return new Verdict(live < limit, limit, (int) Math.max(0, limit - live), reset(q, now));
    }

    public synchronized void reset() {
        hits.clear();
    }

    private static long reset(Deque<Instant> q, Instant now) {
        if (q.isEmpty()) {
            return WINDOW.toSeconds();
        }
        long s = Duration.between(now, q.peekFirst().plus(WINDOW)).toSeconds();
        return Math.max(1, Math.min(WINDOW.toSeconds(), s + 1));
    }
}
