package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS) // per test: a hang fails it instead of stalling the build
class InboxWorkerTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static final int MAX_ATTEMPTS = 3;

    WebhookHarness h;
    TestIntegrations.TestIntegration integration;

    @BeforeEach
    void start() {
        // The worker claims any tenant's due rows: start every test from an empty inbox.
        new io.calbridge.calendly.internal.common.Db(db.dataSource()).dsl()
                .deleteFrom(io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX).execute();
        h = new WebhookHarness(db.dataSource(), WebhookSettings.defaults()
                .withWorker(0, MAX_ATTEMPTS, Duration.ofMinutes(2), Duration.ofSeconds(1)));
        integration = h.integrations.create("tenant-" + UUID.randomUUID(), Secret.of("k-" + UUID.randomUUID()));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void failedAttempt_isRetriedAfterBackoff_thenDone() {
        long id = store("I1");
        h.processor.behave(d -> {
            if (d.attempt() == 1) {
                throw new IllegalStateException("CRM timed out");
            }
            return ProcessingResult.PROCESSED;
        });

        h.webhooks.worker().runOnce();

        var row = h.row(id);
        assertEquals("PENDING", row.status());
        assertEquals(1, row.attempts());
        assertEquals("IllegalStateException: CRM timed out", row.lastError());
        assertEquals(0, h.webhooks.worker().runOnce(), "not due before its backoff");

        h.clock.advance(Duration.ofSeconds(15)); // the first retry waits 7.5 to 15 s
        assertEquals(1, h.webhooks.worker().runOnce());

        row = h.row(id);
        assertEquals("DONE", row.status());
        assertEquals(2, row.attempts());
        assertNull(row.lastError());
    }

    @Test
    void aDatabaseErrorQuotingInviteeData_isKeptAsItsTypeAndSqlStateOnly() {
        long id = store("I-sql");
        h.processor.behave(d -> {
            throw new IllegalStateException("insert failed", new java.sql.SQLException(
                    "ERROR: duplicate key value violates unique constraint\n  Detail: Key (email)=(jane.private@example.com) already exists.",
                    "23505"));
        });

        h.webhooks.worker().runOnce();

        String error = h.row(id).lastError();
        assertEquals("IllegalStateException (SQLSTATE 23505; the database's message is not kept: it can quote invitee data)",
                error);
    }

    @Test
    void backoff_doublesPerAttempt_withJitter_upToTheCap() {
        var worker = h.webhooks.worker();

        for (int attempt = 1; attempt <= 12; attempt++) {
            long nominal = Math.min(Duration.ofMinutes(30).toMillis(), 15_000L << (attempt - 1));
            long delay = worker.backoff(attempt).toMillis();
            assertTrue(delay >= nominal / 2 && delay <= nominal, "attempt " + attempt + ": " + delay + " ms");
        }
        assertTrue(worker.backoff(1000).compareTo(Duration.ofMinutes(30)) <= 0);
    }

    @Test
    void deliveryFailingEveryAttempt_isDeadLetteredAfterMaxAttempts() {
        long id = store("I2");
        h.processor.behave(d -> {
            throw new IllegalStateException("list 42 is gone");
        });

        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            h.webhooks.worker().runOnce();
            h.clock.advance(Duration.ofMinutes(31));
        }

        var row = h.row(id);
        assertEquals("DEAD", row.status());
        assertEquals(MAX_ATTEMPTS, row.attempts());
        assertEquals("gave up after 3 attempts: IllegalStateException: list 42 is gone", row.lastError());
        assertEquals(1, h.deadLettered.stream().filter(e -> e.startsWith(id + ": gave up after 3 attempts")).count(),
                "the host hears of it once, after the last attempt only");
        assertEquals(MAX_ATTEMPTS, h.processor.callsFor(id));
        assertEquals(0, h.webhooks.worker().runOnce());
        assertEquals(1.0, h.counter("calendly.webhook.processed", "result", "dead"));
    }

    @Test
    void permanentFailure_isDeadLetteredAtOnce() {
        long id = store("I3");
        h.processor.behave(d -> {
            throw new PermanentProcessingException("the mapping points at a deleted list; pick another list");
        });

        h.webhooks.worker().runOnce();

        var row = h.row(id);
        assertEquals("DEAD", row.status());
        assertEquals(1, row.attempts());
        assertEquals("the mapping points at a deleted list; pick another list", row.lastError());
        assertEquals(java.util.List.of(id + ": the mapping points at a deleted list; pick another list"),
                h.deadLettered.stream().filter(e -> e.startsWith(id + ": ")).toList(), "the host hears of it once");
    }

    @Test
    void ignoredByTheProcessor_isMarkedIgnored() {
        long id = store("I4");
        h.processor.behave(d -> ProcessingResult.IGNORED);

        h.webhooks.worker().runOnce();

        assertEquals("IGNORED", h.row(id).status());
    }

    @Test
    void rowOfANodeThatDied_isReclaimedAfterItsLease_andProcessed() {
        long id = store("I5");
        Instant now = h.clock.instant();
        var claimed = h.db.tx(dsl -> h.sealedInbox().claim(dsl, "node-that-dies", 10, now, now.plus(Duration.ofMinutes(2))));
        assertEquals(List.of(id), claimed.stream().map(StoredDelivery::inboxId).toList());

        assertEquals(0, h.webhooks.worker().runOnce(), "still leased to the dead node");
        h.clock.advance(Duration.ofMinutes(2).plusSeconds(2));
        h.webhooks.worker().runOnce();

        var row = h.row(id);
        assertEquals("DONE", row.status());
        assertEquals(2, row.attempts(), "the attempt the dead node started counts");
        assertEquals(1, h.processor.callsFor(id));
    }

    @Test
    void rowThatKillsItsWorkerEveryTime_isDeadLetteredInsteadOfLoopingForever() {
        long id = store("I6");
        var inbox = h.sealedInbox();
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            Instant now = h.clock.instant();
            assertEquals(1, h.db.tx(dsl -> inbox.claim(dsl, "crashing-node", 10, now, now.plus(Duration.ofMinutes(2)))).size());
            h.clock.advance(Duration.ofMinutes(3)); // the node died; its lease runs out
            assertEquals(Integer.valueOf(1), h.db.tx(dsl -> inbox.reclaimExpired(dsl, h.clock.instant(), MAX_ATTEMPTS)));
        }

        var row = h.row(id);
        assertEquals("DEAD", row.status());
        assertEquals("lease expired: node crashing-node stopped while processing", row.lastError());
        assertEquals(0, h.webhooks.worker().runOnce());
    }

    @Test
    void twoNodes_processEveryDeliveryExactlyOnce() throws Exception {
        twoNodesApplyEachOnce(WebhookSettings.defaults().withWorker(2, MAX_ATTEMPTS, Duration.ofMinutes(2), Duration.ofMillis(50)),
                false);
    }

    @Test
    void storedDelivery_wakesTheLocalWorkerWithoutWaitingForThePoll() throws Exception {
        var settings = WebhookSettings.defaults().withWorker(1, MAX_ATTEMPTS, Duration.ofMinutes(2), Duration.ofHours(1));
        try (var node = new WebhookHarness(db.dataSource(), settings)) {
            var mine = node.integrations.create("tenant-wake", Secret.of("wake-key"));
            byte[] body = CalendlyFixtures.webhook("invitee.created.basic.json");
            // Only once the thread waits its hour is a prompt DONE the wake-up's doing, not its first claim.
            await().atMost(Duration.ofSeconds(10)).until(InboxWorkerTest::aWorkerWaitsForWork);

            assertEquals(200, node.deliverSigned(mine, body).statusCode());

            long id = node.inbox(mine.id()).get(0).id();
            awaitAll(List.of(id), "DONE");
        }
    }

    @Test
    void gracefulStop_finishesTheRunningDelivery_andGivesTheRestBack() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(store("S" + i));
        }
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var node = new WebhookHarness(db.dataSource(), WebhookSettings.defaults()
                .withWorker(0, MAX_ATTEMPTS, Duration.ofMinutes(2), Duration.ofMillis(50)));
        // The behaviour is in place before any thread claims: a delivery processed with the default one
        // would be a second DONE row.
        node.processor.behave(d -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ProcessingResult.PROCESSED;
        });
        node.webhooks.worker().start(1);
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        Thread stopper = new Thread(node::close, "stopper");
        stopper.start();
        // stop() joins the worker threads (TIMED_WAITING) only after it has asked them to stop: from
        // then on no claimed delivery may start. Released earlier, the next one would legitimately run.
        await().atMost(Duration.ofSeconds(10)).until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        stopper.join(15_000);

        assertEquals(1, node.processor.seen.size(), "started after the stop: " + node.processor.seen);
        assertEquals(1, ids.stream().filter(id -> h.row(id).status().equals("DONE")).count());
        for (long id : ids) {
            var row = h.row(id);
            if (row.status().equals("PENDING")) {
                assertEquals(0, row.attempts(), "an unstarted claim is not an attempt");
            }
        }
        assertEquals(4, ids.stream().filter(id -> h.row(id).status().equals("PENDING")).count());
    }

    @Test
    void aBatch_isAppliedInOneCall_andItsRowsAreMarkedTogether() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(store("B" + i));
        }
        h.processor.batching(true);
        h.processor.behave(d -> d.inboxId() == ids.get(2) ? ProcessingResult.IGNORED : ProcessingResult.PROCESSED);

        assertEquals(5, h.webhooks.worker().runOnce());

        assertEquals(List.of(5), h.processor.batchSizes);
        for (long id : ids) {
            assertEquals(id == ids.get(2) ? "IGNORED" : "DONE", h.row(id).status(), "delivery " + id);
            assertEquals(1, h.processor.appliedTimes(id));
        }
        assertEquals(4.0, h.counter("calendly.webhook.processed", "result", "done"));
    }

    @Test
    void aBatchWithAPoisonDelivery_appliesTheOthersOnce_andRetriesThePoisonAlone() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(store("P" + i));
        }
        long poison = ids.get(3);
        h.processor.batching(true);
        h.processor.behave(d -> {
            if (d.inboxId() == poison) {
                throw new IllegalStateException("CRM refused it");
            }
            return ProcessingResult.PROCESSED;
        });

        assertEquals(5, h.webhooks.worker().runOnce());

        for (long id : ids) {
            if (id == poison) {
                assertEquals("PENDING", h.row(id).status());
                assertEquals("IllegalStateException: CRM refused it", h.row(id).lastError());
                assertEquals(0, h.processor.appliedTimes(id));
            } else {
                assertEquals("DONE", h.row(id).status(), "delivery " + id);
                assertEquals(1, h.processor.appliedTimes(id), "delivery " + id + " applied exactly once");
            }
        }
        assertEquals(1.0, h.counter("calendly.webhook.batch.fallbacks"));
        assertEquals(1.0, h.counter("calendly.webhook.processed", "result", "retry"));

        h.clock.advance(Duration.ofMinutes(31));
        assertEquals(1, h.webhooks.worker().runOnce(), "only the poison delivery is due again");
        assertEquals(List.of(5), h.processor.batchSizes, "a batch of one goes straight to process()");
    }

    @Test
    void aBatchWithADeliveryThatCanNeverBeApplied_deadLettersItAtOnce_andAppliesTheOthers() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(store("D" + i));
        }
        long poison = ids.get(0);
        h.processor.batching(true);
        h.processor.behave(d -> {
            if (d.inboxId() == poison) {
                throw new PermanentProcessingException("the body is not JSON");
            }
            return ProcessingResult.PROCESSED;
        });

        h.webhooks.worker().runOnce();

        assertEquals("DEAD", h.row(poison).status());
        assertEquals("the body is not JSON", h.row(poison).lastError());
        assertEquals("DONE", h.row(ids.get(1)).status());
        assertEquals("DONE", h.row(ids.get(2)).status());
        assertEquals(1, h.processor.appliedTimes(ids.get(1)));
        assertEquals(1, h.processor.appliedTimes(ids.get(2)));
    }

    @Test
    void twoBatchingNodes_processEveryDeliveryExactlyOnce() throws Exception {
        var settings = WebhookSettings.defaults().withWorker(2, MAX_ATTEMPTS, Duration.ofMinutes(2), Duration.ofMillis(50))
                .withBatchSize(7);
        var nodes = twoNodesApplyEachOnce(settings, true);
        for (var node : nodes) {
            assertTrue(!node.processor.batchSizes.isEmpty() && node.processor.batchSizes.stream().allMatch(size -> size <= 7),
                    node.processor.batchSizes.toString());
        }
    }

    /** 200 deliveries, two nodes with these settings over one inbox: each delivery applied once, by either. */
    private List<WebhookHarness> twoNodesApplyEachOnce(WebhookSettings settings, boolean batching) throws Exception {
        int n = 200;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(store("N" + i));
        }
        try (var poolA = db.newPool(4); var poolB = db.newPool(4)) {
            var nodeA = new WebhookHarness(poolA, settings, p -> p.batching(batching));
            var nodeB = new WebhookHarness(poolB, settings, p -> p.batching(batching));
            try {
                awaitAll(ids, "DONE");
            } finally {
                nodeA.close();
                nodeB.close();
            }
            for (long id : ids) {
                assertEquals(1, nodeA.processor.appliedTimes(id) + nodeB.processor.appliedTimes(id), "delivery " + id);
            }
            assertTrue(nodeA.processor.seen.size() > 0 && nodeB.processor.seen.size() > 0, "both nodes took part");
            return List.of(nodeA, nodeB);
        }
    }

    @Test
    void aWorkerStartedAgainAfterAStop_processesDeliveries() {
        var worker = h.webhooks.worker();
        worker.start(1);
        worker.stop(Duration.ofSeconds(10));
        worker.start(1);
        try {
            long id = store("A1");
            worker.wake();

            awaitAll(List.of(id), "DONE");
        } finally {
            worker.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void replay_makesADoneDeliveryDueAgain_andOtherTenantsGet404() {
        long id = store("R1");
        h.webhooks.worker().runOnce();
        var ops = h.webhooks.operations();

        var result = ops.replay(integration.tenantId(), id);
        h.webhooks.worker().runOnce();

        assertEquals("DONE", result.previousStatus());
        assertEquals(2, h.processor.callsFor(id));
        assertEquals("DONE", h.row(id).status());
        var e = assertThrows(ApiException.class, () -> ops.replay("another-tenant", id));
        assertEquals(404, e.status());
        assertEquals(404, assertThrows(ApiException.class, () -> ops.replay(integration.tenantId(), 987654321L)).status());
    }

    @Test
    void replayOfADeliveryBeingProcessed_is409() {
        long id = store("R2");
        Instant now = h.clock.instant();
        h.db.tx(dsl -> h.sealedInbox().claim(dsl, "busy-node", 10, now, now.plus(Duration.ofMinutes(2))));

        var e = assertThrows(ApiException.class, () -> h.webhooks.operations().replay(integration.tenantId(), id));

        assertEquals(409, e.status());
        assertEquals("replay_in_progress", e.code());
    }

    @Test
    void replayDeadLetters_replaysOnlyThatIntegrationsDeadDeliveries() {
        long dead1 = store("D1");
        long dead2 = store("D2");
        var other = h.integrations.create(integration.tenantId(), Secret.of("other"));
        long otherDead = store(other, "D3");
        h.processor.behave(d -> {
            throw new PermanentProcessingException("broken mapping");
        });
        h.webhooks.worker().drain();
        h.processor.behave(d -> ProcessingResult.PROCESSED);
        var ops = h.webhooks.operations();

        assertEquals(2, ops.replayDeadLetters(integration.tenantId(), integration.id()));
        h.webhooks.worker().drain();

        assertEquals("DONE", h.row(dead1).status());
        assertEquals("DONE", h.row(dead2).status());
        assertEquals("DEAD", h.row(otherDead).status());
        assertEquals(1, h.row(dead1).attempts(), "replayed with fresh attempts");
        assertEquals(404, assertThrows(ApiException.class,
                () -> ops.replayDeadLetters("another-tenant", integration.id())).status());
        assertEquals(0, ops.replayDeadLetters(integration.tenantId(), integration.id()));
    }

    @Test
    void inboxDepth_countsWaitingAndDeadDeliveries() {
        var before = h.webhooks.operations().inboxDepth();
        store("Q1");
        store("Q2");

        var after = h.webhooks.operations().inboxDepth();

        assertEquals(before.pending() + 2, after.pending());
    }

    private long store(String inviteeId) {
        return store(integration, inviteeId);
    }

    private long store(TestIntegrations.TestIntegration target, String inviteeId) {
        String body = "{\"created_at\":\"2026-04-19T20:58:39.000000Z\",\"event\":\"invitee.created\",\"payload\":{\"uri\":"
                + "\"https://api.calendly.com/scheduled_events/E/invitees/" + inviteeId + "-" + UUID.randomUUID() + "\"}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var response = h.deliverSigned(target, bytes);
        assertEquals(200, response.statusCode(), response.body());
        var rows = h.inbox(target.id());
        return rows.get(rows.size() - 1).id();
    }

    private void awaitAll(List<Long> ids, String status) {
        await("all deliveries " + status).atMost(Duration.ofSeconds(30))
                .until(() -> ids.stream().allMatch(id -> status.equals(h.row(id).status())));
    }

    private static boolean aWorkerWaitsForWork() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getName().startsWith("calendly-webhook-worker-")
                && e.getKey().getState() == Thread.State.TIMED_WAITING
                && java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("awaitWork")));
    }
}
