package io.calbridge.calendly;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_TENANT_KEY;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.DeliveryAttempt;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 13, settings contract): after {@code forgetTenant} the integration still showed
 * connected with a valid token, a booking made seconds later was still imported, and the Calendly
 * subscription was left behind. Two plugin nodes share one database; the tenant is forgotten on one
 * while the other, which receives Calendly's deliveries, has everything about it cached.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForgetTenantTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private DSLContext sql() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @Test
    void forgottenTenant_isDisconnectedOnEveryNodeAtOnce_itsSubscriptionIsDeleted_andNothingArrivesAnyMore() {
        try (PluginNodes cluster = new PluginNodes(db, 2, o -> { })) {
            PluginNodes.Node receiving = cluster.start(0);
            PluginNodes.Node operator = cluster.start(1);
            SandboxEventType intro = cluster.sb.createEventType(cluster.ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            eventually("both nodes hear cache invalidations").atMost(Duration.ofSeconds(10))
                    .until(() -> receiving.wiring().cachesTrusted() && operator.wiring().cachesTrusted());
            UUID id = receiving.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
            String subscription = sql().select(CALENDLY_INTEGRATION.SUBSCRIPTION_URI).from(CALENDLY_INTEGRATION)
                    .where(CALENDLY_INTEGRATION.ID.eq(id)).fetchOne(CALENDLY_INTEGRATION.SUBSCRIPTION_URI);
            assertEquals("active", cluster.sb.subscriptionState(subscription).orElse("missing"));

            // The receiving node imports a booking and has the tenant's key, token, signing key and event types cached.
            cluster.sb.book(BookingRequest.of(intro, "Before Forget", "before@example.com", Instant.now().plus(Duration.ofDays(2))));
            DeliveryAttempt delivered = cluster.sb.awaitDeliveries(1, Duration.ofSeconds(20)).get(0);
            assertTrue(delivered.delivered(), delivered.toString());
            eventually("the booking is imported").atMost(Duration.ofSeconds(20))
                    .until(() -> cluster.host.contactsByEmail.containsKey("acme|before@example.com"));
            HttpResponse<String> types = receiving.get("acme", "/settings/calendly/" + id + "/event-types");
            assertEquals(200, types.statusCode(), types.body());
            assertTrue(receiving.wiring().keyring().accessTokens().get(id).isPresent(), "the token is cached");
            String webhookPath = URI.create(delivered.url()).getPath();
            assertEquals(200, receiving.redeliver(webhookPath, delivered.signatureHeader(), delivered.body()).statusCode(),
                    "before: the recorded delivery is accepted again (as a duplicate)");

            ForgottenTenant forgotten = operator.operations().forgetTenant("acme");

            assertEquals(new ForgottenTenant("acme", 1, 1, List.of()), forgotten);
            assertTrue(cluster.sb.subscriptionState(subscription).isEmpty(), "the subscription is deleted at Calendly");
            // The receiving node answers a delivery signed with the key it had cached as for an unknown URL.
            HttpResponse<String> replayed = receiving.redeliver(webhookPath, delivered.signatureHeader(), delivered.body());
            assertEquals(404, replayed.statusCode(), replayed.body());
            assertEquals("unknown_webhook", PluginNodes.json(replayed).path("error").path("code").asText(), replayed.body());
            for (PluginNodes.Node node : List.of(receiving, operator)) {
                JsonNode shown = PluginNodes.json(node.get("acme", "/settings/calendly/" + id));
                assertEquals("DISCONNECTED", shown.path("status").asText(), shown.toString());
                assertEquals("none", shown.path("health").path("token").path("state").asText());
                assertEquals("tenant_forgotten", shown.path("health").path("problems").get(0).path("code").asText());
                assertFalse(shown.path("credentials").path("access_token_set").asBoolean());
                assertFalse(shown.path("credentials").path("signing_key_set").asBoolean());
                HttpResponse<String> listing = node.get("acme", "/settings/calendly/" + id + "/event-types");
                assertEquals(409, listing.statusCode(), "not from the cache: " + listing.body());
                assertEquals("not_connected", PluginNodes.json(listing).path("error").path("code").asText());
            }
            // Within the bound (the notification's delivery), the receiving node holds nothing of the tenant...
            long heardWithin = System.nanoTime();
            eventually("the receiving node drops its cached token").atMost(Duration.ofSeconds(1))
                    .until(() -> receiving.wiring().keyring().accessTokens().get(id).isEmpty());
            assertTrue(System.nanoTime() - heardWithin < TimeUnit.SECONDS.toNanos(1));
            // ...so it cannot store a secret for it with a cached data key either.
            HttpResponse<String> reconnect = receiving.post("acme", "/settings/calendly/connect", PluginNodes.platformJson());
            assertEquals(409, reconnect.statusCode(), reconnect.body());
            assertEquals("tenant_forgotten", PluginNodes.json(reconnect).path("error").path("code").asText());

            // A booking made seconds later reaches nobody: Calendly has no subscription left to send it with.
            int inboxBefore = sql().fetchCount(CALENDLY_WEBHOOK_INBOX);
            cluster.sb.book(BookingRequest.of(intro, "After Forget", "after@example.com", Instant.now().plus(Duration.ofDays(3))));
            cluster.sb.awaitIdle(Duration.ofSeconds(10));
            assertEquals(1, cluster.sb.deliveries().size(), "no delivery was even attempted: " + cluster.sb.deliveries());
            assertEquals(inboxBefore, sql().fetchCount(CALENDLY_WEBHOOK_INBOX));
            assertFalse(cluster.host.contactsByEmail.containsKey("acme|after@example.com"));

            var row = sql().selectFrom(CALENDLY_INTEGRATION).where(CALENDLY_INTEGRATION.ID.eq(id)).fetchOne();
            assertNull(row.getAccessTokenEnc());
            assertNull(row.getRefreshTokenEnc());
            assertNull(row.getSigningKeyEnc());
            assertEquals("SHREDDED", sql().select(CALENDLY_TENANT_KEY.STATE).from(CALENDLY_TENANT_KEY)
                    .where(CALENDLY_TENANT_KEY.TENANT_ID.eq("acme")).fetchOne(CALENDLY_TENANT_KEY.STATE));
            assertEquals(new ForgottenTenant("acme", 0, 0, List.of()), operator.operations().forgetTenant("acme"),
                    "forgetting again changes nothing");
        }
    }

    @Test
    void whenCalendlyRefusesTheCleanup_theTenantIsForgottenAnyway_andTheOperatorAndHostAreTold() {
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            PluginNodes.Node node = cluster.start(0);
            UUID id = node.connectOAuth("globex", PluginNodes.platformJson(), cluster.ada);
            String subscription = sql().select(CALENDLY_INTEGRATION.SUBSCRIPTION_URI).from(CALENDLY_INTEGRATION)
                    .where(CALENDLY_INTEGRATION.ID.eq(id)).fetchOne(CALENDLY_INTEGRATION.SUBSCRIPTION_URI);
            cluster.sb.faults().failNextApiRequests(10, 403, "/webhook_subscriptions");

            ForgottenTenant forgotten = node.operations().forgetTenant("globex");

            assertEquals(1, forgotten.integrationsDisconnected());
            assertEquals(0, forgotten.subscriptionsDeleted());
            assertFalse(forgotten.cleanedUpAtCalendly());
            assertTrue(forgotten.problems().get(0).contains("could not delete webhook subscription " + subscription),
                    forgotten.problems().toString());
            assertEquals("active", cluster.sb.subscriptionState(subscription).orElse("missing"), "left behind, and said so");
            Notification told = cluster.host.notifications.stream()
                    .filter(n -> n.title().equals("Calendly was not fully cleaned up")).findFirst().orElseThrow();
            assertTrue(told.message().contains(subscription), told.message());
            JsonNode shown = PluginNodes.json(node.get("globex", "/settings/calendly/" + id));
            assertEquals("DISCONNECTED", shown.path("status").asText());
            assertEquals("SHREDDED", sql().select(CALENDLY_TENANT_KEY.STATE).from(CALENDLY_TENANT_KEY)
                    .where(CALENDLY_TENANT_KEY.TENANT_ID.eq("globex")).fetchOne(CALENDLY_TENANT_KEY.STATE));
        }
    }
}
