package io.calbridge.calendly;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.oauth.SubscriptionStatus;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.db.calendly.tables.records.CalendlyIntegrationRecord;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.DeliveryAttempt;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.Waiting;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13: webhook path tokens were stored in clear, so whoever could read {@code calendly_integration}
 * could post to every integration's URL. Now only the token's SHA-256 (routing) and the token sealed
 * with the tenant's data key (rebuilding the URL) are stored. The token is what Calendly was given: the
 * last segment of the URL its deliveries go to.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookPathTokenAtRestTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private DSLContext sql() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @Test
    void afterConnect_noColumnOfTheIntegrationHoldsTheToken_andADeliveryToItsUrlStillVerifiesAndLands() {
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            PluginNodes.Node node = cluster.start(0);
            UUID id = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);

            DeliveryAttempt delivered = bookAndAwaitImport(cluster, "acme", "first@example.com");

            String token = tokenOf(delivered);
            assertEquals(List.of(), columnsHolding(id, token), "columns of calendly_integration holding the token");
            assertArrayEquals(WebhookPathTokens.sha256(token), row(id).getWebhookPathTokenSha256());
        }
    }

    @Test
    void aRowTheOldVersionLeftInClear_isSealedAtStartup_stillRoutes_andARecreatedSubscriptionKeepsItsUrl() {
        try (PluginNodes cluster = new PluginNodes(db, 2, o -> { })) {
            PluginNodes.Node receiving = cluster.start(0);
            UUID id = receiving.connectOAuth("globex", PluginNodes.platformJson(), cluster.ada);
            DeliveryAttempt first = bookAndAwaitImport(cluster, "globex", "before@example.com");
            String token = tokenOf(first);
            // As the previous version wrote it: the token in clear, nothing sealed. The database hashes it.
            sql().update(CALENDLY_INTEGRATION)
                    .set(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN, token)
                    .set(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_SHA256, new byte[32])
                    .set(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_ENC, (byte[]) null)
                    .where(CALENDLY_INTEGRATION.ID.eq(id)).execute();
            assertArrayEquals(WebhookPathTokens.sha256(token), row(id).getWebhookPathTokenSha256(),
                    "the database hashes a clear token as the plugin does");

            PluginNodes.Node started = cluster.start(1);

            CalendlyIntegrationRecord converted = row(id);
            assertNull(converted.getWebhookPathToken(), "the clear column is emptied at startup");
            assertEquals(token, started.wiring().keyring()
                    .open("globex", Purpose.WEBHOOK_PATH_TOKEN, id, converted.getWebhookPathTokenEnc()).reveal());
            assertEquals(List.of(), columnsHolding(id, token));
            String path = URI.create(first.url()).getPath();
            HttpResponse<String> routed = started.redeliver(path, first.signatureHeader(), first.body());
            assertEquals(200, routed.statusCode(), "a node that never saw the URL routes it: " + routed.body());

            String oldSubscription = converted.getSubscriptionUri();
            started.wiring().calendly().api(started.wiring().connections().tokens().credential(id))
                    .deleteWebhookSubscription(oldSubscription);
            SubscriptionStatus recreated = started.wiring().connections().subscriptions().ensure(id);

            assertNull(recreated.error(), recreated.error());
            assertNotEquals(oldSubscription, recreated.subscriptionUri());
            assertEquals(first.url(), recreated.callbackUrl(), "the recreated subscription has the same URL");
            cluster.sb.clearDeliveries();
            DeliveryAttempt after = bookAndAwaitImport(cluster, "globex", "after@example.com");
            assertEquals(first.url(), after.url());
            assertEquals(recreated.subscriptionUri(), after.subscriptionUri());
        }
    }

    @Test
    void rotatingTheTenantKey_resealsTheToken_andForgettingTheTenant_closesTheUrlWithoutAnError() {
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            PluginNodes.Node node = cluster.start(0);
            UUID id = node.connectOAuth("initech", PluginNodes.platformJson(), cluster.ada);
            DeliveryAttempt delivered = bookAndAwaitImport(cluster, "initech", "rotate@example.com");
            String token = tokenOf(delivered);
            String path = URI.create(delivered.url()).getPath();
            byte[] sealedBefore = row(id).getWebhookPathTokenEnc();

            node.operations().rotateTenantKey("initech");

            byte[] sealedAfter = row(id).getWebhookPathTokenEnc();
            assertEquals(1, generation(sealedBefore));
            assertEquals(2, generation(sealedAfter), "re-sealed under the new data key");
            assertEquals(token, node.wiring().keyring().open("initech", Purpose.WEBHOOK_PATH_TOKEN, id, sealedAfter).reveal());
            SubscriptionStatus checked = node.wiring().connections().subscriptions().ensure(id);
            assertNull(checked.error(), checked.error());
            assertEquals(delivered.url(), checked.callbackUrl());
            assertEquals(200, node.redeliver(path, delivered.signatureHeader(), delivered.body()).statusCode());

            node.operations().forgetTenant("initech");

            CalendlyIntegrationRecord forgotten = row(id);
            assertNull(forgotten.getWebhookPathTokenEnc());
            assertNull(forgotten.getWebhookPathToken());
            HttpResponse<String> refused = node.redeliver(path, delivered.signatureHeader(), delivered.body());
            assertEquals(404, refused.statusCode(), refused.body());
            assertEquals("unknown_webhook", PluginNodes.json(refused).path("error").path("code").asText());
            SubscriptionStatus none = node.wiring().connections().subscriptions().ensure(id);
            assertNull(none.callbackUrl(), "no URL any more: " + none);
            node.wiring().connections().subscriptions().checkAll();
            HttpResponse<String> shown = node.get("initech", "/settings/calendly/" + id);
            assertEquals(200, shown.statusCode(), shown.body());
            assertFalse(shown.body().contains(token));
        }
    }

    /** Books a meeting with the cluster's user; returns Calendly's delivery once the tenant's host has the contact. */
    private static DeliveryAttempt bookAndAwaitImport(PluginNodes cluster, String tenant, String email) {
        SandboxEventType type = cluster.sb.createEventType(cluster.ada, "Intro " + UUID.randomUUID(), EventKind.SOLO,
                Duration.ofMinutes(30));
        int before = cluster.sb.deliveries().size();
        cluster.sb.book(BookingRequest.of(type, "Jane Doe", email, Instant.now().plus(Duration.ofDays(2))));
        DeliveryAttempt delivered = cluster.sb.awaitDeliveries(before + 1, Duration.ofSeconds(20)).get(before);
        assertTrue(delivered.delivered(), delivered.toString());
        Waiting.eventually("the booking is imported")
                .until(() -> cluster.host.contactsByEmail.containsKey(tenant + "|" + email));
        return delivered;
    }

    private static String tokenOf(DeliveryAttempt delivered) {
        String path = URI.create(delivered.url()).getPath();
        String token = path.substring(path.lastIndexOf('/') + 1);
        assertEquals(43, token.length(), path);
        return token;
    }

    private CalendlyIntegrationRecord row(UUID id) {
        return sql().selectFrom(CALENDLY_INTEGRATION).where(CALENDLY_INTEGRATION.ID.eq(id)).fetchSingle();
    }

    /**
     * Every column of the row (all of them, whatever the generated classes know) holding the token: as
     * text, as UTF-8 bytes, or its 32 decoded bytes.
     */
    private List<String> columnsHolding(UUID id, String token) {
        Record row = sql().fetchSingle("select * from calendly_integration where id = ?", id);
        byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
        byte[] raw = Base64.getUrlDecoder().decode(token);
        List<String> holding = new ArrayList<>();
        for (var field : row.fields()) {
            Object value = row.get(field);
            boolean holds = value instanceof byte[] b ? contains(b, utf8) || contains(b, raw)
                    : value != null && value.toString().contains(token);
            if (holds) {
                holding.add(field.getName());
            }
        }
        assertTrue(row.fields().length > 40, "every column was read");
        return holding;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    /** The data-key generation that sealed a value (bytes 1 to 4 of the stored format, see TenantKeyring). */
    private static int generation(byte[] sealed) {
        assertNotNull(sealed);
        return ByteBuffer.wrap(sealed, 1, 4).getInt();
    }
}
