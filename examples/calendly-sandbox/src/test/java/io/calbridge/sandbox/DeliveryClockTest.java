package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.testing.Ports;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sandbox clock drives Calendly's delivery retry schedule: moving it forward runs retries and
 * the 24-hour window in milliseconds, while signatures keep real time.
 */
class DeliveryClockTest {
    private static final String KEY = "clock-test-key";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant START = Instant.parse("2034-02-01T10:00:00Z");

    private CalendlySandbox sb;
    private SandboxOrganization org;
    private SandboxUser host;
    private String pat;
    private SandboxEventType et;

    @BeforeEach
    void start() {
        // timeScale 1: nothing would be retried within the test unless the clock is moved.
        sb = CalendlySandbox.start(SandboxOptions.defaults().deliveryTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        org = sb.createOrganization("Clock Co", Plan.STANDARD);
        host = sb.createUser(org, "Clara Host", "clara@clock.example", Role.OWNER, "UTC");
        pat = sb.createPersonalAccessToken(host);
        et = sb.createEventType(host, "Call", EventKind.SOLO, Duration.ofMinutes(30));
    }

    @AfterEach
    void stop() {
        sb.close();
    }

    private String subscribe(String url, List<String> events) {
        var r = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", pat, Map.of("url", url, "events", events,
                "organization", org.uri(), "scope", "organization", "signing_key", KEY));
        assertEquals(201, r.statusCode(), r.body());
        return TestHttp.json(r).at("/resource/uri").asText();
    }

    @Test
    void anUnreachableHostFor30SandboxHoursEndsWithTheSubscriptionDisabled() throws Exception {
        String sub = subscribe("http://127.0.0.1:" + Ports.free() + "/webhooks", List.of("invitee.created"));
        Instant booked = sb.clock().instant();
        Booking b = sb.book(BookingRequest.of(et, "Lost Lena", "lena@example.com", START));
        sb.awaitAttempts(a -> a.outcome() == DeliveryOutcome.FAILED_CONNECTION, 1, WAIT);
        assertEquals("active", sb.subscriptionState(sub).orElseThrow(), "one failure disables nothing");

        sb.advanceTime(Duration.ofHours(30));

        assertEquals("disabled", sb.subscriptionState(sub).orElseThrow(), "advanceTime returns after the window ran");
        List<DeliveryAttempt> attempts = sb.deliveries();
        assertTrue(attempts.stream().allMatch(a -> a.outcome() == DeliveryOutcome.FAILED_CONNECTION), attempts::toString);
        assertTrue(attempts.stream().allMatch(a -> a.bodyString().contains(b.inviteeUri())));
        Instant first = attempts.get(0).calendlyAt();
        assertFalse(first.isBefore(booked.minusSeconds(1)), "the first attempt is at booking time");
        List<Long> minutes = attempts.stream().map(a -> Duration.between(first, a.calendlyAt()).toMinutes()).toList();
        assertEquals(List.of(0L, 1L, 3L, 7L, 15L, 31L, 63L, 127L, 255L, 511L, 1023L, 1440L), minutes,
                "doubling back-off, the last attempt at the end of the 24-hour window");
        for (DeliveryAttempt a : attempts) {
            long t = Long.parseLong(a.signatureHeader().replaceAll("t=(\\d+),.*", "$1"));
            assertTrue(Math.abs(Instant.now().getEpochSecond() - t) < 180, "t stays on the base clock: " + t);
        }

        JsonNode shown = TestHttp.json(TestHttp.get(sub, pat)).get("resource");
        assertEquals("disabled", shown.get("state").asText());
        Instant retryStarted = Instant.parse(shown.get("retry_started_at").asText());
        assertEquals(first.truncatedTo(java.time.temporal.ChronoUnit.MICROS), retryStarted);
        assertEquals(retryStarted.plus(Duration.ofHours(24)), Instant.parse(shown.get("updated_at").asText()),
                "disabled when the 24-hour window closed");

        sb.book(BookingRequest.of(et, "After", "after@example.com", START.plusSeconds(3600)));
        sb.advanceTime(Duration.ofMinutes(5));
        assertEquals(attempts.size(), sb.deliveries().size(), "a disabled subscription gets nothing");
    }

    @Test
    void aTenHourOutageIsRetriedAndTheNextRetryAfterItGetsThrough() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String sub = subscribe(receiver.url("/hooks"), List.of("invitee.created", "invitee.canceled"));
            sb.faults().webhookTargetsUnreachableFor(Duration.ofHours(10));
            Booking b = sb.book(BookingRequest.of(et, "Patient Pat", "pat@example.com", START));
            sb.advanceTime(Duration.ofHours(10));
            List<DeliveryAttempt> failed = sb.deliveries();
            assertEquals(10, failed.size(), "attempts at 0, 1, 3 ... 511 minutes: " + failed);
            assertTrue(failed.get(9).error().contains("injected outage"), failed.get(9).error());
            assertTrue(receiver.received().isEmpty(), "nothing reached the receiver during the outage");
            JsonNode during = TestHttp.json(TestHttp.get(sub, pat)).get("resource");
            assertEquals("active", during.get("state").asText());
            assertFalse(during.get("retry_started_at").isNull());

            // The admin API moves the clock the same way; the retry due at 1023 minutes is delivered.
            var advanced = TestHttp.postJson(sb.baseUrl() + "/_sandbox/time/advance", null, Map.of("seconds", 8 * 3600));
            assertEquals(200, advanced.statusCode(), advanced.body());
            List<Receiver.Received> got = receiver.received("/hooks");
            assertEquals(1, got.size(), "advanceTime returned after the due retry was delivered");
            assertTrue(got.get(0).bodyString().contains(b.inviteeUri()));
            WebhookDeliveryTest.assertSigned(got.get(0), KEY);
            JsonNode after = TestHttp.json(TestHttp.get(sub, pat)).get("resource");
            assertEquals("active", after.get("state").asText());
            assertTrue(after.get("retry_started_at").isNull(), "cleared once the retried message got through");
            DeliveryAttempt delivered = sb.deliveries().get(10);
            assertEquals(11, delivered.attempt());
            assertEquals(1023, Duration.between(failed.get(0).calendlyAt(), delivered.calendlyAt()).toMinutes());
        }
    }

    @Test
    void dropRulesLoseOneKindOfMessageForOneInviteeOnly() throws Exception {
        try (Receiver receiver = new Receiver()) {
            subscribe(receiver.url("/a"), List.of("invitee.created", "invitee.canceled"));
            subscribe(receiver.url("/b"), List.of("invitee.created", "invitee.canceled"));
            Booking lost = sb.book(BookingRequest.of(et, "Lost Cancel", "lost@example.com", START));
            Booking kept = sb.book(BookingRequest.of(et, "Kept Cancel", "kept@example.com", START.plusSeconds(3600)));
            receiver.await("/a", 2, WAIT);
            receiver.await("/b", 2, WAIT);
            sb.faults().dropDeliveries("invitee.canceled", lost.inviteeUri());
            sb.cancel(lost.inviteeUri(), Canceler.INVITEE, "gone");
            sb.cancel(kept.inviteeUri(), Canceler.INVITEE, "also gone");
            Booking later = sb.book(BookingRequest.of(et, "Later", "lost@example.com", START.plusSeconds(7200)));
            receiver.await("/a", 4, WAIT);
            receiver.await("/b", 4, WAIT);
            sb.awaitIdle(WAIT);
            for (String path : List.of("/a", "/b")) {
                List<String> bodies = receiver.received(path).stream().map(Receiver.Received::bodyString).toList();
                assertTrue(bodies.stream().noneMatch(x -> x.contains("\"invitee.canceled\"") && x.contains(lost.inviteeUri())),
                        "the lost cancel never arrives at " + path);
                assertTrue(bodies.stream().anyMatch(x -> x.contains("\"invitee.canceled\"") && x.contains(kept.inviteeUri())));
                assertTrue(bodies.stream().anyMatch(x -> x.contains(later.inviteeUri())));
            }
            assertEquals(2, sb.deliveries().stream().filter(a -> a.outcome() == DeliveryOutcome.DROPPED).count(),
                    "one dropped message per subscription");
            assertEquals("canceled", TestHttp.json(TestHttp.get(lost.inviteeUri(), pat)).at("/resource/status").asText(),
                    "the API still tells the truth");
        }
    }
}
