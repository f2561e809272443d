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
    /** A cached token. Prints its secret as {@code ***}. */
    public record CachedToken(String tenantId, Secret accessToken, Instant expiresAt) {
    }

    private final Cache<UUID, CachedToken> cache;
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
                .ticker(() -> {
                    Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
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
        CachedToken token = cache.getIfPresent(integrationId);
        if (token == null) {
            return Optional.empty();
        }
        if (!clock.instant().plus(minRemaining).isBefore(token.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(token);
    }

    /**
     * Counts invalidations. Read it before loading a token from the database and pass it to
     * {@link #put(String, UUID, Secret, Instant, long)}: if anything was invalidated meanwhile, the
     * loaded token may be stale and is not cached.
     */
    public long epoch() {
        return epoch.get();
    }

    /** As {@link #put(String, UUID, Secret, Instant)}, unless anything was invalidated since {@code epochBefore}. */
    public void put(String tenantId, UUID integrationId, Secret accessToken, Instant expiresAt, long epochBefore) {
        synchronized (epoch) {
            if (epoch.get() == epochBefore) {
                put(tenantId, integrationId, accessToken, expiresAt);
            }
        }
    }

    /** Caches a freshly obtained or decrypted token until {@code expiresAt}; an expired one is not cached. */
    public void put(String tenantId, UUID integrationId, Secret accessToken, Instant expiresAt) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(clock.instant())) {
            cache.invalidate(integrationId);
            return;
        }
        cache.put(integrationId, new CachedToken(tenantId, accessToken, expiresAt));
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
            cache.asMap().values().removeIf(token -> token.tenantId().equals(tenantId));
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
    private static final class UntilTokenExpiry implements Expiry<UUID, CachedToken> {
        private final Clock clock;

        UntilTokenExpiry(Clock clock) {
            this.clock = clock;
        }

        @Override
        public long expireAfterCreate(UUID key, CachedToken token, long currentTime) {
            return nanosUntil(token.expiresAt());
        }

        @Override
        public long expireAfterUpdate(UUID key, CachedToken token, long currentTime, long currentDuration) {
            return nanosUntil(token.expiresAt());
        }

        @Override
        public long expireAfterRead(UUID key, CachedToken token, long currentTime, long currentDuration) {
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
