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
import java.net.URI;
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
                var retriedWarm = h.deliverSigned(warm, second);
                var retriedCold = h.deliverSigned(cold, second);

                assertEquals(200, retriedWarm.statusCode(), retriedWarm.body());
                assertEquals(200, retriedCold.statusCode(), retriedCold.body());
                assertEquals(2, rows(direct, warm).size());
                assertArrayEquals(second, rows(direct, warm).get(1));
                assertArrayEquals(second, rows(direct, cold).get(0));
                h.webhooks.worker().drain();
                assertEquals(3, h.processor.seen.size());
            } finally {
                h.close();
            }
        }
    }

    private static List<byte[]> rows(Db direct, TestIntegrations.TestIntegration integration) {
        return direct.dsl().select(CALENDLY_WEBHOOK_INBOX.RAW_BODY).from(CALENDLY_WEBHOOK_INBOX)
                .where(CALENDLY_WEBHOOK_INBOX.INTEGRATION_ID.eq(integration.id()))
                .orderBy(CALENDLY_WEBHOOK_INBOX.ID)
                .fetch(CALENDLY_WEBHOOK_INBOX.RAW_BODY);
    }

    private static HikariDataSource pool(int port) {
        URI target = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + target.getRawPath() + "?" + target.getRawQuery());
        config.setUsername(db.server().user());
        config.setPassword(db.server().password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(1000);
        config.setValidationTimeout(500);
        config.setPoolName("outage-test");
        return new HikariDataSource(config);
    }
}
