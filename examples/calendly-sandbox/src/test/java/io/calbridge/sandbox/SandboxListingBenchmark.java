package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Can the sandbox feed an import of 10,000 bookings (issue 15's benchmark) without being what is
 * measured? Seeds 10,000 events and walks {@code GET /scheduled_events} and each event's invitees
 * with {@code count=100}; the baseline is {@code GET /users/me}, the cheapest authenticated request,
 * in the same run. Run: {@code mvn -Pbenchmark -pl examples/calendly-sandbox -am verify
 * -Dtest=SandboxListingBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class SandboxListingBenchmark {
    private static final int EVENTS = 10_000;

    @Test
    void walkTenThousandEvents() {
        try (CalendlySandbox sb = CalendlySandbox.start(SandboxOptions.defaults().enforceApiRateLimits(false))) {
            SandboxOrganization org = sb.createOrganization("Bench", Plan.ENTERPRISE);
            SandboxUser owner = sb.createUser(org, "Bench Owner", "owner@bench.example", Role.OWNER, "UTC");
            String pat = sb.createPersonalAccessToken(owner);
            List<SandboxEventType> types = List.of(
                    sb.createEventType(owner, "Solo A", EventKind.SOLO, Duration.ofMinutes(30)),
                    sb.createEventType(owner, "Solo B", EventKind.SOLO, Duration.ofMinutes(45)),
                    sb.createEventType(owner, "Group", EventKind.GROUP(5), Duration.ofMinutes(60)));
            Instant start = Instant.parse("2031-01-01T00:00:00Z");

            long t0 = System.nanoTime();
            SeedResult seeded = sb.seed(SeedRequest.of(types, EVENTS).startingAt(start).spacing(Duration.ofMinutes(30))
                    .canceledEvery(10).groupInvitees(3));
            double seedMs = (System.nanoTime() - t0) / 1e6;

            for (int i = 0; i < 200; i++) {
                TestHttp.get(sb.baseUrl() + "/users/me", pat);
            }
            long b0 = System.nanoTime();
            int baselineRequests = 500;
            for (int i = 0; i < baselineRequests; i++) {
                TestHttp.get(sb.baseUrl() + "/users/me", pat);
            }
            double baselineMs = (System.nanoTime() - b0) / 1e6 / baselineRequests;

            String url = sb.baseUrl() + "/scheduled_events?organization="
                    + URLEncoder.encode(org.uri(), StandardCharsets.UTF_8) + "&count=100";
            int pages = 0;
            int events = 0;
            int inviteeRequests = 0;
            long w0 = System.nanoTime();
            while (url != null) {
                JsonNode page = TestHttp.json(TestHttp.get(url, pat));
                pages++;
                events += page.get("collection").size();
                url = page.at("/pagination/next_page").isNull() ? null : page.at("/pagination/next_page").asText();
            }
            double eventWalkMs = (System.nanoTime() - w0) / 1e6;
            long i0 = System.nanoTime();
            for (String eventUri : seeded.eventUris().subList(0, 1_000)) {
                TestHttp.json(TestHttp.get(eventUri + "/invitees?count=100", pat));
                inviteeRequests++;
            }
            double inviteeMs = (System.nanoTime() - i0) / 1e6 / inviteeRequests;
            assertEquals(EVENTS, events);

            System.out.printf(Locale.ROOT, "%nSandboxListingBenchmark (%d events, %d invitees)%n", EVENTS,
                    seeded.inviteeUris().size());
            System.out.printf(Locale.ROOT, "  seed (no webhooks):              %8.1f ms total%n", seedMs);
            System.out.printf(Locale.ROOT, "  baseline GET /users/me:          %8.2f ms/request%n", baselineMs);
            System.out.printf(Locale.ROOT, "  GET /scheduled_events count=100: %8.2f ms/page, %d pages, %.0f events/s%n",
                    eventWalkMs / pages, pages, events / (eventWalkMs / 1000));
            System.out.printf(Locale.ROOT, "  GET .../invitees (1,000 events): %8.2f ms/request%n", inviteeMs);
        }
    }
}
