package io.calbridge.calendly.internal.crypto;

import io.calbridge.testing.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessTokenCacheTest {
    private final TestClock clock = TestClock.fixed(Instant.parse("2025-03-01T10:00:00Z"));
    private final AccessTokenCache cache = new AccessTokenCache(100, clock);

    @Test
    void cachedToken_isServedUntilItsOwnExpiry() {
        UUID integration = UUID.randomUUID();
        cache.put("t1", integration, Secret.of("token"), clock.instant().plus(Duration.ofMinutes(10)));

        clock.advance(Duration.ofMinutes(9));
        assertEquals("token", cache.get(integration).orElseThrow().token().reveal());

        clock.advance(Duration.ofMinutes(1));
        assertTrue(cache.get(integration).isEmpty());
        assertEquals(0, cache.estimatedSize(), "the entry itself expired, not just the check in get");
    }

    @Test
    void entriesExpireEachAtTheirOwnInstant() {
        UUID shortLived = UUID.randomUUID();
        UUID longLived = UUID.randomUUID();
        cache.put("t1", longLived, Secret.of("long"), clock.instant().plus(Duration.ofHours(2)));
        cache.put("t1", shortLived, Secret.of("short"), clock.instant().plus(Duration.ofMinutes(1)));

        clock.advance(Duration.ofMinutes(5));

        assertTrue(cache.get(shortLived).isEmpty());
        assertEquals("long", cache.get(longLived).orElseThrow().token().reveal());
        assertEquals(1, cache.estimatedSize());
    }

    @Test
    void tokenWithinTheRefreshMargin_isTreatedAsAbsent() {
        UUID integration = UUID.randomUUID();
        cache.put("t1", integration, Secret.of("token"), clock.instant().plus(Duration.ofMinutes(4)));

        assertTrue(cache.get(integration, Duration.ofMinutes(5)).isEmpty());
        assertTrue(cache.get(integration, Duration.ofMinutes(3)).isPresent());
    }

    @Test
    void alreadyExpiredToken_isNotCachedAndReplacesNothingStale() {
        UUID integration = UUID.randomUUID();
        cache.put("t1", integration, Secret.of("old"), clock.instant().plus(Duration.ofMinutes(30)));

        cache.put("t1", integration, Secret.of("dead"), clock.instant().minusSeconds(1));

        assertTrue(cache.get(integration).isEmpty());
    }

    @Test
    void refreshedToken_replacesTheOldOne() {
        UUID integration = UUID.randomUUID();
        cache.put("t1", integration, Secret.of("old"), clock.instant().plus(Duration.ofMinutes(5)));

        cache.put("t1", integration, Secret.of("new"), clock.instant().plus(Duration.ofHours(2)));
        clock.advance(Duration.ofMinutes(10));

        assertEquals("new", cache.get(integration).orElseThrow().token().reveal());
    }

    @Test
    void invalidate_forgetsOneIntegration_andInvalidateTenant_forgetsAllOfTheTenant() {
        UUID a1 = UUID.randomUUID();
        UUID a2 = UUID.randomUUID();
        UUID b1 = UUID.randomUUID();
        Instant expiry = clock.instant().plus(Duration.ofHours(1));
        cache.put("a", a1, Secret.of("a1"), expiry);
        cache.put("a", a2, Secret.of("a2"), expiry);
        cache.put("b", b1, Secret.of("b1"), expiry);

        cache.invalidate(a1);
        assertTrue(cache.get(a1).isEmpty());
        assertTrue(cache.get(a2).isPresent());

        cache.invalidateTenant("a");
        assertTrue(cache.get(a2).isEmpty());
        assertTrue(cache.get(b1).isPresent());
    }

    @Test
    void statistics_countHitsAndMisses() {
        UUID integration = UUID.randomUUID();
        cache.get(integration);
        cache.put("t1", integration, Secret.of("token"), clock.instant().plus(Duration.ofHours(1)));
        cache.get(integration);
        cache.get(integration);

        assertEquals(2, cache.stats().hitCount());
        assertEquals(1, cache.stats().missCount());
    }

    @Test
    void cachedTokenPrintsNoSecret() {
        UUID integration = UUID.randomUUID();
        cache.put("t1", integration, Secret.of("super-secret-token"), clock.instant().plus(Duration.ofHours(1)));

        String printed = cache.get(integration).orElseThrow().toString();

        assertFalse(printed.contains("super-secret-token"), printed);
        assertTrue(printed.contains("***"), printed);
    }

    @Test
    void whileThisNodeMayMissOtherNodesChanges_theCacheAnswersNothing() {
        java.util.concurrent.atomic.AtomicBoolean hearing = new java.util.concurrent.atomic.AtomicBoolean(false);
        AccessTokenCache guarded = new AccessTokenCache(100, clock, hearing::get);
        UUID integration = UUID.randomUUID();
        guarded.put("t1", integration, Secret.of("token"), clock.instant().plus(Duration.ofHours(1)));

        assertTrue(guarded.get(integration).isEmpty(), "not trusted: every caller reads the database");
        hearing.set(true);
        assertTrue(guarded.get(integration).isPresent());
    }

    @Test
    void aLoadThatRacedAnInvalidation_isNotCached() {
        UUID integration = UUID.randomUUID();
        long before = cache.epoch();
        cache.invalidateTenant("t1"); // another node's disconnect arrives while the token is being loaded

        cache.put(integration, new CachedToken("t1", Secret.of("stale"), clock.instant().plus(Duration.ofHours(1)), null, 0),
                clock.instant().plus(Duration.ofHours(1)), before);

        assertTrue(cache.get(integration).isEmpty());
        cache.put(integration, new CachedToken("t1", Secret.of("fresh"), clock.instant().plus(Duration.ofHours(1)), null, 0),
                clock.instant().plus(Duration.ofHours(1)), cache.epoch());
        assertEquals("fresh", cache.get(integration).orElseThrow().token().reveal());
    }
}
