package io.calbridge.calendly;

import io.calbridge.testing.TestClock;
import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 13, settings contract): a 429 from Calendly with {@code X-RateLimit-Reset: 60}
 * held a settings request for 60 s, and during a token refresh held the integration's row lock for up
 * to 60 s, so every Calendly call for that integration waited on every node. Nodes here sleep for real
 * (the plugin's own retry sleeper), so waiting on Calendly's reset would show as a timeout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CalendlyRateLimitTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    @Test
    void rateLimitedEventTypeListing_answersAtOnce_withTheLastListing_orWith503AndRetryAfter() {
        TestClock clock = TestClock.shifted();
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            PluginNodes.Node node = cluster.start(0, c -> c.clock = clock);
            cluster.sb.createEventType(cluster.ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            UUID acme = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
            String path = "/settings/calendly/" + acme + "/event-types";
            JsonNode first = PluginNodes.json(node.get("acme", path));
            assertEquals("Intro call", first.path("event_types").get(0).path("name").asText(), first.toString());
            assertFalse(first.path("stale").asBoolean());

            clock.advance(Duration.ofSeconds(61)); // the listing is no longer fresh: Calendly is asked again...
            cluster.sb.faults().rateLimitNext(1, "/event_types"); // ...and answers 429, reset in 60 s
            long started = System.nanoTime();
            HttpResponse<String> stale = node.get("acme", path);

            assertTrue(System.nanoTime() - started < AT_ONCE.toNanos(), "answered without waiting for the reset");
            assertEquals(200, stale.statusCode(), stale.body());
            JsonNode body = PluginNodes.json(stale);
            assertTrue(body.path("stale").asBoolean(), stale.body());
            assertTrue(body.path("stale_reason").asText().contains("rate-limiting"), stale.body());
            assertEquals("Intro call", body.path("event_types").get(0).path("name").asText());
            assertEquals(first.path("fetched_at"), body.path("fetched_at"), "the last listing, as it was");

            // An integration whose event types were never listed has nothing to fall back on: 503 at once.
            SandboxUser bob = cluster.sb.createUser(cluster.sb.createOrganization("Globex", Plan.STANDARD), "Bob",
                    "bob@example.com", Role.OWNER, "UTC");
            UUID globex = node.connectOAuth("globex", PluginNodes.platformJson(), bob);
            cluster.sb.faults().rateLimitNext(1, "/event_types");
            started = System.nanoTime();
            HttpResponse<String> refused = node.get("globex", "/settings/calendly/" + globex + "/event-types");

            assertTrue(System.nanoTime() - started < AT_ONCE.toNanos(), "answered without waiting for the reset");
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("60", refused.headers().firstValue("Retry-After").orElse("none"));
            JsonNode error = PluginNodes.json(refused).path("error");
            assertEquals("calendly_rate_limited", error.path("code").asText(), refused.body());
            assertTrue(error.path("message").asText().contains("60 seconds"), refused.body());
            assertEquals(200, node.get("globex", "/settings/calendly/" + globex + "/event-types").statusCode(),
                    "Calendly answers again: so do we");
        }
    }

    @Test
    void rateLimitedTokenRefresh_holdsNoRowLock_everyNodeAnswersAtOnce_andCalendlyIsNotAskedAgainBeforeItsReset() {
        try (PluginNodes cluster = new PluginNodes(db, 2, o -> { })) {
            PluginNodes.Node a = cluster.start(0);
            PluginNodes.Node b = cluster.start(1);
            UUID id = a.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
            String path = "/settings/calendly/" + id + "/event-types";
            assertEquals(200, a.get("acme", "/settings/calendly/" + id).statusCode());
            // Every token either node holds is dead at Calendly, and its token endpoint answers 429 next.
            cluster.sb.faults().expireAllAccessTokens();
            cluster.sb.faults().rateLimitNext(1, "/oauth/token");
            int tokenRequestsBefore = cluster.sb.stats().apiRequests("/oauth/token");

            long started = System.nanoTime();
            CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(() -> b.get("acme", path));
            CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(() -> {
                // Once B has asked Calendly and heard 429: while its refresh would still hold the row lock.
                eventually("B's token request")
                        .until(() -> cluster.sb.stats().apiRequests("/oauth/token") > tokenRequestsBefore);
                return a.get("acme", path);
            });
            HttpResponse<String> fromB = onB.join();
            HttpResponse<String> fromA = onA.join();

            assertTrue(System.nanoTime() - started < AT_ONCE.toNanos(), "both nodes answered without waiting for the reset");
            for (HttpResponse<String> r : new HttpResponse[] {fromA, fromB}) {
                assertEquals(503, r.statusCode(), r.body());
                long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(retryAfter > 50 && retryAfter <= 60, "Calendly's reset, counted down: " + retryAfter);
                assertEquals("calendly_unavailable", PluginNodes.json(r).path("error").path("code").asText(), r.body());
            }
            assertEquals(tokenRequestsBefore + 1, cluster.sb.stats().apiRequests("/oauth/token"),
                    "one token request; the other node obeys the reset instead of asking again");
            DSL.using(db.dataSource(), SQLDialect.POSTGRES).transaction(tx -> assertNotNull(tx.dsl()
                    .selectFrom(CALENDLY_INTEGRATION).where(CALENDLY_INTEGRATION.ID.eq(id)).forUpdate().noWait().fetchOne(),
                    "nobody holds the integration's row lock"));
            JsonNode health = PluginNodes.json(b.get("acme", "/settings/calendly/" + id + "/health"));
            assertEquals("CONNECTED", health.path("status").asText(), "a rate limit does not end a connection");
            assertFalse(health.path("health").path("token").path("retry_at").isNull(), health.toString());
            assertTrue(health.path("health").path("token").path("failure").asText().contains("rate-limiting"), health.toString());
        }
    }
}
