package io.calbridge.calendly.internal.webhook;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestClock;
import io.calbridge.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kill -9 of a worker JVM in the middle of a batch loses nothing and applies nothing twice. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // per test: a hang fails it instead of stalling the build
class WorkerCrashTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static final int DELIVERIES = 100;

    @Test
    void workerKilledMidBatch_afterRestartEveryDeliveryIsAppliedExactlyOnce() throws Exception {
        Db direct = new Db(db.dataSource());
        var integration = new TestIntegrations(direct, WebhookHarness.keyring(direct, Clock.systemUTC()))
                .create("tenant-crash", Secret.of("crash-key"));
        seed(direct, integration);
        Path log = Files.createTempFile("worker-main", ".log");

        Process child = new ProcessBuilder(javaBinary(), "-cp", testClasspath(), WorkerMain.class.getName(),
                db.jdbcUrl(), db.server().user(), db.server().password() == null ? "" : db.server().password(), "child-node")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int effectsAtKill;
        int inFlightAtKill;
        try {
            awaitEffects(direct, 25, child, log);
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        // A dead client's last COMMIT may still be executing: measure once its sessions are gone.
        awaitSessionsGone(direct);
        effectsAtKill = effects(direct);
        inFlightAtKill = count(direct, "PROCESSING");
        assertTrue(effectsAtKill < DELIVERIES, "killed before it finished: " + effectsAtKill);
        assertTrue(inFlightAtKill > 0, "killed while it held claimed rows");

        // The restarted node runs as if the dead node's lease had run out.
        TestClock afterLease = TestClock.shifted();
        afterLease.advance(Duration.ofMinutes(2).plusSeconds(5));
        var settings = WebhookSettings.defaults().withWorker(0, 10, Duration.ofMinutes(2), Duration.ofMillis(1));
        var restarted = new InboxWorker(direct, new WebhookInbox(), new LedgerProcessor(direct, 0),
                new WebhookMetrics(new SimpleMeterRegistry(), false), afterLease, "restarted-node", settings);
        restarted.drain();

        assertEquals(DELIVERIES, count(direct, "DONE"), Files.readString(log));
        assertEquals(DELIVERIES, effects(direct), "one effect per delivery, none twice");
        int attempts = direct.dsl().select(org.jooq.impl.DSL.sum(CALENDLY_WEBHOOK_INBOX.ATTEMPTS)).from(CALENDLY_WEBHOOK_INBOX)
                .fetchOne(0, Integer.class);
        assertTrue(attempts >= DELIVERIES + inFlightAtKill, "the interrupted deliveries were attempted again: " + attempts);
    }

    private static void seed(Db direct, TestIntegrations.TestIntegration integration) {
        List<WebhookInbox.NewDelivery> deliveries = new ArrayList<>();
        for (int i = 0; i < DELIVERIES; i++) {
            String body = "{\"event\":\"invitee.created\",\"payload\":{\"uri\":\"https://api.calendly.com/scheduled_events/E/invitees/"
                    + UUID.randomUUID() + "\"}}";
            var envelope = parse(body);
            deliveries.add(new WebhookInbox.NewDelivery(integration.tenantId(), integration.id(), envelope.event(),
                    envelope.dedupeKey(), body.getBytes(StandardCharsets.UTF_8), null, java.time.Instant.now(),
                    java.time.Instant.now(), true));
        }
        assertEquals(DELIVERIES, new WebhookInbox().insertNew(direct.dsl(), deliveries).size());
    }

    private static DeliveryEnvelope parse(String body) {
        try {
            return DeliveryEnvelope.parse(body.getBytes(StandardCharsets.UTF_8));
        } catch (DeliveryEnvelope.InvalidPayload e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitEffects(Db direct, int n, Process child, Path log) throws Exception {
        try {
            eventually(n + " effects").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                    .until(() -> effects(direct) >= n || !child.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the worker process did not get going:\n" + Files.readString(log), e);
        }
        if (!child.isAlive()) {
            throw new AssertionError("the worker process ended:\n" + Files.readString(log));
        }
    }

    private static void awaitSessionsGone(Db direct) {
        eventually("the killed worker's sessions to end").pollInterval(Duration.ofMillis(10))
                .until(() -> direct.dsl().fetchCount(org.jooq.impl.DSL.table(org.jooq.impl.DSL.name("pg_stat_activity")),
                        org.jooq.impl.DSL.field(org.jooq.impl.DSL.name("application_name"), String.class)
                                .eq(WorkerMain.APPLICATION_NAME)) == 0);
    }

    private static int effects(Db direct) {
        return direct.dsl().fetchCount(CALENDLY_EFFECT_LEDGER, CALENDLY_EFFECT_LEDGER.TENANT_ID.eq("tenant-crash"));
    }

    private static int count(Db direct, String status) {
        return direct.dsl().fetchCount(CALENDLY_WEBHOOK_INBOX, CALENDLY_WEBHOOK_INBOX.STATUS.eq(status));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Everything this test runs with, as one class path: the module path (the plugin and what it requires) and the class path. */
    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path", "");
        return modules.isBlank() ? cp : modules + File.pathSeparator + cp;
    }
}
