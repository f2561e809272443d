package io.calbridge.host.security;

import io.calbridge.testing.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.HostDsl;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LoginThrottleTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    private static final LoginThrottle.Limits LIMITS = new LoginThrottle.Limits(5, 20, Duration.ofMinutes(15));

    private final TestClock clock = TestClock.fixed(Instant.parse("2026-03-01T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(HostDsl.using(db.dataSource()), clock, LIMITS);

    @BeforeEach
    void noFailuresYet() {
        HostDsl.using(db.dataSource()).deleteFrom(io.calbridge.db.host.Tables.HOST_LOGIN_FAILURE).execute();
    }

    @Test
    void failuresCountedOnOneNode_blockOnAnother() {
        LoginThrottle otherNode = new LoginThrottle(HostDsl.using(db.dataSource()), clock, LIMITS);
        fail("a@x.test", "10.0.0.1", 3);
        otherNode.recordFailure("a@x.test", "10.0.0.7");
        otherNode.recordFailure("a@x.test", "10.0.0.8");

        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.blockedFor("a@x.test", "10.0.0.9"));
        assertEquals(Optional.of(Duration.ofMinutes(15)), otherNode.blockedFor("a@x.test", "10.0.0.9"));
    }

    @Test
    void storesNoEmailOrAddressInTheClear() {
        fail("secret-person@x.test", "203.0.113.9", 1);

        String rows = HostDsl.using(db.dataSource()).selectFrom(io.calbridge.db.host.Tables.HOST_LOGIN_FAILURE).fetch()
                .formatCSV();
        assertTrue(!rows.contains("secret-person") && !rows.contains("203.0.113.9"), rows);
    }

    @Test
    void fourFailures_stillAllowed() {
        fail("a@x.test", "10.0.0.1", 4);

        assertEquals(Optional.empty(), throttle.blockedFor("a@x.test", "10.0.0.1"));
    }

    @Test
    void fifthFailure_blocksTheAccountUntilTheWindowEnds() {
        fail("a@x.test", "10.0.0.1", 1);
        clock.advance(Duration.ofMinutes(5));
        fail("a@x.test", "10.0.0.1", 4);

        assertEquals(Optional.of(Duration.ofMinutes(10)), throttle.blockedFor("a@x.test", "10.0.0.2"));
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.blockedFor("a@x.test", "10.0.0.2"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), throttle.blockedFor("a@x.test", "10.0.0.2"));
    }

    @Test
    void accountKey_ignoresCaseAndSpaces() {
        fail(" A@X.test ", "10.0.0.1", 5);

        assertTrue(throttle.blockedFor("a@x.test", "10.0.0.9").isPresent());
    }

    @Test
    void otherAccounts_areNotBlockedByOneAccountsFailures() {
        fail("a@x.test", "10.0.0.1", 5);

        assertEquals(Optional.empty(), throttle.blockedFor("b@x.test", "10.0.0.1"));
    }

    @Test
    void success_clearsTheAccountButNotTheAddress() {
        fail("a@x.test", "10.0.0.1", 4);
        throttle.recordSuccess("a@x.test");
        fail("a@x.test", "10.0.0.1", 4);

        assertEquals(Optional.empty(), throttle.blockedFor("a@x.test", "10.0.0.1"));
        for (int i = 0; i < 12; i++) {
            throttle.recordFailure("other" + i + "@x.test", "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.blockedFor("new@x.test", "10.0.0.1"));
    }

    @Test
    void twentyFailuresFromOneAddress_blockEveryAccountFromThere() {
        for (int i = 0; i < 20; i++) {
            throttle.recordFailure("user" + i + "@x.test", "10.0.0.1");
        }

        assertTrue(throttle.blockedFor("someone@x.test", "10.0.0.1").isPresent());
        assertEquals(Optional.empty(), throttle.blockedFor("someone@x.test", "10.0.0.2"));
    }

    @Test
    void failuresOlderThanTheWindow_startANewWindow() {
        fail("a@x.test", "10.0.0.1", 4);
        clock.advance(Duration.ofMinutes(15));
        fail("a@x.test", "10.0.0.1", 4);

        assertEquals(Optional.empty(), throttle.blockedFor("a@x.test", "10.0.0.1"));
    }

    @Test
    void impossibleLimits_refused() {
        assertThrows(IllegalArgumentException.class, () -> new LoginThrottle.Limits(0, 20, Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class, () -> new LoginThrottle.Limits(5, 20, Duration.ZERO));
    }

    private void fail(String email, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.recordFailure(email, address);
        }
    }
}
