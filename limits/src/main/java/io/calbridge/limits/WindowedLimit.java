package io.calbridge.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Counts events per key in fixed windows and says when a key has reached its limit. A key's window
 * starts with its first counted event and lasts {@code window}; the next event after that starts a new
 * one. Memory is bounded: at most {@code maxKeys} keys are tracked (Caffeine evicts the least useful
 * first, which can only let a key start over, never block one wrongly), and a key is forgotten once its
 * window is over.
 *
 * <pre>{@code
 * var perIntegration = new WindowedLimit(60, Duration.ofMinutes(1), 10_000, Clock.systemUTC());
 * if (perIntegration.tryAcquire(integrationId.toString())) { record(rejection); }
 * }</pre>
 *
 * <p>Thread-safe; counting one event for a key is atomic. Counts live in this JVM only: with several
 * nodes a key gets the limit once per node.
 */
public final class WindowedLimit {
    private record Window(Instant start, int events) {
    }

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Window> windows;

    /**
     * @param limit   events a key may have within one window, at least 1
     * @param window  how long a window lasts, positive
     * @param maxKeys keys tracked at once, at least 1
     * @param clock   time source (the window's start and expiry)
     * @throws IllegalArgumentException when a number is out of range
     */
    public WindowedLimit(int limit, Duration window, long maxKeys, Clock clock) {
        requireAtLeastOne("limit", limit);
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        requireAtLeastOne("maxKeys", maxKeys);
        this.limit = limit;
        this.window = window;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windows = Caffeine.newBuilder()
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfterWrite(window)
                .maximumSize(maxKeys)
                .build();
    }

    private static void requireAtLeastOne(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }

    /**
     * Counts one event for {@code key}.
     *
     * @return true while the key's count in its current window is within the limit (this event included)
     */
    public boolean tryAcquire(String key) {
        return count(key).events() <= limit;
    }

    /** Counts one event for {@code key}, whatever its count. */
    public void record(String key) {
        count(key);
    }

    /**
     * @return how long until the key's window is over when the key has reached the limit; empty when
     *         another event would still be within it
     */
    public Optional<Duration> blockedFor(String key) {
        Window w = windows.getIfPresent(key);
        if (w == null || w.events() < limit) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), w.start().plus(window));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** Forgets the key's count (a success that should clear earlier failures). */
    public void reset(String key) {
        windows.invalidate(key);
    }

    private Window count(String key) {
        Instant now = clock.instant();
        return windows.asMap().compute(key, (k, w) -> w == null || !now.isBefore(w.start().plus(window))
                ? new Window(now, 1)
                : new Window(w.start(), w.events() + 1));
    }
}
