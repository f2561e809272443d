package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seed's single URL, kept for hosts that configured it by hand. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // per test: a hang fails it instead of stalling the build
class LegacyEndpointTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static final Secret PLATFORM_KEY = Secret.of("platform-app-key");
    static WebhookHarness h;

    /** invitee.created.basic.json: created_by and the host of its scheduled event. */
    static final String FIXTURE_CREATOR = "https://api.calendly.com/users/537e28e9-3e05-42e0-b7a8-b5b9db9a5e20";
    static final String FIXTURE_HOST = "https://api.calendly.com/users/c2c5d029-918c-466f-b754-c06fb43266ef";

    /** Each test owns fresh Calendly users, so tests cannot see each other's integrations. */
    final String CREATOR = "https://api.calendly.com/users/" + UUID.randomUUID();
    final String HOST = "https://api.calendly.com/users/" + UUID.randomUUID();
    final byte[] BODY = new String(CalendlyFixtures.webhook("invitee.created.basic.json"), StandardCharsets.UTF_8)
            .replace(FIXTURE_CREATOR, CREATOR).replace(FIXTURE_HOST, HOST).getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() {
        h = new WebhookHarness(db.dataSource(), WebhookSettings.defaults()
                .withWorker(0, 3, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1))
                .withPlatformSigningKey(PLATFORM_KEY));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void deliveryVerifiedByItsOwnersKey_isStoredForThatOwner() {
        var owner = h.integrations.create("tenant-owner", "TENANT_APP", Secret.of("owner-key"), CREATOR, null);
        var bystander = h.integrations.create("tenant-bystander", "TENANT_APP", Secret.of("bystander-key"), HOST, null);

        var response = h.post(WebhookRoutes.PATH, BODY, h.sign(owner.key(), BODY));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, h.inbox(owner.id()).size());
        assertTrue(h.inbox(bystander.id()).isEmpty());
    }

    @Test
    void keyOfAnIntegrationThatDoesNotOwnThePayload_isRejected() {
        var outsider = h.integrations.create("tenant-outsider", "TENANT_APP", Secret.of("outsider-key"),
                "https://api.calendly.com/users/" + UUID.randomUUID(), null);
        var owner = h.integrations.create("tenant-owner2", "TENANT_APP", Secret.of("owner2-key"), CREATOR, null);

        var response = h.post(WebhookRoutes.PATH, BODY, h.sign(outsider.key(), BODY));

        assertEquals(401, response.statusCode());
        assertEquals("signature_mismatch", WebhookHarness.errorCode(response));
        assertTrue(h.inbox(outsider.id()).isEmpty());
        assertTrue(h.inbox(owner.id()).isEmpty());
    }

    @Test
    void payloadWithoutAConnectedOwner_is404() {
        h.integrations.create("tenant-other", "TENANT_APP", Secret.of("k"), "https://api.calendly.com/users/" + UUID.randomUUID(), null);

        var response = h.post(WebhookRoutes.PATH, BODY, h.sign(Secret.of("k"), BODY));

        assertEquals(404, response.statusCode());
        assertEquals("unknown_owner", WebhookHarness.errorCode(response));
    }

    @Test
    void twoTenantsVerifyingTheSameDelivery_isRefusedAsAmbiguous() {
        // Two tenants connected the same Calendly account through the operator's OAuth app: the app key
        // verifies for both, and the payload cannot say which one it is for.
        var first = h.integrations.create("tenant-a", "PLATFORM_APP", null, CREATOR, null);
        var second = h.integrations.create("tenant-b", "PLATFORM_APP", null, null, "https://api.calendly.com/organizations/O");
        h.integrations.setStatus(second, "CONNECTED");
        var third = h.integrations.create("tenant-c", "PLATFORM_APP", null, HOST, null);

        var response = h.post(WebhookRoutes.PATH, BODY, h.sign(PLATFORM_KEY, BODY));

        assertEquals(401, response.statusCode());
        assertEquals("signature_ambiguous", WebhookHarness.errorCode(response));
        assertTrue(h.inbox(first.id()).isEmpty());
        assertTrue(h.inbox(third.id()).isEmpty());
    }

    @Test
    void staleSignature_isRejectedBeforeAnyLookup() {
        long old = h.clock.instant().minusSeconds(3600).getEpochSecond();

        var response = h.post(WebhookRoutes.PATH, BODY, "t=" + old + ",v1=" + "a".repeat(64));

        assertEquals(401, response.statusCode());
        assertEquals("signature_stale", WebhookHarness.errorCode(response));
    }

    @Test
    void missingSignature_isRejected() {
        var response = h.post(WebhookRoutes.PATH, BODY, null);

        assertEquals(401, response.statusCode());
        assertEquals("signature_missing", WebhookHarness.errorCode(response));
    }
}
