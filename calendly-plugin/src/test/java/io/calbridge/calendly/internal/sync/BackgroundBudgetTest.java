package io.calbridge.calendly.internal.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The background budget as a person's refresh uses it: a request fits now or is refused at once
 * (never waited for), per Calendly user, and counts against the same minute as the jobs' requests.
 */
class BackgroundBudgetTest {
    @Test
    void tryAcquireNeverWaits_andSharesTheMinuteWithTheJobs() throws InterruptedException {
        TestClock clock = TestClock.fixed(Instant.parse("2026-12-06T12:00:00Z"));
        BackgroundBudget budget = new BackgroundBudget(3, clock);
        budget.acquire("user-a");                      // a job's request
        assertTrue(budget.tryAcquire("user-a"));
        assertTrue(budget.tryAcquire("user-a"));
        assertFalse(budget.tryAcquire("user-a"), "the minute's three are taken: refused, not waited for");
        assertTrue(budget.tryAcquire("user-b"), "another Calendly user has its own budget");
        clock.advance(Duration.ofSeconds(59));
        assertFalse(budget.tryAcquire("user-a"));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(budget.tryAcquire("user-a"), "a minute later there is room again");
    }

    @Test
    void noBudgetMeansUnbounded() {
        BackgroundBudget budget = new BackgroundBudget(0, TestClock.fixed(Instant.EPOCH));
        for (int i = 0; i < 1000; i++) {
            assertTrue(budget.tryAcquire("user-a"));
        }
    }
}
