package io.calbridge.host.security;

import io.calbridge.limits.WindowedLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Counts failed logins per account (email) and per client address and refuses further attempts
 * once either reaches its limit within the window, until the window that began with the first
 * counted failure is over. A refused attempt never checks the password, so guessing stops instead
 * of continuing behind the 429. A successful login clears the account's count, never the
 * address's (one valid account must not reset the address for guessing at others).
 *
 * <p>Counts live in this node's memory, in {@link WindowedLimit}s (bounded, expiring; the same
 * mechanism as the plugin's webhook rejection log): with several nodes an attacker gets the limit once
 * per node. Thread-safe.
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

    /** Keys remembered per kind (accounts, addresses); the least useful are forgotten first. */
    private static final int MAX_KEYS = 100_000;

    private final WindowedLimit accounts;
    private final WindowedLimit addresses;

    public LoginThrottle(Clock clock, Limits limits) {
        this.accounts = new WindowedLimit(limits.perAccount(), limits.window(), MAX_KEYS, clock);
        this.addresses = new WindowedLimit(limits.perAddress(), limits.window(), MAX_KEYS, clock);
    }

    /** How long the caller must wait before trying again, or empty when an attempt may go ahead. */
    public Optional<Duration> blockedFor(String email, String address) {
        Duration account = accounts.blockedFor(accountKey(email)).orElse(Duration.ZERO);
        Duration byAddress = addresses.blockedFor(addressKey(address)).orElse(Duration.ZERO);
        Duration longest = account.compareTo(byAddress) >= 0 ? account : byAddress;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    public void recordFailure(String email, String address) {
        accounts.record(accountKey(email));
        addresses.record(addressKey(address));
    }

    public void recordSuccess(String email) {
        accounts.reset(accountKey(email));
    }

    private static String accountKey(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }

    private static String addressKey(String address) {
        return address == null ? "" : address;
    }
}
