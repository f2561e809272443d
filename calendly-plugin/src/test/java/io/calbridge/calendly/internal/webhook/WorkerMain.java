package io.calbridge.calendly.internal.webhook;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.internal.common.Db;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * A worker node in its own JVM, for {@link WorkerCrashTest} to kill with {@code destroyForcibly()}.
 * Arguments: JDBC URL (with currentSchema), user, password ("" for none), node id.
 */
public final class WorkerMain {
    /** Lets the test see when the killed JVM's database sessions are gone. */
    static final String APPLICATION_NAME = "webhook-worker-main";

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        if (!args[2].isEmpty()) {
            config.setPassword(args[2]);
        }
        config.setMaximumPoolSize(4);
        config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        Db db = new Db(new HikariDataSource(config));
        var settings = WebhookSettings.defaults().withWorker(2, 10, Duration.ofMinutes(2), Duration.ofMillis(20));
        var worker = new InboxWorker(db, new WebhookInbox(), new LedgerProcessor(db, 40),
                new WebhookMetrics(new SimpleMeterRegistry(), false), Clock.systemUTC(), args[3], settings);
        worker.start(2);
        System.out.println("WORKER STARTED " + args[3]);
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await(); // until the test kills this JVM
    }
}
