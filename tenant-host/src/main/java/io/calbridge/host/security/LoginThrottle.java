package io.calbridge.host.security;

import static io.calbridge.db.host.Tables.HOST_LOGIN_FAILURE;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Counts failed logins per account (email) and per client address and refuses further attempts
 * once either reaches its limit within the window, until the window that began with the first
 * counted failure is over. A refused attempt never checks the password, so guessing stops instead
 * of continuing behind the 429. A successful login clears the account's count, never the
 * address's (one valid account must not reset the address for guessing at others).
 *
 * <p>Counts live in PostgreSQL ({@code host_login_failure}), shared by every node: behind a load
 * balancer without sticky sessions an attacker gets the limit once, not once per node. Each count is
 * one atomic upsert; keys are SHA-256 hashes of the normalized email or address, and rows whose
 * window is over are deleted as failures come in, so the table stays as small as the current
 * attacks. Times come from the {@link Clock}. Thread-safe.
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

    private static final String ACCOUNT = "A";
    private static final String ADDRESS = "N";

    private final DSLContext dsl;
    private final Clock clock;
    private final Limits limits;

    public LoginThrottle(DSLContext dsl, Clock clock, Limits limits) {
        this.dsl = Objects.requireNonNull(dsl, "dsl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** How long the caller must wait before trying again, or empty when an attempt may go ahead. */
    public Optional<Duration> blockedFor(String email, String address) {
        OffsetDateTime now = now();
        byte[] account = hash(accountKey(email));
        byte[] byAddress = hash(addressKey(address));
        Duration longest = Duration.ZERO;
        var rows = dsl.select(HOST_LOGIN_FAILURE.KIND, HOST_LOGIN_FAILURE.FAILURES, HOST_LOGIN_FAILURE.WINDOW_START)
                .from(HOST_LOGIN_FAILURE)
                .where(HOST_LOGIN_FAILURE.KIND.eq(ACCOUNT).and(HOST_LOGIN_FAILURE.KEY_HASH.eq(account))
                        .or(HOST_LOGIN_FAILURE.KIND.eq(ADDRESS).and(HOST_LOGIN_FAILURE.KEY_HASH.eq(byAddress))))
                .and(HOST_LOGIN_FAILURE.WINDOW_START.gt(now.minus(limits.window())))
                .fetch();
        for (var r : rows) {
            int limit = ACCOUNT.equals(r.value1()) ? limits.perAccount() : limits.perAddress();
            if (r.value2() >= limit) {
                Duration left = Duration.between(now, r.value3().plus(limits.window()));
                if (left.compareTo(longest) > 0) {
                    longest = left;
                }
            }
        }
        return longest.isZero() || longest.isNegative() ? Optional.empty() : Optional.of(longest);
    }

    public void recordFailure(String email, String address) {
        OffsetDateTime now = now();
        OffsetDateTime windowOver = now.minus(limits.window());
        dsl.transaction(c -> {
            DSLContext tx = c.dsl();
            count(tx, ACCOUNT, hash(accountKey(email)), now, windowOver);
            count(tx, ADDRESS, hash(addressKey(address)), now, windowOver);
            tx.deleteFrom(HOST_LOGIN_FAILURE).where(HOST_LOGIN_FAILURE.WINDOW_START.le(windowOver)).execute();
        });
    }

    public void recordSuccess(String email) {
        dsl.deleteFrom(HOST_LOGIN_FAILURE)
                .where(HOST_LOGIN_FAILURE.KIND.eq(ACCOUNT))
                .and(HOST_LOGIN_FAILURE.KEY_HASH.eq(hash(accountKey(email))))
                .execute();
    }

    /** One more failure for the key: a new window when there is none or the last one is over. */
    private static void count(DSLContext tx, String kind, byte[] key, OffsetDateTime now, OffsetDateTime windowOver) {
        var expired = HOST_LOGIN_FAILURE.WINDOW_START.le(windowOver);
        tx.insertInto(HOST_LOGIN_FAILURE)
                .set(HOST_LOGIN_FAILURE.KIND, kind)
                .set(HOST_LOGIN_FAILURE.KEY_HASH, key)
                .set(HOST_LOGIN_FAILURE.FAILURES, 1)
                .set(HOST_LOGIN_FAILURE.WINDOW_START, now)
                .onConflict(HOST_LOGIN_FAILURE.KIND, HOST_LOGIN_FAILURE.KEY_HASH)
                .doUpdate()
                .set(HOST_LOGIN_FAILURE.FAILURES,
                        DSL.when(expired, DSL.inline(1)).otherwise(HOST_LOGIN_FAILURE.FAILURES.plus(1)))
                .set(HOST_LOGIN_FAILURE.WINDOW_START,
                        DSL.when(expired, DSL.val(now)).otherwise(HOST_LOGIN_FAILURE.WINDOW_START))
                .execute();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static String accountKey(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }

    private static String addressKey(String address) {
        return address == null ? "" : address;
    }

    private static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
