package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed deliveries for many tenants at the real endpoint, 32 connections, against a bare Javalin +
 * HikariCP handler that only inserts the same body, measured in the same run. Prints throughput,
 * the ratio and p50/p99 latency. Run:
 * {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=WebhookBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class WebhookBenchmark {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final int TENANTS = Integer.getInteger("bench.tenants", 500);
    static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);
    static final int POOL = Integer.getInteger("bench.pool", 10);
    static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmupSeconds", 5));
    static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 5));
    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    static final String INVITEE = "899e8c60-9931-43be-8ab4-5d0ce9fe7fec";

    record Target(String name, String applicationName, Function<Integer, String> url) {
    }

    /** CPU seconds used by this JVM (server and load generator) and by the PostgreSQL backends of one pool. */
    record Cpu(double jvm, double postgres) {
        static Cpu now(String applicationName) {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return new Cpu(os.getProcessCpuTime() / 1e9, backendCpuSeconds(applicationName));
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(jvm - earlier.jvm, postgres - earlier.postgres);
        }

        Cpu plus(Cpu other) {
            return new Cpu(jvm + other.jvm, postgres + other.postgres);
        }

        /** utime+stime of the backends serving {@code applicationName}; they live as long as the pool. */
        private static double backendCpuSeconds(String applicationName) {
            List<Integer> pids = DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES)
                    .select(DSL.field(DSL.name("pid"), Integer.class))
                    .from(DSL.table(DSL.name("pg_stat_activity")))
                    .where(DSL.field(DSL.name("application_name"), String.class).eq(applicationName))
                    .fetch(0, Integer.class);
            long ticks = 0;
            for (int pid : pids) {
                try {
                    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                } catch (Exception e) {
                    // not readable here (server in a container or elsewhere): report 0
                }
            }
            return ticks / 100.0; // USER_HZ
        }
    }

    record Result(long requests, long errors, double seconds, long[] latenciesNanos, Cpu cpu) {
        double throughput() {
            return requests / seconds;
        }

        double percentileMs(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, Math.floor(p * latenciesNanos.length))] / 1e6;
        }
    }

    @Test
    void endpointAgainstBareInsert() throws Exception {
        String template = new String(CalendlyFixtures.webhook("invitee.created.basic.json"), StandardCharsets.UTF_8);
        Db direct = new Db(db.dataSource());
        var keyring = WebhookHarness.keyring(direct, Clock.systemUTC());
        var integrations = new TestIntegrations(direct, keyring);
        List<TestIntegrations.TestIntegration> tenants = new ArrayList<>();
        for (int i = 0; i < TENANTS; i++) {
            tenants.add(integrations.create("bench-tenant-" + i, Secret.of("bench-key-" + i)));
        }
        DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES)
                .createTable("bench_baseline")
                .column("id", SQLDataType.BIGINT.identity(true))
                .column("body", SQLDataType.BLOB.nullable(false))
                .column("received_at", SQLDataType.TIMESTAMPWITHTIMEZONE.nullable(false).defaultValue(DSL.currentOffsetDateTime()))
                .constraints(DSL.primaryKey("id"))
                .execute();

        try (HikariDataSource ourPool = pool("bench-plugin"); HikariDataSource barePool = pool("bench-bare")) {
            var meters = new SimpleMeterRegistry();
            var webhooks = Webhooks.create(new Db(ourPool), keyring, null,
                    WebhookSettings.defaults().withWorker(0, 10, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1)),
                    meters, Clock.systemUTC());
            Javalin ours = Javalin.create(config -> webhooks.registerRoutes(config.routes)).start(0);
            webhooks.start();
            Javalin bare = Javalin.create(config -> config.routes.post("/bare", ctx -> {
                byte[] body = ctx.bodyAsBytes();
                // Deliberately bare JDBC: the cheapest possible "store it and say 200".
                try (Connection c = barePool.getConnection();
                     PreparedStatement ps = c.prepareStatement("insert into bench_baseline (body) values (?)")) {
                    ps.setBytes(1, body);
                    ps.executeUpdate();
                }
                ctx.status(200).contentType("application/json").result("{\"status\":\"accepted\"}");
            })).start(0);
            try {
                var ourTarget = new Target("plugin endpoint", "bench-plugin", i -> "http://127.0.0.1:" + ours.port() + WebhookRoutes.PATH + "/" + tenants.get(i).token());
                var bareTarget = new Target("bare insert", "bench-bare", i -> "http://127.0.0.1:" + bare.port() + "/bare");
                List<Target> targets = List.of(bareTarget, ourTarget);

                for (Target t : targets) {
                    run(t, tenants, template, WARMUP);
                }
                java.util.Map<Target, List<Result>> results = new java.util.LinkedHashMap<>();
                targets.forEach(t -> results.put(t, new ArrayList<>()));
                System.out.printf("%nper round (req/s; the order alternates so that load drifts fall on both alike):%n");
                System.out.printf("%-6s %12s %12s %14s %s%n", "round", "bare", "plugin", "plugin/bare", "load (1 min)");
                double[] ratios = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    for (int k = 0; k < targets.size(); k++) {
                        Target t = targets.get((k + round) % targets.size());
                        results.get(t).add(run(t, tenants, template, MEASURE));
                    }
                    double b = results.get(bareTarget).get(round).throughput();
                    double p = results.get(ourTarget).get(round).throughput();
                    ratios[round] = p / b;
                    System.out.printf("%-6d %12.0f %12.0f %14.2f %s%n", round + 1, b, p, p / b, load());
                }
                double mean = Arrays.stream(ratios).average().orElse(Double.NaN);
                double sd = Math.sqrt(Arrays.stream(ratios).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, ROUNDS - 1));
                Result bareAll = merge(results.get(bareTarget));
                Result ourAll = merge(results.get(ourTarget));
                report(List.of(java.util.Map.entry("bare Javalin+Hikari insert", bareAll),
                        java.util.Map.entry("plugin endpoint", ourAll)));
                System.out.printf("ratio plugin/bare: %.2f overall; per round mean %.3f, sd %.3f%n%n",
                        ourAll.throughput() / bareAll.throughput(), mean, sd);
                assertEquals(0, ourAll.errors(), "every delivery answered 200");
            } finally {
                webhooks.stop();
                ours.stop();
                bare.stop();
            }
        }
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    /**
     * Issue 17: what sealing each body with its tenant's data key costs the endpoint. Two plugin stacks
     * in the same run, identical but for the sealing layer (bodies sealed, or stored in clear), rounds
     * interleaved; goal: sealed throughput within 5 % of clear.
     */
    @Test
    void sealedBodiesAgainstClearBodies() throws Exception {
        String template = new String(CalendlyFixtures.webhook("invitee.created.basic.json"), StandardCharsets.UTF_8);
        Db direct = new Db(db.dataSource());
        var keyring = WebhookHarness.keyring(direct, Clock.systemUTC());
        var integrations = new TestIntegrations(direct, keyring);
        List<TestIntegrations.TestIntegration> tenants = new ArrayList<>();
        for (int i = 0; i < TENANTS; i++) {
            tenants.add(integrations.create("seal-tenant-" + i, Secret.of("seal-key-" + i)));
        }
        var settings = WebhookSettings.defaults().withWorker(0, 10, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1));
        try (HikariDataSource sealedPool = pool("bench-sealed"); HikariDataSource clearPool = pool("bench-clear")) {
            var sealed = Webhooks.create(new Db(sealedPool), keyring, io.calbridge.calendly.internal.crypto.PersonalData.sealedBy(keyring),
                    null, settings, new SimpleMeterRegistry(), Clock.systemUTC(), DeadLetterListener.NONE);
            var clear = Webhooks.create(new Db(clearPool), keyring, io.calbridge.calendly.internal.crypto.PersonalData.clearFor(keyring),
                    null, settings, new SimpleMeterRegistry(), Clock.systemUTC(), DeadLetterListener.NONE);
            Javalin sealedApp = Javalin.create(config -> sealed.registerRoutes(config.routes)).start(0);
            Javalin clearApp = Javalin.create(config -> clear.registerRoutes(config.routes)).start(0);
            sealed.start();
            clear.start();
            try {
                var sealedTarget = new Target("sealed bodies", "bench-sealed",
                        i -> "http://127.0.0.1:" + sealedApp.port() + WebhookRoutes.PATH + "/" + tenants.get(i).token());
                var clearTarget = new Target("clear bodies", "bench-clear",
                        i -> "http://127.0.0.1:" + clearApp.port() + WebhookRoutes.PATH + "/" + tenants.get(i).token());
                run(clearTarget, tenants, template, WARMUP);
                run(sealedTarget, tenants, template, WARMUP);
                List<Result> clearResults = new ArrayList<>();
                List<Result> sealedResults = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    clearResults.add(run(clearTarget, tenants, template, MEASURE));
                    sealedResults.add(run(sealedTarget, tenants, template, MEASURE));
                }
                Result clearAll = merge(clearResults);
                Result sealedAll = merge(sealedResults);
                System.out.printf("%nSealing cost (issue 17): clear bodies as the baseline, sealed bodies as 'plugin'%n");
                report(List.of(java.util.Map.entry("clear bodies (baseline)", clearAll), java.util.Map.entry("sealed bodies", sealedAll)));
                double[] perRound = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    perRound[r] = sealedResults.get(r).throughput() / clearResults.get(r).throughput();
                }
                System.out.printf("sealed/clear per round: %s; loss overall %.1f %% (goal < 5 %%)%n%n", Arrays.toString(perRound),
                        100 * (1 - sealedAll.throughput() / clearAll.throughput()));
                assertEquals(0, sealedAll.errors(), "every delivery answered 200");
            } finally {
                sealed.stop();
                clear.stop();
                sealedApp.stop();
                clearApp.stop();
            }
        }
    }

    /** A pool like a host's, its backends findable by application name. */
    private static HikariDataSource pool(String applicationName) {
        var config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.server().user());
        config.setPassword(db.server().password());
        config.setMaximumPoolSize(POOL);
        config.setMinimumIdle(POOL);
        config.addDataSourceProperty("ApplicationName", applicationName);
        config.setPoolName(applicationName);
        return new HikariDataSource(config);
    }

    private static Result run(Target target, List<TestIntegrations.TestIntegration> tenants, String template, Duration duration)
            throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        Cpu cpuBefore = Cpu.now(target.applicationName());
        long started = System.nanoTime();
        for (int c = 0; c < CONNECTIONS; c++) {
            long[][] holder = new long[1][];
            perThread.add(null);
            int slot = c;
            Thread t = new Thread(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long[] latencies = new long[1 << 16];
                int n = 0;
                var random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    int tenant = random.nextInt(tenants.size());
                    byte[] body = template.replace(INVITEE, UUID.randomUUID().toString()).getBytes(StandardCharsets.UTF_8);
                    long ts = System.currentTimeMillis() / 1000;
                    String signature = "t=" + ts + ",v1=" + SignatureVerifier.sign(tenants.get(tenant).key(), ts, body);
                    var request = HttpRequest.newBuilder(URI.create(target.url().apply(tenant)))
                            .header("Content-Type", "application/json")
                            .header(WebhookRoutes.SIGNATURE_HEADER, signature)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build();
                    long t0 = System.nanoTime();
                    try {
                        var response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    long elapsed = System.nanoTime() - t0;
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = elapsed;
                }
                requests.addAndGet(n);
                holder[0] = Arrays.copyOf(latencies, n);
                synchronized (perThread) {
                    perThread.set(slot, holder[0]);
                }
                done.countDown();
            }, "bench-client-" + c);
            t.start();
        }
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        Cpu cpu = Cpu.now(target.applicationName()).minus(cpuBefore);
        long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(requests.get(), errors.get(), seconds, all, cpu);
    }

    private static Result merge(List<Result> results) {
        long requests = results.stream().mapToLong(Result::requests).sum();
        long errors = results.stream().mapToLong(Result::errors).sum();
        double seconds = results.stream().mapToDouble(Result::seconds).sum();
        long[] all = results.stream().flatMapToLong(r -> Arrays.stream(r.latenciesNanos())).sorted().toArray();
        Cpu cpu = results.stream().map(Result::cpu).reduce(new Cpu(0, 0), Cpu::plus);
        return new Result(requests, errors, seconds, all, cpu);
    }

    private static void report(List<java.util.Map.Entry<String, Result>> rows) throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        System.out.printf("%nWebhook endpoint benchmark: %d tenants, %d connections, pool %d, %d x %d s per target%n",
                TENANTS, CONNECTIONS, POOL, ROUNDS, MEASURE.toSeconds());
        System.out.printf("machine: nproc=%d, cpu=%s, java=%s, load average now %s%n", Runtime.getRuntime().availableProcessors(),
                cpu, System.getProperty("java.version"), load());
        System.out.printf("%-28s %10s %9s %9s %9s %7s %14s %14s%n", "target", "req/s", "p50 ms", "p99 ms", "requests", "errors",
                "JVM cpu us/req", "PG cpu us/req");
        for (var e : rows) {
            Result r = e.getValue();
            System.out.printf("%-28s %10.0f %9.2f %9.2f %9d %7d %14.0f %14.0f%n", e.getKey(), r.throughput(), r.percentileMs(0.50),
                    r.percentileMs(0.99), r.requests(), r.errors(), r.cpu().jvm() * 1e6 / r.requests(),
                    r.cpu().postgres() * 1e6 / r.requests());
        }
    }
}
