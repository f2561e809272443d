package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS) // per test: a hang fails it instead of stalling the build
class WebhookEndpointTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static WebhookHarness h;
    static final byte[] BODY = CalendlyFixtures.webhook("invitee.created.basic.json");

    @BeforeAll
    static void start() {
        h = WebhookHarness.storeOnly(db.dataSource());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static List<String> fixtures() {
        return CalendlyFixtures.webhookDeliveries();
    }

    private static TestIntegrations.TestIntegration newIntegration() {
        return h.integrations.create("tenant-" + UUID.randomUUID(), Secret.of("key-" + UUID.randomUUID()));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixture_isStoredByteIdentical_processedOnce_andResendsChangeNothing(String name) {
        var integration = newIntegration();
        byte[] body = CalendlyFixtures.webhook(name);

        var first = h.deliverSigned(integration, body);

        assertEquals(200, first.statusCode(), first.body());
        assertEquals("accepted", WebhookHarness.status(first));
        var rows = h.inbox(integration.id());
        assertEquals(1, rows.size());
        assertFalse(java.util.Arrays.equals(body, rows.get(0).rawBody()), "stored sealed, not in clear");
        assertArrayEquals(body, h.opened(rows.get(0)), "opens byte for byte");
        assertEquals(integration.tenantId(), rows.get(0).tenantId());

        h.webhooks.worker().drain();
        for (int i = 0; i < 3; i++) {
            h.clock.advance(Duration.ofSeconds(7)); // a retry is signed again, later
            var again = h.deliverSigned(integration, body);
            assertEquals(200, again.statusCode(), again.body());
            assertEquals("duplicate", WebhookHarness.status(again));
            h.webhooks.worker().drain();
        }

        var after = h.inbox(integration.id());
        assertEquals(1, after.size());
        long id = after.get(0).id();
        assertEquals("DONE", after.get(0).status());
        assertEquals(1, h.processor.callsFor(id));
        assertArrayEquals(body, h.processor.seen.stream().filter(d -> d.inboxId() == id).findFirst()
                .orElseThrow().rawBody(), "the processor gets the exact bytes");
    }

    @Test
    void concurrentDeliveriesAndTheirDuplicates_areAllAcknowledged_andStoredOnce() throws Exception {
        var integration = newIntegration();
        int threads = 32;
        int perThread = 8;
        String template = new String(BODY, StandardCharsets.UTF_8);
        String invitee = "899e8c60-9931-43be-8ab4-5d0ce9fe7fec";
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<List<Integer>>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Integer> statuses = new java.util.ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        // every delivery is sent twice, by two different threads
                        int n = (thread * perThread + i) % (threads * perThread / 2);
                        byte[] body = template.replace(invitee, String.format("00000000-0000-4000-8000-%012d", n))
                                .getBytes(StandardCharsets.UTF_8);
                        statuses.add(h.deliverSigned(integration, body).statusCode());
                    }
                    return statuses;
                }));
            }
            for (var result : results) {
                assertEquals(java.util.Collections.nCopies(perThread, 200), result.get());
            }
        } finally {
            pool.shutdown();
        }

        assertEquals(threads * perThread / 2, h.inbox(integration.id()).size());
    }

    @Test
    void tamperedBody_isRejected_andNothingStored() {
        var integration = newIntegration();
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("Jamie", "Jimmy").getBytes(StandardCharsets.UTF_8);

        var response = h.deliver(integration, tampered, h.sign(integration.key(), BODY));

        assertRejected(integration, response, "signature_mismatch");
    }

    @Test
    void aFloodOfForgedDeliveries_isRecordedAtMostSixtyTimesAMinute() {
        var integration = newIntegration();
        String forged = h.sign(Secret.of("not-the-key"), BODY);

        for (int i = 0; i < RejectionLog.PER_INTEGRATION_PER_MINUTE + 15; i++) {
            assertEquals(401, h.deliver(integration, BODY, forged).statusCode());
        }

        assertEquals(RejectionLog.PER_INTEGRATION_PER_MINUTE,
                h.awaitRejections(integration.id(), RejectionLog.PER_INTEGRATION_PER_MINUTE).size());
        h.clock.advance(Duration.ofSeconds(61));
        assertEquals(401, h.deliver(integration, BODY, h.sign(Secret.of("not-the-key"), BODY)).statusCode());
        assertEquals(RejectionLog.PER_INTEGRATION_PER_MINUTE + 1,
                h.awaitRejections(integration.id(), RejectionLog.PER_INTEGRATION_PER_MINUTE + 1).size(),
                "a new minute records again, and the 15 over the limit were never written");
    }

    @Test
    void wrongKey_isRejected_andNothingStored() {
        var integration = newIntegration();

        var response = h.deliver(integration, BODY, h.sign(Secret.of("not-the-key"), BODY));

        assertRejected(integration, response, "signature_mismatch");
    }

    @Test
    void staleTimestamp_isRejected_andNothingStored() {
        var integration = newIntegration();
        long old = h.clock.instant().minusSeconds(181).getEpochSecond();

        var response = h.deliver(integration, BODY, "t=" + old + ",v1=" + SignatureVerifier.sign(integration.key(), old, BODY));

        assertRejected(integration, response, "signature_stale");
    }

    @Test
    void futureTimestampBeyondSkew_isRejected_andNothingStored() {
        var integration = newIntegration();
        long ahead = h.clock.instant().plusSeconds(31).getEpochSecond();

        var response = h.deliver(integration, BODY, "t=" + ahead + ",v1=" + SignatureVerifier.sign(integration.key(), ahead, BODY));

        assertRejected(integration, response, "signature_future");
    }

    @Test
    void missingHeader_isRejected_andNothingStored() {
        var integration = newIntegration();

        var response = h.deliver(integration, BODY, null);

        assertRejected(integration, response, "signature_missing");
    }

    @Test
    void junkHeader_isRejected_andNothingStored() {
        var integration = newIntegration();

        var response = h.deliver(integration, BODY, "t=now,v1=please");

        assertRejected(integration, response, "signature_malformed");
    }

    @Test
    void anotherIntegrationsKey_onThisUrl_isRejected_andNothingStored() {
        var mine = newIntegration();
        var theirs = newIntegration();

        var response = h.deliver(mine, BODY, h.sign(theirs.key(), BODY));

        assertRejected(mine, response, "signature_mismatch");
        assertTrue(h.inbox(theirs.id()).isEmpty(), "never routed to the integration whose key signed it");
    }

    @Test
    void unknownToken_is404_andNothingStored() {
        var response = h.post(WebhookRoutes.PATH + "/" + WebhookPathTokens.newToken(), BODY, "t=1,v1=" + "0".repeat(64));

        assertEquals(404, response.statusCode());
        assertEquals("unknown_webhook", WebhookHarness.errorCode(response));
    }

    @Test
    void theSeedsSingleUrlWithoutAToken_isGone_andNothingStored() {
        // The payload's owner, verified by its key: all the removed route needed to store it (200).
        var integration = h.integrations.create("tenant-" + UUID.randomUUID(), "TENANT_APP", Secret.of("owner-key"),
                "https://api.calendly.com/users/537e28e9-3e05-42e0-b7a8-b5b9db9a5e20", null);

        var response = h.post(WebhookRoutes.PATH, BODY, h.sign(integration.key(), BODY));

        assertEquals(404, response.statusCode(), response.body());
        assertTrue(h.inbox(integration.id()).isEmpty());
    }

    @Test
    void junkToken_is404() {
        var response = h.post(WebhookRoutes.PATH + "/..%2F..", BODY, null);

        assertEquals(404, response.statusCode());
    }

    @Test
    void disconnectedIntegration_is404_evenWhileItsKeysAreCached() {
        var integration = newIntegration();
        assertEquals(200, h.deliverSigned(integration, BODY).statusCode()); // now cached on this node
        h.integrations.setStatus(integration, "DISCONNECTED");
        byte[] other = CalendlyFixtures.webhook("invitee.canceled.by-host.json");

        var response = h.deliverSigned(integration, other);

        assertEquals(404, response.statusCode(), response.body());
        assertEquals(1, h.inbox(integration.id()).size(), "the delivery after the disconnect was not stored");
    }

    @Test
    void bodyOverTheLimit_is413_byContentLength_beforeTheBodyIsRead() throws Exception {
        var integration = newIntegration();
        // Only the headers are sent: the verdict must come from the declared length alone.
        try (var socket = new java.net.Socket("127.0.0.1", h.app.port())) {
            socket.setSoTimeout(10_000);
            String head = "POST " + WebhookRoutes.PATH + "/" + integration.token() + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Calendly-Webhook-Signature: t=1,v1=" + "0".repeat(64) + "\r\n"
                    + "Content-Length: " + (1024 * 1024 + 1) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            String response = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertEquals("HTTP/1.1 413", response);
        }
        assertTrue(h.inbox(integration.id()).isEmpty());
    }

    @Test
    void bodyOverTheLimit_is413_whenSentChunkedWithoutLength() throws Exception {
        var integration = newIntegration();
        byte[] big = new byte[1024 * 1024 + 10];
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.app.port() + WebhookRoutes.PATH + "/" + integration.token()))
                .header(WebhookRoutes.SIGNATURE_HEADER, h.sign(integration.key(), big))
                .POST(unknownLength(big))
                .build();

        var response = h.http.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(413, response.statusCode());
        assertTrue(h.inbox(integration.id()).isEmpty());
    }

    @Test
    void signedButNotAnEnvelope_is400_countedAndNothingStored() {
        var integration = newIntegration();
        byte[] junk = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);

        var response = h.deliverSigned(integration, junk);

        assertEquals(400, response.statusCode());
        assertEquals("invalid_payload", WebhookHarness.errorCode(response));
        assertTrue(h.inbox(integration.id()).isEmpty());
        assertEquals(List.of("invalid_payload"), h.awaitRejections(integration.id(), 1));
    }

    @Test
    void unknownEvent_isStoredAsIgnored_andNeverReachesTheProcessor() {
        var integration = newIntegration();
        byte[] body = "{\"created_at\":\"2026-05-01T10:00:00.000000Z\",\"event\":\"contact.created\",\"payload\":{\"uri\":\"https://api.calendly.com/contacts/C1\",\"updated_at\":\"2026-05-01T10:00:00.000000Z\"}}"
                .getBytes(StandardCharsets.UTF_8);

        var response = h.deliverSigned(integration, body);
        h.webhooks.worker().drain();

        assertEquals(200, response.statusCode());
        var row = h.inbox(integration.id()).get(0);
        assertEquals("IGNORED", row.status());
        assertEquals("contact.created", row.event());
        assertEquals(0, h.processor.callsFor(row.id()));
    }

    @Test
    void duringKeyRotation_bothKeysVerify_untilThePreviousKeyExpires() {
        var integration = newIntegration();
        Secret newKey = Secret.of("rotated-" + UUID.randomUUID());
        var rotated = h.integrations.rotate(integration, newKey, h.clock.instant().plus(Duration.ofHours(1)));
        h.webhooks.integrationChanged();

        assertEquals(200, h.deliver(integration, BODY, h.sign(integration.key(), BODY)).statusCode());
        byte[] second = CalendlyFixtures.webhook("invitee.canceled.by-host.json");
        assertEquals(200, h.deliver(rotated, second, h.sign(newKey, second)).statusCode());

        h.clock.advance(Duration.ofHours(1));
        h.webhooks.integrationChanged();
        byte[] third = CalendlyFixtures.webhook("invitee.canceled.by-invitee.json");
        var afterGrace = h.deliver(integration, third, h.sign(integration.key(), third));

        assertEquals(401, afterGrace.statusCode());
        assertEquals(2, h.inbox(integration.id()).size());
    }

    @Test
    void keyRotatedOnAnotherNode_verifiesWithoutWaitingForTheCache() {
        var integration = newIntegration();
        assertEquals(200, h.deliverSigned(integration, BODY).statusCode()); // old keys now cached
        Secret newKey = Secret.of("rotated-" + UUID.randomUUID());
        var rotated = h.integrations.rotate(integration, newKey, h.clock.instant().plus(Duration.ofHours(1)));
        h.clock.advance(Duration.ofSeconds(2));
        byte[] second = CalendlyFixtures.webhook("invitee.canceled.by-host.json");

        var response = h.deliver(rotated, second, h.sign(newKey, second));

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void platformKey_verifiesOnlyPlatformAppIntegrations() {
        Secret platformKey = Secret.of("platform-app-key");
        var settings = WebhookSettings.defaults().withWorker(0, 3, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1))
                .withPlatformSigningKey(platformKey);
        try (var platform = new WebhookHarness(db.dataSource(), settings)) {
            var appIntegration = platform.integrations.create("tenant-p", "PLATFORM_APP", null, "https://api.calendly.com/users/P", null);
            var ownApp = platform.integrations.create("tenant-o", "TENANT_APP", Secret.of("own"), "https://api.calendly.com/users/O", null);

            var accepted = platform.deliver(appIntegration, BODY, platform.sign(platformKey, BODY));
            var refused = platform.deliver(ownApp, BODY, platform.sign(platformKey, BODY));

            assertEquals(200, accepted.statusCode(), accepted.body());
            assertEquals(401, refused.statusCode());
            assertTrue(platform.inbox(ownApp.id()).isEmpty());
        }
    }

    @Test
    void integrationWithoutAnyKey_isRejectedSayingSo() {
        var integration = h.integrations.create("tenant-nokey", "TENANT_APP", null, "https://api.calendly.com/users/N", null);

        var response = h.deliver(integration, BODY, h.sign(Secret.of("whatever"), BODY));

        assertEquals(401, response.statusCode());
        assertEquals("signing_key_missing", WebhookHarness.errorCode(response));
    }

    @Test
    void deliveriesAreCountedByOutcome() {
        var integration = newIntegration();
        double acceptedBefore = h.counter("calendly.webhook.deliveries", "outcome", "accepted");
        double staleBefore = h.counter("calendly.webhook.deliveries", "outcome", "rejected", "reason", "signature_stale");

        h.deliverSigned(integration, BODY);
        long old = h.clock.instant().minusSeconds(600).getEpochSecond();
        h.deliver(integration, BODY, "t=" + old + ",v1=" + SignatureVerifier.sign(integration.key(), old, BODY));

        assertEquals(acceptedBefore + 1, h.counter("calendly.webhook.deliveries", "outcome", "accepted"));
        assertEquals(staleBefore + 1, h.counter("calendly.webhook.deliveries", "outcome", "rejected", "reason", "signature_stale"));
    }

    @Test
    void routePrefix_isHonoured() {
        var settings = WebhookSettings.defaults().withWorker(0, 3, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1))
                .withRoutePrefix("/integrations");
        try (var prefixed = new WebhookHarness(db.dataSource(), settings)) {
            var integration = prefixed.integrations.create("tenant-prefix", Secret.of("k"));

            var response = prefixed.post("/integrations" + WebhookRoutes.PATH + "/" + integration.token(), BODY,
                    prefixed.sign(integration.key(), BODY));

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("/integrations/api/webhooks/calendly/" + integration.token(), prefixed.webhooks.webhookPath(integration.token()));
        }
    }

    private static void assertRejected(TestIntegrations.TestIntegration integration, HttpResponse<String> response, String code) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals(code, WebhookHarness.errorCode(response));
        assertTrue(h.inbox(integration.id()).isEmpty(), "nothing stored");
        assertEquals(List.of(code), h.awaitRejections(integration.id(), 1), "the attempt is logged");
    }

    private static HttpRequest.BodyPublisher unknownLength(byte[] bytes) {
        var inner = HttpRequest.BodyPublishers.ofByteArray(bytes);
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return -1; // chunked transfer encoding
            }

            @Override
            public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
                inner.subscribe(subscriber);
            }
        };
    }
}
