package io.calbridge.calendly.internal;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_SYNC_STATE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.calendly.internal.oauth.Connections;
import io.calbridge.calendly.internal.sync.Sync;
import io.calbridge.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The periodic work over every integration, at 10,000 integrations against 20 in the same run (each
 * on its own schema, one tenant and one personal-token integration each, written as direct rows):
 * the webhook subscription health check ({@code SubscriptionManager.checkAll}, every 15 minutes) and
 * the reconciliation sweep ({@code Sync}, every 6 hours, 3 events of no invitee each: the calls of a
 * sweep with nothing to repair). Calendly is a counting stub over real HTTP (Javalin) that answers
 * at once, so what is measured is the plugin's side: wall time, SQL statements and transactions per
 * integration (counted at the JDBC connection), Calendly calls per integration and per Calendly user
 * and minute (the limit is 500 per user and minute on paid plans; the sweep's background budget 250).
 * So that it ends within minutes, only {@code bench.due} (1,000) of the large side's integrations are
 * due, checked and swept, among all of them; the wall time of a whole round is that per integration
 * times their number ({@code -Dbench.due=10000} runs the whole round: about 25 minutes at load 25).
 * Run:
 * {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=IntegrationChecksBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbench.integrations=N} for the large side).
 */
@Tag("benchmark")
class IntegrationChecksBenchmark {
    @RegisterExtension
    static final TestDatabase small = TestDatabase.migratedBy(CalendlySchema::migrate);
    @RegisterExtension
    static final TestDatabase large = TestDatabase.migratedBy(CalendlySchema::migrate);
    /** A first small run only warms the JVM (class loading, JIT), which no side should pay alone. */
    @RegisterExtension
    static final TestDatabase warmUp = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final int SMALL = 20;
    static final int LARGE = Integer.getInteger("bench.integrations", 10_000);
    /** Of the large side, how many are due (checked and swept); the rest are only there. */
    static final int DUE = Integer.getInteger("bench.due", 1_000);
    static final MasterKey MASTER_KEY = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());

    record Figures(int integrations, int due, double checkSeconds, long checkStatements, long checkCommits, long checkCalls,
                   int checkMaxPerUser, double sweepSeconds, long sweepStatements, long sweepCommits, long sweepCalls,
                   int sweepMaxPerUser) {
    }

    @Test
    void subscriptionChecksAndSweepsOverTenThousandIntegrations() throws Exception {
        try (StubCalendly stub = new StubCalendly()) {
            run(warmUp, SMALL, SMALL, stub);
            Figures s = run(small, SMALL, SMALL, stub);
            Figures l = run(large, LARGE, Math.min(DUE, LARGE), stub);
            int n = l.due();
            System.out.printf("%nIntegration checks benchmark: machine nproc=%d, java=%s, load average now %s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load());
            System.out.printf("%-58s %14s %14s %8s%n", "figure", SMALL + " integr.", LARGE + " integr.", "ratio");
            System.out.printf("(large side: %,d of %,d integrations due, checked and swept)%n", n, LARGE);
            row("subscription check: wall time of the due (s)", s.checkSeconds(), l.checkSeconds(), false);
            row("subscription check: ms per integration", 1000 * s.checkSeconds() / SMALL, 1000 * l.checkSeconds() / n, true);
            row("subscription check: SQL statements per integration", (double) s.checkStatements() / SMALL,
                    (double) l.checkStatements() / n, true);
            row("subscription check: transactions per integration", (double) s.checkCommits() / SMALL,
                    (double) l.checkCommits() / n, true);
            row("subscription check: Calendly calls per integration", (double) s.checkCalls() / SMALL,
                    (double) l.checkCalls() / n, true);
            row("subscription check: most calls for one Calendly user", s.checkMaxPerUser(), l.checkMaxPerUser(), false);
            row("sweep: wall time of the due (s)", s.sweepSeconds(), l.sweepSeconds(), false);
            row("sweep: ms per integration", 1000 * s.sweepSeconds() / SMALL, 1000 * l.sweepSeconds() / n, true);
            row("sweep: SQL statements per integration", (double) s.sweepStatements() / SMALL,
                    (double) l.sweepStatements() / n, true);
            row("sweep: transactions per integration", (double) s.sweepCommits() / SMALL, (double) l.sweepCommits() / n, true);
            row("sweep: Calendly calls per integration", (double) s.sweepCalls() / SMALL, (double) l.sweepCalls() / n, true);
            row("sweep: most calls for one Calendly user", s.sweepMaxPerUser(), l.sweepMaxPerUser(), false);
            double checkRound = l.checkSeconds() / n * LARGE;
            double sweepRound = l.sweepSeconds() / n * LARGE;
            System.out.printf("a whole round over %,d integrations at these paces: checks %.0f s (%.1f%% of one thread, every"
                            + " 15 min), sweeps %.0f s (%.1f%% of one thread, every 6 h); a Calendly user gets %d calls per"
                            + " check and %d per sweep (limit 500 per minute, the sweep's budget 250)%n", LARGE,
                    checkRound, 100 * checkRound / Duration.ofMinutes(15).toSeconds(), sweepRound,
                    100 * sweepRound / Duration.ofHours(6).toSeconds(), l.checkMaxPerUser(), l.sweepMaxPerUser());
        }
    }

    private static void row(String name, double small, double large, boolean ratio) {
        System.out.printf("%-58s %14.2f %14.2f %8s%n", name, small, large, ratio ? String.format("%.2f", large / small) : "");
    }

    private static Figures run(TestDatabase db, int count, int due, StubCalendly stub) throws Exception {
        Clock clock = Clock.systemUTC();
        CountingDataSource counted = new CountingDataSource(db.dataSource());
        Db plain = new Db(db.dataSource());
        TenantKeyring keyring = TenantKeyring.create(plain, MASTER_KEY, List.of(), clock, null);
        long t0 = System.nanoTime();
        stub.seed(plain, keyring, count);
        List<UUID> dueIds = plain.dsl().select(CALENDLY_INTEGRATION.ID).from(CALENDLY_INTEGRATION)
                .orderBy(CALENDLY_INTEGRATION.ID).limit(due).fetch(CALENDLY_INTEGRATION.ID);
        plain.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.SUBSCRIPTION_CHECKED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .where(CALENDLY_INTEGRATION.ID.notIn(dueIds)).execute();
        System.out.printf("seeded %,d integrations in %.1f s (load %s)%n", count, (System.nanoTime() - t0) / 1e9, load());

        StubCalendly.Node node = stub.node(new Db(counted.dataSource), MASTER_KEY, clock);
        Connections connections = node.connections();
        Sync sync = node.sync();

        stub.reset();
        long statements = counted.statements.get();
        long commits = counted.commits.get();
        long started = System.nanoTime();
        int checked = connections.subscriptions().checkAll();
        double checkSeconds = (System.nanoTime() - started) / 1e9;
        assertEquals(due, checked, "every due integration checked in one round");
        long checkStatements = counted.statements.get() - statements;
        long checkCommits = counted.commits.get() - commits;
        long checkCalls = stub.calls();
        int checkMax = stub.maxPerUser();
        System.out.printf("checked %,d subscriptions in %.1f s (load %s)%n", due, checkSeconds, load());

        // Every integration's sweep due now; then the node's one sync thread works as it would: one
        // planning round, then job after job.
        sync.plan();
        plain.dsl().update(CALENDLY_SYNC_STATE).set(CALENDLY_SYNC_STATE.NEXT_SWEEP_AT,
                        DSL.when(CALENDLY_SYNC_STATE.INTEGRATION_ID.in(dueIds), OffsetDateTime.now(ZoneOffset.UTC))
                                .otherwise(OffsetDateTime.now(ZoneOffset.UTC).plusHours(6)))
                .execute();
        stub.reset();
        statements = counted.statements.get();
        commits = counted.commits.get();
        started = System.nanoTime();
        sync.plan();
        int jobs = 0;
        while (sync.runOne()) {
            jobs++;
        }
        double sweepSeconds = (System.nanoTime() - started) / 1e9;
        assertEquals(due, jobs, "one sweep per due integration");
        long sweepStatements = counted.statements.get() - statements;
        long sweepCommits = counted.commits.get() - commits;
        System.out.printf("swept %,d integrations in %.1f s (load %s)%n", due, sweepSeconds, load());
        assertEquals((long) due * (1 + StubCalendly.EVENTS), stub.calls(), "one listing and one invitee list per event each");
        return new Figures(count, due, checkSeconds, checkStatements, checkCommits, checkCalls, checkMax, sweepSeconds,
                sweepStatements, sweepCommits, stub.calls(), stub.maxPerUser());
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }
}
