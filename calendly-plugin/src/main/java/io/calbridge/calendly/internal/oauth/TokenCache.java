package io.calbridge.calendly.internal.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * Decrypted access tokens of this node, so the hot path touches neither PostgreSQL nor the
 * keyring. An entry never outlives its token. Contents are never logged.
 */
final class TokenCache {
    private final Cache<UUID, CachedToken> cache;

    TokenCache(Clock clock) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfter(new Expiry<UUID, CachedToken>() {
                    @Override
                    public long expireAfterCreate(UUID key, CachedToken value, long currentTime) {
                        if (value.expiresAt() == null) {
                            return Duration.ofHours(1).toNanos(); // personal tokens: re-read now and then
                        }
                        Duration left = Duration.between(clock.instant(), value.expiresAt());
                        return left.isNegative() ? 0 : left.toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(UUID key, CachedToken value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(UUID key, CachedToken value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    CachedToken get(UUID integrationId) {
        return cache.getIfPresent(integrationId);
    }

    void put(UUID integrationId, CachedToken token) {
        cache.put(integrationId, token);
    }

    void invalidate(UUID integrationId) {
        cache.invalidate(integrationId);
    }
}
