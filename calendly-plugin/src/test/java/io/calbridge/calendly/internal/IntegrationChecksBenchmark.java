package io.calbridge.calendly.internal;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_SYNC_STATE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.ClientOptions;
import io.calbridge.calendly.internal.client.Sleeper;
import io.calbridge.calendly.internal.cluster.Invalidations;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.calendly.internal.oauth.Connections;
import io.calbridge.calendly.internal.oauth.OAuthSettings;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.internal.sync.OneBookingPerInvitee;
import io.calbridge.calendly.internal.sync.Sync;
import io.calbridge.calendly.internal.sync.SyncOptions;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
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

    static final int SMALL = 20;
    static final int LARGE = Integer.getInteger("bench.integrations", 10_000);
    static final int EVENTS = 3;
    static final MasterKey MASTER_KEY = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());

    /** Calls the stub answered, per path kind and per Calendly user. */
    static final class Stub implements AutoCloseable {
        final Javalin app;
        final LongAdder subscriptionLists = new LongAdder();
        final LongAdder eventLists = new LongAdder();
        final LongAdder inviteeLists = new LongAdder();
        final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
        /** Organization URI → webhook path token, so a listing shows the subscription the row tracks. */
        final Map<String, String> tokens = new ConcurrentHashMap<>();
        volatile String publicBase;

        Stub() {
            app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.routes.get("/webhook_subscriptions", ctx -> {
                    subscriptionLists.increment();
                    count(ctx.header("Authorization"));
                    String org = ctx.queryParam("organization");
                    String id = org.substring(org.lastIndexOf('/') + 1);
                    ctx.contentType("application/json").result("{\"collection\":[{\"uri\":\"" + base() + "/webhook_subscriptions/"
                            + id + "\",\"callback_url\":\"" + publicBase + "/api/webhooks/calendly/" + tokens.get(org)
                            + "\",\"created_at\":\"2026-01-01T00:00:00.000000Z\",\"updated_at\":\"2026-01-01T00:00:00.000000Z\","
                            + "\"retry_started_at\":null,\"state\":\"active\",\"events\":[\"invitee.created\",\"invitee.canceled\"],"
                            + "\"scope\":\"user\",\"organization\":\"" + org + "\",\"user\":\"" + ctx.queryParam("user")
                            + "\",\"creator\":null}],\"pagination\":{\"count\":1,\"next_page\":null}}");
                });
                cfg.routes.get("/scheduled_events", ctx -> {
                    eventLists.increment();
                    count(ctx.header("Authorization"));
                    StringBuilder events = new StringBuilder();
                    for (int i = 0; i < EVENTS; i++) {
                        events.append(i == 0 ? "" : ",").append("{\"uri\":\"").append(base()).append("/scheduled_events/")
                                .append(UUID.randomUUID()).append("\",\"name\":\"Call\",\"status\":\"active\",")
                                .append("\"start_time\":\"2026-12-10T10:00:00.000000Z\",\"end_time\":\"2026-12-10T10:30:00.000000Z\",")
                                .append("\"invitees_counter\":{\"total\":0,\"active\":0,\"limit\":1}}");
                    }
                    ctx.contentType("application/json").result("{\"collection\":[" + events
                            + "],\"pagination\":{\"count\":" + EVENTS + ",\"next_page\":null}}");
                });
                cfg.routes.get("/scheduled_events/{uuid}/invitees", ctx -> {
                    inviteeLists.increment();
                    count(ctx.header("Authorization"));
                    ctx.contentType("application/json").result("{\"collection\":[],\"pagination\":{\"count\":0,\"next_page\":null}}");
                });
            }).start(0);
        }

        String base() {
            return "http://127.0.0.1:" + app.port();
        }

        private void count(String authorization) {
            perUser.computeIfAbsent(String.valueOf(authorization), k -> new AtomicInteger()).incrementAndGet();
        }

        long calls() {
            return subscriptionLists.sum() + eventLists.sum() + inviteeLists.sum();
        }

        int maxPerUser() {
            return perUser.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
        }

        void reset() {
            subscriptionLists.reset();
            eventLists.reset();
            inviteeLists.reset();
            perUser.clear();
        }

        @Override
        public void close() {
            app.stop();
        }
    }

    /** Statements prepared or created and transactions committed on the connections of one data source. */
    static final class Counted {
        final AtomicLong statements = new AtomicLong();
        final AtomicLong commits = new AtomicLong();
        final DataSource dataSource;

        Counted(DataSource inner) {
            this.dataSource = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        Object result = invoke(inner, method, args);
                        return result instanceof Connection c ? connection(c) : result;
                    });
        }

        private Connection connection(Connection inner) {
            InvocationHandler handler = (proxy, method, args) -> {
                switch (method.getName()) {
                    case "prepareStatement", "createStatement", "prepareCall" -> statements.incrementAndGet();
                    case "commit" -> commits.incrementAndGet();
                    default -> { }
                }
                return invoke(inner, method, args);
            };
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    record Figures(int integrations, double checkSeconds, long checkStatements, long checkCommits, long checkCalls,
                   int checkMaxPerUser, double sweepSeconds, long sweepStatements, long sweepCommits, long sweepCalls,
                   int sweepMaxPerUser) {
    }

    @Test
    void subscriptionChecksAndSweepsOverTenThousandIntegrations() throws Exception {
        try (Stub stub = new Stub()) {
            Figures s = run(small, SMALL, stub);
            Figures l = run(large, LARGE, stub);
            System.out.printf("%nIntegration checks benchmark: machine nproc=%d, java=%s, load average now %s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load());
            System.out.printf("%-58s %14s %14s %8s%n", "figure", SMALL + " integr.", LARGE + " integr.", "ratio");
            row("subscription check: wall time (s)", s.checkSeconds(), l.checkSeconds(), false);
            row("subscription check: ms per integration", 1000 * s.checkSeconds() / SMALL, 1000 * l.checkSeconds() / LARGE, true);
            row("subscription check: SQL statements per integration", (double) s.checkStatements() / SMALL,
                    (double) l.checkStatements() / LARGE, true);
            row("subscription check: transactions per integration", (double) s.checkCommits() / SMALL,
                    (double) l.checkCommits() / LARGE, true);
            row("subscription check: Calendly calls per integration", (double) s.checkCalls() / SMALL,
                    (double) l.checkCalls() / LARGE, true);
            row("subscription check: most calls for one Calendly user", s.checkMaxPerUser(), l.checkMaxPerUser(), false);
            row("sweep: wall time (s)", s.sweepSeconds(), l.sweepSeconds(), false);
            row("sweep: ms per integration", 1000 * s.sweepSeconds() / SMALL, 1000 * l.sweepSeconds() / LARGE, true);
            row("sweep: SQL statements per integration", (double) s.sweepStatements() / SMALL,
                    (double) l.sweepStatements() / LARGE, true);
            row("sweep: transactions per integration", (double) s.sweepCommits() / SMALL, (double) l.sweepCommits() / LARGE, true);
            row("sweep: Calendly calls per integration", (double) s.sweepCalls() / SMALL, (double) l.sweepCalls() / LARGE, true);
            row("sweep: most calls for one Calendly user", s.sweepMaxPerUser(), l.sweepMaxPerUser(), false);
            System.out.printf("at these paces one node needs %.1f%% of one thread for the checks (every 15 min) and %.1f%% for"
                            + " the sweeps (every 6 h) of %,d integrations; a Calendly user gets %d calls per check and %d per"
                            + " sweep (limit 500 per minute, the sweep's budget 250)%n",
                    100 * l.checkSeconds() / Duration.ofMinutes(15).toSeconds(),
                    100 * l.sweepSeconds() / Duration.ofHours(6).toSeconds(), LARGE, l.checkMaxPerUser(), l.sweepMaxPerUser());
        }
    }

    private static void row(String name, double small, double large, boolean ratio) {
        System.out.printf("%-58s %14.2f %14.2f %8s%n", name, small, large, ratio ? String.format("%.2f", large / small) : "");
    }

    private static Figures run(TestDatabase db, int count, Stub stub) throws Exception {
        Clock clock = Clock.systemUTC();
        Counted counted = new Counted(db.dataSource());
        Db plain = new Db(db.dataSource());
        TenantKeyring keyring = TenantKeyring.create(plain, MASTER_KEY, List.of(), clock, null);
        long t0 = System.nanoTime();
        seed(plain, keyring, count, stub);
        System.out.printf("seeded %,d integrations in %.1f s (load %s)%n", count, (System.nanoTime() - t0) / 1e9, load());

        Db db2 = new Db(counted.dataSource);
        TenantKeyring nodeKeyring = TenantKeyring.create(db2, MASTER_KEY, List.of(), clock, null);
        URI api = URI.create(stub.base());
        ClientOptions client = new ClientOptions(api, api, Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofSeconds(30));
        stub.publicBase = "https://crm.example.com";
        OAuthSettings oauth = new OAuthSettings(URI.create(stub.publicBase), "", null, null, List.of("default"), null,
                Duration.ofMinutes(5), Duration.ofMinutes(15), client);
        CalendlyClient calendly = new CalendlyClient(client, Sleeper.SYSTEM, clock);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Connections connections = Connections.create(db2, nodeKeyring, nodeKeyring.accessTokens(), calendly, oauth,
                (tenant, id, reason, at) -> { }, ctx -> Optional.empty(), id -> { }, Invalidations.NONE, meters, clock);
        // Nothing is repaired (no invitee at "Calendly"), so the booking pipeline is never called.
        OneBookingPerInvitee pipeline = new OneBookingPerInvitee(db2,
                Bookings.create(db2, io.calbridge.calendly.TestHost.services(), clock).processor(), clock);
        Sync sync = Sync.create(db2, pipeline, calendly, connections.tokens(),
                new Access(null), SyncOptions.defaults(), meters, clock);

        stub.reset();
        long statements = counted.statements.get();
        long commits = counted.commits.get();
        long started = System.nanoTime();
        int checked = connections.subscriptions().checkAll();
        double checkSeconds = (System.nanoTime() - started) / 1e9;
        assertEquals(count, checked, "every integration checked in one round");
        long checkStatements = counted.statements.get() - statements;
        long checkCommits = counted.commits.get() - commits;
        long checkCalls = stub.calls();
        int checkMax = stub.maxPerUser();
        System.out.printf("checked %,d subscriptions in %.1f s (load %s)%n", count, checkSeconds, load());

        // Every integration's sweep due now; then the node's one sync thread works as it would: one
        // planning round, then job after job.
        sync.plan();
        plain.dsl().update(CALENDLY_SYNC_STATE).set(CALENDLY_SYNC_STATE.NEXT_SWEEP_AT, OffsetDateTime.now(ZoneOffset.UTC))
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
        assertEquals(count, jobs, "one sweep per integration");
        long sweepStatements = counted.statements.get() - statements;
        long sweepCommits = counted.commits.get() - commits;
        System.out.printf("swept %,d integrations in %.1f s (load %s)%n", count, sweepSeconds, load());
        assertEquals((long) count * (1 + EVENTS), stub.calls(), "one listing and one invitee list per event each");
        return new Figures(count, checkSeconds, checkStatements, checkCommits, checkCalls, checkMax, sweepSeconds,
                sweepStatements, sweepCommits, stub.calls(), stub.maxPerUser());
    }

    /** One tenant with one connected personal-token integration each, written by 4 threads. */
    private static void seed(Db db, TenantKeyring keyring, int count, Stub stub) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            OffsetDateTime checked = Instant.now().minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC);
            for (int w = 0; w < 4; w++) {
                done.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        UUID id = UUID.randomUUID();
                        String tenant = "checks-tenant-" + i;
                        String token = "tok" + id.toString().replace("-", "");
                        String org = stub.base() + "/organizations/" + id;
                        stub.tokens.put(org, token);
                        db.dsl().insertInto(CALENDLY_INTEGRATION)
                                .set(CALENDLY_INTEGRATION.ID, id)
                                .set(CALENDLY_INTEGRATION.TENANT_ID, tenant)
                                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PERSONAL_TOKEN")
                                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                                .set(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN, token)
                                .set(CALENDLY_INTEGRATION.CALENDLY_USER_URI, stub.base() + "/users/" + id)
                                .set(CALENDLY_INTEGRATION.CALENDLY_ORGANIZATION_URI, org)
                                .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC,
                                        keyring.seal(tenant, Purpose.PERSONAL_ACCESS_TOKEN, id, Secret.of("pat-" + id)))
                                .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC,
                                        keyring.seal(tenant, Purpose.SIGNING_KEY, id, Secret.of("key-" + id)))
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_URI, stub.base() + "/webhook_subscriptions/" + id)
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_SCOPE, "user")
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_STATE, "active")
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_CHECKED_AT, checked)
                                .execute();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }
}
