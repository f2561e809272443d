package io.calbridge.calendly.internal.oauth;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.client.WebhookSubscription;
import io.calbridge.calendly.internal.cluster.CacheInvalidation;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.DeliveryAttempt;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import io.calbridge.sandbox.CalendlySignatures;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The webhook subscription each integration keeps at Calendly. */
class SubscriptionManagerTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static OAuthKit kit;

    @BeforeAll
    static void start() {
        // Failed deliveries disable a subscription after two simulated minutes, in a fraction of a second.
        kit = OAuthKit.start(db.dataSource(), o -> o.retryWindow(Duration.ofMinutes(2))
                .firstRetryDelay(Duration.ofMinutes(1)).timeScale(600), Plan.STANDARD, Role.OWNER);
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    private record Connected(UUID id, SandboxUser user, SandboxOrganization org) {
    }

    /** A user of a fresh organization (so bookings reach only this test's subscriptions), connected by the tenant. */
    private static Connected connect(String tenant, Plan plan, Role role) {
        String n = UUID.randomUUID().toString().substring(0, 8);
        SandboxOrganization org = kit.sb.createOrganization("Org " + n, plan);
        SandboxUser user = kit.sb.createUser(org, "User " + n, n + "@example.com", role, "UTC");
        JsonNode result = kit.connectOAuth(tenant, "u1", kit.tenantAppJson(), user);
        return new Connected(UUID.fromString(result.get("integration_id").asText()), user, org);
    }

    private static List<WebhookSubscription> atCalendlyFor(IntegrationRow row) {
        return kit.node.api(row.id()).webhookSubscriptions(row.calendlyOrganizationUri(), "organization", null)
                .stream().filter(s -> s.callbackUrl().endsWith(kit.node.pathToken(row.id()))).toList();
    }

    private static void book(SandboxUser host) {
        SandboxEventType et = kit.sb.createEventType(host, "Intro " + UUID.randomUUID(), EventKind.SOLO,
                Duration.ofMinutes(30));
        kit.sb.book(BookingRequest.of(et, "Jane Doe", "jane-" + UUID.randomUUID() + "@example.com",
                Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS)));
    }

    @Test
    void aFreeCalendlyPlan_connects_butExplainsThatWebhooksNeedAPaidPlan() {
        Connected c = connect("t-free", Plan.FREE, Role.OWNER);

        IntegrationRow row = kit.node.row(c.id());
        assertEquals(IntegrationStatus.CONNECTED, row.status());
        assertNull(row.subscriptionUri());
        assertTrue(row.subscriptionError().startsWith("webhooks need a paid Calendly plan"), row.subscriptionError());
        SubscriptionStatus again = kit.node.subscriptions().ensure(c.id());
        assertEquals("none", again.state());
        assertTrue(again.error().contains("paid Calendly plan"));
    }

    @Test
    void theSigningKeyWeStore_isTheKeyCalendlySignsDeliveriesWith() throws Exception {
        Connected c = connect("t-signed", Plan.STANDARD, Role.OWNER);
        IntegrationRow row = kit.node.row(c.id());
        Secret key = kit.node.open(c.id(), Purpose.SIGNING_KEY, row.signingKeyEnc());

        book(c.user());
        DeliveryAttempt d = kit.sb.awaitAttempts(a -> row.subscriptionUri().equals(a.subscriptionUri()), 1,
                Duration.ofSeconds(10)).get(0);

        String header = d.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Calendly-Webhook-Signature"))
                .findFirst().orElseThrow().getValue();
        String t = header.split(",")[0].substring(2);
        String v1 = header.split(",")[1].substring(3);
        assertEquals(CalendlySignatures.v1(new String(key.revealUtf8(), UTF_8), Long.parseLong(t), d.body()), v1);
        assertEquals(kit.settings().webhookUrl(kit.node.pathToken(row.id())), d.url());
    }

    @Test
    void aSubscriptionCalendlyDisabled_isRecreated_andTheGapIsRecordedFromRetryStartedAt() throws Exception {
        Connected c = connect("t-disabled", Plan.STANDARD, Role.OWNER);
        IntegrationRow before = kit.node.row(c.id());
        Secret oldKey = kit.node.open(c.id(), Purpose.SIGNING_KEY, before.signingKeyEnc());
        book(c.user()); // our test host answers 404 to deliveries: Calendly retries, then disables
        awaitState(before.subscriptionUri(), "disabled");
        Instant retryStartedAt = kit.node.api(c.id()).webhookSubscription(before.subscriptionUri()).retryStartedAt();
        assertNotNull(retryStartedAt);
        kit.clock.advance(Duration.ofMinutes(10)); // the check interval (15 min) halved has passed

        int checked = kit.node.subscriptions().checkAll();

        assertTrue(checked >= 1);
        IntegrationRow after = kit.node.row(c.id());
        assertNotEquals(before.subscriptionUri(), after.subscriptionUri());
        assertEquals("active", kit.sb.subscriptionState(after.subscriptionUri()).orElse("missing"));
        assertTrue(kit.sb.subscriptionState(before.subscriptionUri()).isEmpty(), "the disabled one is deleted");
        assertEquals(retryStartedAt.truncatedTo(ChronoUnit.MILLIS),
                after.subscriptionGapStartedAt().truncatedTo(ChronoUnit.MILLIS));
        assertNull(after.subscriptionError());
        assertEquals(oldKey, kit.node.open(c.id(), Purpose.PREVIOUS_SIGNING_KEY, after.previousSigningKeyEnc()),
                "the old key still verifies deliveries signed before the swap");
        assertTrue(after.previousSigningKeyUntil().isAfter(kit.clock.instant()));
        assertNotEquals(oldKey, kit.node.open(c.id(), Purpose.SIGNING_KEY, after.signingKeyEnc()));
    }

    @Test
    void aSubscriptionDeletedInCalendly_isRecreated_withTheGapFromTheLastGoodCheck() {
        Connected c = connect("t-vanished", Plan.STANDARD, Role.OWNER);
        IntegrationRow before = kit.node.row(c.id());
        kit.node.api(c.id()).deleteWebhookSubscription(before.subscriptionUri());
        kit.clock.advance(Duration.ofMinutes(10));

        kit.node.subscriptions().checkAll();

        IntegrationRow after = kit.node.row(c.id());
        assertNotEquals(before.subscriptionUri(), after.subscriptionUri());
        assertEquals("active", kit.sb.subscriptionState(after.subscriptionUri()).orElse("missing"));
        assertEquals(before.subscriptionCheckedAt(), after.subscriptionGapStartedAt());
    }

    @Test
    void aRecreatedSubscriptionsNewSigningKey_isAnnouncedToEveryNode() throws Exception {
        Connected c = connect("t-announced", Plan.STANDARD, Role.OWNER);
        IntegrationRow before = kit.node.row(c.id());
        List<UUID> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        CacheInvalidation otherNode = CacheInvalidation.create(kit.node.db);
        otherNode.subscribe(new CacheInvalidation.Handler() {
            @Override
            public void tenantChanged(String tenantId) {
            }

            @Override
            public void integrationChanged(UUID integrationId) {
                heard.add(integrationId);
            }

            @Override
            public void everythingChanged() {
            }
        });
        otherNode.start();
        try {
            eventually("the other node trusting its caches").until(otherNode::trusted);
            kit.node.api(c.id()).deleteWebhookSubscription(before.subscriptionUri());
            kit.clock.advance(Duration.ofMinutes(10));

            kit.node.subscriptions().checkAll();

            // The webhook lookup of the other node keeps the old key as current for up to an hour otherwise.
            assertNotEquals(before.subscriptionUri(), kit.node.row(c.id()).subscriptionUri());
            eventually("the other node hearing the invalidation").until(() -> heard.contains(c.id()));
        } finally {
            otherNode.stop();
        }
    }

    @Test
    void aRoundChecksEveryDueIntegration_inBatches_notOneBatch() {
        for (int i = 0; i < 3; i++) {
            connect("t-batch-" + i, Plan.STANDARD, Role.OWNER);
        }
        var dsl = kit.node.db.dsl();
        int connected = dsl.fetchCount(CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.STATUS.eq("CONNECTED"));
        kit.clock.advance(Duration.ofHours(1)); // every integration is due

        int checked = kit.node.subscriptions().checkAll(2);

        assertTrue(checked >= 3, "checked " + checked + " of " + connected);
        assertEquals(0, dsl.fetchCount(CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.STATUS.eq("CONNECTED")
                .and(CALENDLY_INTEGRATION.SUBSCRIPTION_CHECKED_AT.lt(kit.clock.instant().minus(Duration.ofMinutes(1))
                        .atOffset(java.time.ZoneOffset.UTC)))), "none left unchecked");
    }

    @Test
    void aHealthySubscription_isOnlyChecked() {
        Connected c = connect("t-healthy", Plan.STANDARD, Role.OWNER);
        IntegrationRow before = kit.node.row(c.id());
        kit.clock.advance(Duration.ofMinutes(10));

        kit.node.subscriptions().checkAll();

        IntegrationRow after = kit.node.row(c.id());
        assertEquals(before.subscriptionUri(), after.subscriptionUri());
        assertNull(after.subscriptionGapStartedAt());
        assertTrue(after.subscriptionCheckedAt().isAfter(before.subscriptionCheckedAt()));
    }

    @Test
    void aScopeOverride_replacesTheOrganizationSubscriptionWithAUserOne() {
        Connected c = connect("t-override", Plan.STANDARD, Role.OWNER);
        IntegrationRow before = kit.node.row(c.id());
        assertEquals("organization", before.subscriptionScope());
        kit.node.db.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.SUBSCRIPTION_SCOPE_OVERRIDE, "user")
                .where(CALENDLY_INTEGRATION.ID.eq(c.id())).execute();

        SubscriptionStatus status = kit.node.subscriptions().ensure(c.id());

        assertEquals("user", status.scope());
        assertNull(status.error());
        WebhookSubscription now = kit.node.api(c.id()).webhookSubscription(status.subscriptionUri());
        assertEquals(c.user().uri(), now.user());
        assertTrue(!now.events().contains(SubscriptionManager.ROUTING_EVENT));
        assertTrue(kit.sb.subscriptionState(before.subscriptionUri()).isEmpty());
    }

    @Test
    void aSubscriptionForOurUrlWithAKeyWeDoNotKnow_isReplacedAfter409() {
        Connected c = connect("t-409", Plan.STANDARD, Role.OWNER);
        IntegrationRow before = kit.node.row(c.id());
        // As if our write after creating it had been lost: Calendly has it, we do not.
        kit.node.db.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_URI, (String) null)
                .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, (byte[]) null)
                .where(CALENDLY_INTEGRATION.ID.eq(c.id())).execute();

        SubscriptionStatus status = kit.node.subscriptions().ensure(c.id());

        assertNull(status.error(), status.error());
        assertNotEquals(before.subscriptionUri(), status.subscriptionUri());
        IntegrationRow after = kit.node.row(c.id());
        assertNotNull(after.signingKeyEnc());
        List<WebhookSubscription> ours = atCalendlyFor(after);
        assertEquals(1, ours.size(), "exactly one subscription for our URL");
        assertEquals(after.subscriptionUri(), ours.get(0).uri());
    }

    @Test
    void aNewPublicBaseUrl_movesTheSubscription_creatingTheNewOneBeforeDeletingTheOld() {
        Connected c = connect("t-moved", Plan.STANDARD, Role.OWNER);
        IntegrationRow before = kit.node.row(c.id());
        OAuthSettings old = kit.settings();
        OAuthSettings moved = new OAuthSettings(URI.create("http://localhost:" + kit.port), "",
                old.platformApp(), null, old.scopes(), null, old.tokenRefreshMargin(), old.subscriptionCheckInterval(),
                old.client());
        OAuthKit.Node movedNode = kit.new Node(db.dataSource(), moved);

        SubscriptionStatus status = movedNode.subscriptions().ensure(c.id());

        assertEquals(moved.webhookUrl(kit.node.pathToken(before.id())), status.callbackUrl());
        assertEquals("active", kit.sb.subscriptionState(status.subscriptionUri()).orElse("missing"));
        assertTrue(kit.sb.subscriptionState(before.subscriptionUri()).isEmpty());
        assertNull(kit.node.row(c.id()).subscriptionGapStartedAt(), "new before old: no gap");
    }

    @Test
    void whileAnotherNodeWorksOnTheSubscription_ensureLeavesItAlone() {
        Connected c = connect("t-busy", Plan.STANDARD, Role.OWNER);
        Instant now = kit.clock.instant();
        new IntegrationStore().claimSubscriptionLease(kit.node.db.dsl(), c.id(), "other-node", now, now.plusSeconds(60));
        kit.sb.stats().reset();

        SubscriptionStatus status = kit.node.subscriptions().ensure(c.id());

        assertEquals("busy", status.state());
        assertEquals(0, kit.sb.stats().apiRequests("/webhook_subscriptions"));
    }

    @Test
    void aUserWithoutAdminRights_getsAUserScopeSubscriptionWithoutRoutingForms() {
        Connected c = connect("t-member", Plan.STANDARD, Role.USER);

        IntegrationRow row = kit.node.row(c.id());
        assertEquals("user", row.subscriptionScope());
        WebhookSubscription s = kit.node.api(c.id()).webhookSubscription(row.subscriptionUri());
        assertEquals(SubscriptionManager.INVITEE_EVENTS.size(), s.events().size());
    }

    private static void awaitState(String subscriptionUri, String state) {
        eventually("the subscription " + state).until(() -> state.equals(kit.sb.subscriptionState(subscriptionUri).orElse(null)));
    }
}
