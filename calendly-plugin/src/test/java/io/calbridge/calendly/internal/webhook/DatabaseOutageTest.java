package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.fixtures.CalendlyFixtures;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TcpProxy;
import io.calbridge.testing.TestDatabase;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database goes away under a running endpoint, then comes back. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // per test: a hang fails it instead of stalling the build
class DatabaseOutageTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void databaseDown_answers503_andTheRetryAfterItComesBackIsStoredOnce() throws Exception {
        URI target = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        Db direct = new Db(db.dataSource());
        try (var proxy = new TcpProxy(target.getHost(), target.getPort()); var pool = pool(proxy.port())) {
            var h = new WebhookHarness(pool, WebhookSettings.defaults()
                    .withWorker(0, 3, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1)));
            try {
                var warm = h.integrations.create("tenant-outage", Secret.of("outage-key"));
                var cold = h.integrations.create("tenant-outage-2", Secret.of("outage-key-2"));
                byte[] first = CalendlyFixtures.webhook("invitee.created.basic.json");
                byte[] second = CalendlyFixtures.webhook("invitee.canceled.by-host.json");
                assertEquals(200, h.deliverSigned(warm, first).statusCode()); // its keys are now cached

                proxy.stop();
                var whileDownCached = h.deliverSigned(warm, second);
                var whileDownUncached = h.deliverSigned(cold, second);

                assertEquals(503, whileDownCached.statusCode(), whileDownCached.body());
                assertEquals("database_unavailable", WebhookHarness.errorCode(whileDownCached));
                assertEquals(503, whileDownUncached.statusCode(), whileDownUncached.body());
                assertEquals(1, rows(direct, warm).size());
                assertEquals(0, rows(direct, cold).size());

                proxy.start();
                h.clock.advance(Duration.ofSeconds(30)); // Calendly's retry, signed anew
                var retriedWarm = Awaitility.await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5))
                        .until(() -> h.deliverSigned(warm, second), r -> r.statusCode() == 200); // the circuit's probe
                var retriedCold = h.deliverSigned(cold, second);

                assertEquals(200, retriedWarm.statusCode(), retriedWarm.body());
                assertEquals(200, retriedCold.statusCode(), retriedCold.body());
                assertEquals(2, rows(direct, warm).size());
                assertArrayEquals(second, rows(direct, warm).get(1));
                assertArrayEquals(second, rows(direct, cold).get(0));
                h.webhooks.worker().drain();
                assertEquals(3, h.processor.seen.stream() // the schema is the class's: count this test's integrations only
                        .filter(d -> d.integrationId().equals(warm.id()) || d.integrationId().equals(cold.id())).count());
            } finally {
                h.close();
            }
        }
    }

    @Test
    void databaseDown_answers503WithRetryAfterWithinTwoSeconds_recoversAtOnce_andLosesNothing() throws Exception {
        URI target = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        Db direct = new Db(db.dataSource());
        // HikariCP's default checkout timeout (30 s), as a host's pool would have it.
        try (var proxy = new TcpProxy(target.getHost(), target.getPort()); var pool = pool(proxy.port(), 30_000)) {
            var h = new WebhookHarness(pool, WebhookSettings.defaults()
                    .withWorker(0, 3, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1)));
            var senders = Executors.newFixedThreadPool(4);
            try {
                var integration = h.integrations.create("tenant-steady", Secret.of("steady-key"));
                assertEquals(200, h.deliverSigned(integration, delivery(0)).statusCode());

                proxy.stop();
                long down = System.nanoTime();
                List<Future<long[]>> sent = new ArrayList<>();
                for (int sender = 0; sender < 4; sender++) {
                    int first = 1 + sender * 6;
                    sent.add(senders.submit(() -> {
                        long[] outcome = new long[6 * 3];
                        // A steady stream, one delivery per sender every 250 ms: the pacing is the load under test,
                        // so it stays a sleep.
                        for (int i = 0; i < 6; i++) {
                            long start = System.nanoTime();
                            var response = h.deliverSigned(integration, delivery(first + i));
                            outcome[i * 3] = response.statusCode();
                            outcome[i * 3 + 1] = (System.nanoTime() - start) / 1_000_000;
                            outcome[i * 3 + 2] = (start - down) / 1_000_000;
                            assertEquals("5", response.headers().firstValue("Retry-After").orElse("none"));
                            Thread.sleep(250);
                        }
                        return outcome;
                    }));
                }
                for (Future<long[]> result : sent) {
                    long[] outcome = result.get();
                    for (int i = 0; i < 6; i++) {
                        long status = outcome[i * 3];
                        long tookMillis = outcome[i * 3 + 1];
                        long sentAfterMillis = outcome[i * 3 + 2];
                        assertEquals(503, status);
                        assertTrue(tookMillis < 3_000, "answered within about 2 s, not the pool's 30 s: " + tookMillis + " ms");
                        if (sentAfterMillis > 3_000) {
                            assertTrue(tookMillis < 500, "once the outage is known, at once: " + tookMillis + " ms");
                        }
                    }
                }

                proxy.start();
                long back = System.nanoTime();
                Awaitility.await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5))
                        .until(() -> h.deliverSigned(integration, delivery(1)).statusCode() == 200);
                long recoveredMillis = (System.nanoTime() - back) / 1_000_000;
                assertTrue(recoveredMillis < 3_000, "recovers at once: " + recoveredMillis + " ms");
                for (int n = 1; n <= 24; n++) { // Calendly's retries
                    assertEquals(200, h.deliverSigned(integration, delivery(n)).statusCode());
                }
                assertEquals(25, rows(direct, integration).size(), "every delivery stored once, none lost");
            } finally {
                senders.shutdownNow();
                h.close();
            }
        }
    }

    /** The basic invitee.created fixture as the n-th distinct booking. */
    private static byte[] delivery(int n) {
        String template = new String(CalendlyFixtures.webhook("invitee.created.basic.json"), StandardCharsets.UTF_8);
        return template.replace("899e8c60-9931-43be-8ab4-5d0ce9fe7fec", String.format("00000000-0000-4000-8000-%012d", n))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The stored bodies, opened (they are sealed with the tenant's key). */
    private static List<byte[]> rows(Db direct, TestIntegrations.TestIntegration integration) {
        var inbox = new WebhookInbox(io.calbridge.calendly.internal.crypto.PersonalData.sealedBy(
                WebhookHarness.keyring(direct, java.time.Clock.systemUTC())));
        var i = CALENDLY_WEBHOOK_INBOX;
        return direct.dsl().select(i.TENANT_ID, i.INTEGRATION_ID, i.DEDUPE_KEY, i.RAW_BODY).from(i)
                .where(i.INTEGRATION_ID.eq(integration.id()))
                .orderBy(i.ID)
                .fetch(r -> inbox.openBody(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    private static HikariDataSource pool(int port) {
        return pool(port, 1000);
    }

    private static HikariDataSource pool(int port, long connectionTimeoutMillis) {
        URI target = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + target.getRawPath() + "?" + target.getRawQuery());
        config.setUsername(db.server().user());
        config.setPassword(db.server().password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(connectionTimeoutMillis);
        config.setValidationTimeout(500);
        config.setPoolName("outage-test");
        return new HikariDataSource(config);
    }
}
