package io.calbridge.calendly.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 429, 5xx and network errors from Calendly (the sandbox), with a sleeper that records instead of sleeping. */
class CalendlyClientRetryTest {
    static CalendlySandbox sb;
    static SandboxUser user;
    static Secret token;
    final RecordingSleeper sleeper = new RecordingSleeper();

    @BeforeAll
    static void start() {
        sb = CalendlySandbox.start(SandboxOptions.defaults());
        SandboxOrganization org = sb.createOrganization("Acme", Plan.STANDARD);
        user = sb.createUser(org, "Ada Host", "ada@example.com", Role.OWNER, "UTC");
        token = Secret.of(sb.createPersonalAccessToken(user));
    }

    @AfterAll
    static void stop() {
        sb.close();
    }

    @BeforeEach
    void clearFaults() {
        sb.faults().clear();
        sb.stats().reset();
    }

    private CalendlyApi api(int attempts, Duration maxWait) {
        URI base = URI.create(sb.baseUrl());
        ClientOptions options = ClientOptions.defaults(base, base).withRetries(attempts, maxWait);
        return new CalendlyClient(options, sleeper, Clock.systemUTC()).api(Credential.fixed(token));
    }

    @Test
    void serverErrors_areRetriedWithJitteredBackoff_untilTheCallSucceeds() {
        sb.faults().failNextApiRequests(2, 503);

        CalendlyUser me = api(5, Duration.ofSeconds(60)).me();

        assertEquals(user.uri(), me.uri());
        assertEquals(3, sb.stats().apiRequests("/users/me"));
        List<Duration> waits = sleeper.waits();
        assertEquals(2, waits.size());
        assertBetween(waits.get(0), Duration.ofMillis(250), Duration.ofMillis(500));
        assertBetween(waits.get(1), Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    void rateLimited_waitsExactlyTheResetCalendlyGives() {
        sb.faults().rateLimitNext(1);

        api(5, Duration.ofSeconds(90)).me();

        assertEquals(List.of(Duration.ofSeconds(60)), sleeper.waits(), "X-RateLimit-Reset: 60");
        assertEquals(2, sb.stats().apiRequests("/users/me"));
    }

    @Test
    void aWaitBeyondTheConfiguredBound_isNotStarted_andTheErrorSaysHowLongCalendlyAsked() {
        sb.faults().rateLimitNext(1);

        CalendlyApiException e = assertThrows(CalendlyApiException.class, () -> api(5, Duration.ofSeconds(5)).me());

        assertEquals(429, e.status());
        assertEquals(Duration.ofSeconds(60), e.retryAfter());
        assertTrue(e.isTransient());
        assertEquals(List.of(), sleeper.waits(), "no point in waiting 5 s for a 60 s reset");
        assertEquals(1, sb.stats().apiRequests("/users/me"));
    }

    @Test
    void persistentServerErrors_stopAtTheAttemptLimit() {
        sb.faults().failNextApiRequests(20, 500);

        CalendlyApiException e = assertThrows(CalendlyApiException.class, () -> api(3, Duration.ofSeconds(60)).me());

        assertEquals(500, e.status());
        assertEquals("Internal Server Error", e.title());
        assertEquals(3, sb.stats().apiRequests("/users/me"));
        assertEquals(2, sleeper.waits().size());
    }

    @Test
    void persistentServerErrors_stopWhenTheTotalWaitWouldExceedTheBound() {
        sb.faults().failNextApiRequests(50, 502);
        Duration bound = Duration.ofSeconds(3);

        assertThrows(CalendlyApiException.class, () -> api(50, bound).me());

        assertTrue(sleeper.total().compareTo(bound) <= 0, "waited " + sleeper.total());
        assertTrue(sleeper.waits().size() >= 2, "it did retry: " + sleeper.waits());
        assertTrue(sb.stats().apiRequests("/users/me") < 50);
    }

    @Test
    void clientErrors_areNotRetried_andCarryCalendlysTitleAndMessageButNeverTheToken() {
        CalendlyApiException e = assertThrows(CalendlyApiException.class,
                () -> api(5, Duration.ofSeconds(60)).scheduledEvent(sb.baseUrl() + "/scheduled_events/nope"));

        assertEquals(404, e.status());
        assertNotNull(e.title());
        assertTrue(e.getMessage().contains("GET /scheduled_events/nope"), e.getMessage());
        assertFalse(e.getMessage().contains(token.reveal()));
        assertEquals(List.of(), sleeper.waits());
    }

    @Test
    void aBadToken_isA401_notRetried() {
        CalendlyApi api = new CalendlyClient(ClientOptions.defaults(URI.create(sb.baseUrl()), URI.create(sb.baseUrl())),
                sleeper, Clock.systemUTC()).api(Credential.fixed(Secret.of("eyJ.invalid.token")));

        CalendlyApiException e = assertThrows(CalendlyApiException.class, api::me);

        assertEquals(401, e.status());
        assertEquals(List.of(), sleeper.waits());
    }

    @Test
    void anUnreachableCalendly_isRetriedThenReportedAsStatus0() throws IOException {
        int closedPort = Ports.free();
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        CalendlyApi api = new CalendlyClient(ClientOptions.defaults(nowhere, nowhere).withRetries(3, Duration.ofSeconds(60)),
                sleeper, Clock.systemUTC()).api(Credential.fixed(token));

        CalendlyApiException e = assertThrows(CalendlyApiException.class, api::me);

        assertEquals(0, e.status());
        assertTrue(e.isTransient());
        assertEquals(2, sleeper.waits().size());
    }

    @Test
    void lists_followNextPage_untilTheLastPage() {
        for (int i = 0; i < 5; i++) {
            sb.createEventType(user, "Type " + i, EventKind.SOLO, Duration.ofMinutes(15 + i));
        }
        int existing = api(5, Duration.ofSeconds(60)).eventTypes(null, user.uri(), null).toList().size();
        sb.stats().reset();

        List<EventType> all = api(5, Duration.ofSeconds(60)).withPageSize(2).eventTypes(null, user.uri(), null).toList();

        assertEquals(existing, all.size());
        assertTrue(all.size() >= 5);
        assertEquals((all.size() + 1) / 2, sb.stats().apiRequests("/event_types"), "one request per page of 2");
    }

    @Test
    void aResourceUriNamingAnotherHost_isRequestedFromTheConfiguredCalendlyOnly() {
        String foreign = "https://attacker.example.com" + URI.create(user.uri()).getPath();

        CalendlyUser u = api(5, Duration.ofSeconds(60)).user(foreign);

        assertEquals(user.uri(), u.uri(), "the token went to the sandbox, not to attacker.example.com");
    }

    private static void assertBetween(Duration d, Duration min, Duration max) {
        assertTrue(d.compareTo(min) >= 0 && d.compareTo(max) <= 0, d + " not in [" + min + ", " + max + "]");
    }
}
