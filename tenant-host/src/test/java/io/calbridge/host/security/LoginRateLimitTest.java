package io.calbridge.host.security;

import io.calbridge.testing.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.HostSchema;
import io.calbridge.host.TestBrowser;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every test starts from no counted failures: the throttle counts per address, all tests come from
 * 127.0.0.1, and the counts live in the database (shared by every app on it).
 */
class LoginRateLimitTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    TestClock clock;
    HostApp app;

    @BeforeAll
    static void seed() {
        new DemoTenants(db.dataSource());
    }

    @BeforeEach
    void start() {
        clock = TestClock.fixed(Instant.parse("2026-03-01T10:00:00Z"));
        io.calbridge.host.HostDsl.using(db.dataSource()).deleteFrom(io.calbridge.db.host.Tables.HOST_LOGIN_FAILURE).execute();
        app = new HostApp(db.dataSource(), DemoTenants.settings("http://localhost:7070").withClock(clock), io.calbridge.host.TestKeys.MASTER, "test", plugin -> {
        }, (c, s) -> {
        }).start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> token(String email, String password) {
        return new TestBrowser(app.port()).postJson("/api/token",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", Map.of());
    }

    @Test
    void fifthWrongPassword_locksTheAccountFor15Minutes_evenForTheRightPassword() {
        TestBrowser b = new TestBrowser(app.port());
        for (int i = 0; i < 5; i++) {
            assertEquals(303, b.login("admin@acme.test", "wrong-" + i).statusCode());
        }

        HttpResponse<String> locked = b.login("admin@acme.test", "demo-password");

        assertEquals(429, locked.statusCode());
        assertEquals("900", locked.headers().firstValue("Retry-After").orElse(""));
        assertTrue(locked.body().contains("Too many failed sign-in attempts. Try again in 15 minutes."), locked.body());
        assertEquals(429, token("admin@acme.test", "demo-password").statusCode(), "the API shares the account's count");
        assertEquals(303, new TestBrowser(app.port()).login("member@acme.test", "demo-password").statusCode(),
                "other accounts from the same address still get in");

        clock.advance(Duration.ofMinutes(15));
        HttpResponse<String> later = b.login("admin@acme.test", "demo-password");
        assertEquals(303, later.statusCode());
        assertEquals("/app", later.headers().firstValue("Location").orElse(""));
    }

    @Test
    void tokenEndpoint_isThrottledToo_withAJsonErrorAndRetryAfter() {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, token("admin@globex.test", "wrong").statusCode());
        }
        clock.advance(Duration.ofMinutes(5));

        HttpResponse<String> locked = token("admin@globex.test", "demo-password");

        assertEquals(429, locked.statusCode());
        assertEquals("600", locked.headers().firstValue("Retry-After").orElse(""));
        assertEquals("{\"error\":{\"code\":\"too_many_attempts\",\"message\":\"Too many failed sign-in attempts. Try again in 10 minutes.\"}}",
                locked.body());
    }

    @Test
    void twentyFailuresFromOneAddress_lockThatAddressForEveryAccount() {
        for (int i = 0; i < 20; i++) {
            token("guess" + i + "@acme.test", "password" + i);
        }

        HttpResponse<String> locked = new TestBrowser(app.port()).login("member@acme.test", "demo-password");

        assertEquals(429, locked.statusCode());
        assertEquals("900", locked.headers().firstValue("Retry-After").orElse(""));
    }
}
