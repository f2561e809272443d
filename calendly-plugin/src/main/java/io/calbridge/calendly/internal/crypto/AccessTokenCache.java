package io.calbridge.calendly.internal.crypto;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.calbridge.calendly.internal.common.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Decrypted Calendly access tokens by integration id, so that a webhook or API call does not read and
 * decrypt the token on every use. The only place outside a request where a plaintext secret is kept.
 *
 * <p>An entry never outlives its token: it expires at the token's own expiry instant (Caffeine
 * {@link Expiry}), and {@link #get} also refuses an entry the clock says is expired or about to.
 * Bounded in size; least-recently-used entries go first. Callers must {@link #invalidate} when a
 * token is refreshed or the integration disconnected; the keyring clears a tenant's entries when its
 * data key is rotated or destroyed. Entries are per node: another node's refresh is seen here only
 * through {@code put} or expiry, so store the refreshed token with {@code put} on the node that
 * refreshed and compare token versions in the database where it matters.
 *
 * <p>Other nodes' changes that must be seen at once (a disconnect, a forgotten tenant) arrive as
 * invalidations ({@code CacheInvalidation}). While this node cannot be sure to hear them, the cache
 * answers nothing ({@code trusted} is false), so every caller reads the database. A load that raced
 * with an invalidation does not put its now-stale result back: see {@link #epoch()}.
 *
 * <p>Thread-safe. Statistics are recorded ({@link #stats()}); contents are never logged.
 */
public final class AccessTokenCache {
    /** A token and how long this cache keeps it (its expiry, or a while for a token that has none). */
    private record Entry(CachedToken token, Instant until) {
    }

    private final Cache<UUID, Entry> cache;
    private final Clock clock;
    private final BooleanSupplier trusted;
    private final AtomicLong epoch = new AtomicLong();

    AccessTokenCache(int maximumSize, Clock clock) {
        this(maximumSize, clock, () -> true);
    }

    AccessTokenCache(int maximumSize, Clock clock, BooleanSupplier trusted) {
        this.clock = clock;
        this.trusted = trusted;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(new UntilTokenExpiry(clock))
                // Caffeine measures expiry on the same clock as the token's expiry instant.
                .ticker(TenantKeyring.ticker(clock))
                .recordStats()
                .build();
    }

    /** The token of {@code integrationId} if cached and not yet expired. */
    public Optional<CachedToken> get(UUID integrationId) {
        return get(integrationId, Duration.ZERO);
    }

    /**
     * The token of {@code integrationId} if cached and still valid for at least {@code minRemaining}
     * (the refresh margin): a token about to expire is treated as absent, so the caller refreshes it.
     */
    public Optional<CachedToken> get(UUID integrationId, Duration minRemaining) {
        if (!trusted.getAsBoolean()) {
            return Optional.empty();
        }
        Entry entry = cache.getIfPresent(integrationId);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().plus(minRemaining).isBefore(entry.until())) {
            return Optional.empty();
        }
        return Optional.of(entry.token());
    }

    /**
     * Counts invalidations. Read it before loading a token from the database and pass it to
     * {@link #put(UUID, CachedToken, Instant, long)}: if anything was invalidated meanwhile, the
     * loaded token may be stale and is not cached.
     */
    public long epoch() {
        return epoch.get();
    }

    /**
     * Caches {@code token} until {@code until} (its expiry, or a while for a token without one), unless
     * anything was invalidated since {@code epochBefore}; a token already past {@code until} is not cached.
     */
    public void put(UUID integrationId, CachedToken token, Instant until, long epochBefore) {
        synchronized (epoch) {
            if (epoch.get() == epochBefore) {
                put(integrationId, token, until);
            }
        }
    }

    /** Caches a freshly obtained or decrypted token that expires at {@code expiresAt}. */
    public void put(String tenantId, UUID integrationId, Secret accessToken, Instant expiresAt) {
        put(integrationId, new CachedToken(tenantId, accessToken, expiresAt, null, 0), expiresAt);
    }

    private void put(UUID integrationId, CachedToken token, Instant until) {
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(token.tenantId(), "tenantId");
        Objects.requireNonNull(token.token(), "token");
        Objects.requireNonNull(until, "until");
        if (!until.isAfter(clock.instant())) {
            cache.invalidate(integrationId);
            return;
        }
        cache.put(integrationId, new Entry(token, until));
    }

    /** Forgets the token of one integration (after a refresh, a failed call with 401, or a disconnect). */
    public void invalidate(UUID integrationId) {
        synchronized (epoch) {
            epoch.incrementAndGet();
            cache.invalidate(integrationId);
        }
    }

    /** Forgets every token of a tenant. */
    public void invalidateTenant(String tenantId) {
        synchronized (epoch) {
            epoch.incrementAndGet();
            cache.asMap().values().removeIf(entry -> entry.token().tenantId().equals(tenantId));
        }
    }

    public void invalidateAll() {
        synchronized (epoch) {
            epoch.incrementAndGet();
            cache.invalidateAll();
        }
    }

    /** Hit and miss counts since start; a point-in-time snapshot. */
    public CacheStats stats() {
        return cache.stats();
    }

    /** Approximate number of cached tokens, after pending expirations are applied. */
    public long estimatedSize() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    void bindTo(MeterRegistry registry, String name) {
        CaffeineCacheMetrics.monitor(registry, cache, name);
    }

    /** Expire each entry at its token's expiry instant, measured on the injected clock. */
    private static final class UntilTokenExpiry implements Expiry<UUID, Entry> {
        private final Clock clock;

        UntilTokenExpiry(Clock clock) {
            this.clock = clock;
        }

        @Override
        public long expireAfterCreate(UUID key, Entry entry, long currentTime) {
            return nanosUntil(entry.until());
        }

        @Override
        public long expireAfterUpdate(UUID key, Entry entry, long currentTime, long currentDuration) {
            return nanosUntil(entry.until());
        }

        @Override
        public long expireAfterRead(UUID key, Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private long nanosUntil(Instant expiresAt) {
            Duration left = Duration.between(clock.instant(), expiresAt);
            if (left.isNegative()) {
                return 0;
            }
            try {
                return left.toNanos();
            } catch (ArithmeticException far) {
                return Long.MAX_VALUE;
            }
        }
    }
}
