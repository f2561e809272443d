package io.calbridge.host.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Counts failed logins per account (email) and per client address and refuses further attempts
 * once either reaches its limit within the window, until the window that began with the first
 * counted failure is over. A refused attempt never checks the password, so guessing stops instead
 * of continuing behind the 429. A successful login clears the account's count, never the
 * address's (one valid account must not reset the address for guessing at others).
 *
 * <p>Counts live in this node's memory (bounded; the oldest entries go first): with several nodes
 * an attacker gets the limit once per node. Thread-safe.
 */
public final class LoginThrottle {
    /**
     * @param perAccount failures per email within {@code window}
     * @param perAddress failures per client address within {@code window} (higher: offices share addresses)
     * @param window     how long failures count
     */
    public record Limits(int perAccount, int perAddress, Duration window) {
        public Limits {
            if (perAccount < 1 || perAddress < 1) {
                throw new IllegalArgumentException("login limits must be positive: " + perAccount + ", " + perAddress);
            }
            if (window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("login throttle window must be positive: " + window);
            }
        }

        /** 5 failures per account and 20 per address in 15 minutes. */
        public static Limits defaults() {
            return new Limits(5, 20, Duration.ofMinutes(15));
        }
    }

    private record Window(Instant start, int failures) {
    }

    private final Clock clock;
    private final Limits limits;
    private final Cache<String, Window> windows;

    public LoginThrottle(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
        this.windows = Caffeine.newBuilder()
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfterWrite(limits.window())
                .maximumSize(100_000)
                .build();
    }

    /** How long the caller must wait before trying again, or empty when an attempt may go ahead. */
    public Optional<Duration> blockedFor(String email, String address) {
        Instant now = clock.instant();
        Duration account = remaining(accountKey(email), limits.perAccount(), now);
        Duration byAddress = remaining(addressKey(address), limits.perAddress(), now);
        Duration longest = account.compareTo(byAddress) >= 0 ? account : byAddress;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    public void recordFailure(String email, String address) {
        Instant now = clock.instant();
        count(accountKey(email), now);
        count(addressKey(address), now);
    }

    public void recordSuccess(String email) {
        windows.invalidate(accountKey(email));
    }

    private Duration remaining(String key, int limit, Instant now) {
        Window w = windows.getIfPresent(key);
        if (w == null || w.failures() < limit) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, w.start().plus(limits.window()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void count(String key, Instant now) {
        windows.asMap().compute(key, (k, w) -> w == null || !now.isBefore(w.start().plus(limits.window()))
                ? new Window(now, 1)
                : new Window(w.start(), w.failures() + 1));
    }

    private static String accountKey(String email) {
        return "account:" + (email == null ? "" : email.strip().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "address:" + (address == null ? "" : address);
    }
}
