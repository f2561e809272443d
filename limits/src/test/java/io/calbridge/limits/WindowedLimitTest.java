package io.calbridge.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WindowedLimitTest {
    private final TestClock clock = TestClock.fixed(Instant.parse("2026-03-01T10:00:00Z"));
    private final WindowedLimit limit = new WindowedLimit(3, Duration.ofMinutes(1), 1000, clock);

    @Test
    void eventsWithinTheLimit_areAcquired_theNextIsNot() {
        assertTrue(limit.tryAcquire("k"));
        assertTrue(limit.tryAcquire("k"));
        assertTrue(limit.tryAcquire("k"));

        assertFalse(limit.tryAcquire("k"));
        assertTrue(limit.tryAcquire("other"), "keys count apart");
    }

    @Test
    void theWindowStartsWithTheFirstEvent_andANewOneAfterIt() {
        limit.record("k");
        clock.advance(Duration.ofSeconds(50));
        limit.record("k");
        limit.record("k");

        assertEquals(Optional.of(Duration.ofSeconds(10)), limit.blockedFor("k"));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Optional.empty(), limit.blockedFor("k"));
        assertTrue(limit.tryAcquire("k"));
    }

    @Test
    void reset_forgetsTheKey() {
        limit.record("k");
        limit.record("k");
        limit.record("k");

        limit.reset("k");

        assertEquals(Optional.empty(), limit.blockedFor("k"));
    }

    @Test
    void keys_areBounded() {
        WindowedLimit small = new WindowedLimit(1, Duration.ofHours(1), 100, clock);
        for (int i = 0; i < 100_000; i++) {
            small.record("key-" + i);
        }

        int blocked = 0;
        for (int i = 0; i < 100_000; i++) {
            blocked += small.blockedFor("key-" + i).isPresent() ? 1 : 0;
        }
        assertTrue(blocked <= 200, "at most about maxKeys keys are remembered: " + blocked);
    }

    @Test
    void impossibleSettings_areRefusedNamingTheValue() {
        assertEquals("limit must be at least 1: 0", assertThrows(IllegalArgumentException.class,
                () -> new WindowedLimit(0, Duration.ofMinutes(1), 10, clock)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WindowedLimit(1, Duration.ZERO, 10, clock));
        assertThrows(IllegalArgumentException.class, () -> new WindowedLimit(1, Duration.ofMinutes(1), 0, clock));
    }
}
