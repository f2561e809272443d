package io.calbridge.host.crm;

import io.calbridge.fixtures.InviteeEvent;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.host.Tables.CONTACT;

import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bookings per second end to end: stored deliveries fed through BookingProcessor by two worker
 * threads against tenant-host's real tables (contact, lists, tags, task, activity, booking row,
 * ledger), on a backlog that is there before the clock starts, in batches of the worker's default
 * size (one transaction per batch, {@code processAll}, as the inbox worker hands them over;
 * {@code -Dbenchmark.batch=N}), and, for comparison in the same round, one delivery per
 * transaction. Baseline, measured in the same run with the same threads and pool: one bare contact
 * insert per transaction, the floor any booking paid one at a time.
 *
 * <p>Run: {@code mvn -Pjmh,benchmark -pl benchmarks -am verify -Dtest=BookingBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (in the benchmarks module, built only with {@code -Pjmh}: it calls the plugin's internals, which no
 * tenant-host test may; it sits in tenant-host's package for that module's {@code TestTenant}).
 */
@Tag("benchmark")
class BookingBenchmarkTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    /**
     * The plugin's booking engine called directly (internals: {@code Bookings}, stored deliveries), wired
     * to tenant-host's tables as tenant-host runs it; tenants get an integration row written directly.
     * What this benchmark measures is the engine itself next to a bare insert into the same tables, which
     * no API of the plugin reaches without the receive path and the worker around it (those are
     * {@code EndToEndLagBenchmark}'s): hence this module, and not tenant-host's tests.
     */
    static final class Engine {
        private static final java.util.concurrent.atomic.AtomicLong INBOX = new java.util.concurrent.atomic.AtomicLong();

        final DataSource dataSource;
        final Bookings bookings;

        Engine(DataSource dataSource) {
            this.dataSource = dataSource;
            this.bookings = Bookings.create(new Db(dataSource), Crm.hostServices(dataSource), java.time.Clock.systemUTC());
        }

        /**
         * A tenant whose integration has the booking tests' standard settings ({@link Harness#standardSettings}):
         * status "booked", lists Newsletter and Leads, tags calendly and booked, default owner
         * owner@tenant.example, the Calendly host owns when on the team; cancel: tag canceled, status
         * canceled; no-show: tag no-show, status no_show, complete the task, create a follow-up;
         * reschedule: tag rescheduled.
         */
        TestTenant tenant(String zone) {
            TestTenant t = TestTenant.create(dataSource, zone);
            UUID integration = UUID.randomUUID();
            DSL.using(dataSource, SQLDialect.POSTGRES).insertInto(CALENDLY_INTEGRATION)
                    .set(CALENDLY_INTEGRATION.ID, integration)
                    .set(CALENDLY_INTEGRATION.TENANT_ID, t.tenantId)
                    .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PLATFORM_APP")
                    .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                    .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                    .execute();
            bookings.settings().update(t.tenantId, integration, new BookingSettings(true, "booked", t.user(Harness.ADMIN), true,
                    List.of(t.list("Newsletter"), t.list("Leads")), List.of(t.tag("calendly"), t.tag("booked")), null,
                    new BookingSettings.CancelSettings(List.of(t.tag("canceled")), "canceled", true),
                    new BookingSettings.NoShowSettings(List.of(t.tag("no-show")), "no_show", true, true, null, null, 60),
                    new BookingSettings.RescheduleSettings(List.of(t.tag("rescheduled")), true), null));
            return t.connected(new TestTenant.Integration(integration.toString(), null, null));
        }

        /** {@code body} as the inbox would hand it to the worker. */
        static StoredDelivery delivery(TestTenant t, byte[] body) {
            String event;
            try {
                event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("event").asText();
            } catch (java.io.IOException e) {
                event = "";
            }
            return new StoredDelivery(INBOX.incrementAndGet(), t.tenantId, t.integrationId, event, body, 1,
                    Instant.parse("2026-04-20T00:00:00Z"));
        }
    }

    static final int THREADS = Integer.getInteger("benchmark.threads", 2);
    /** Enough for the JIT to settle: for the first ~20,000 bookings its compiler threads take a noticeable share of the CPU. */
    static final int WARMUP = Integer.getInteger("benchmark.warmup", 30_000);
    /** {@code -DargLine=-Dbenchmark.rounds=1} for one round while developing (the machine is shared). */
    static final int ROUNDS = Integer.getInteger("benchmark.rounds", 5);
    static final int PER_ROUND = 3_000;
    static final int BATCH = Integer.getInteger("benchmark.batch",
            io.calbridge.calendly.internal.webhook.WebhookSettings.DEFAULT_BATCH_SIZE);

    /**
     * The machine is shared, so its load changes while the benchmark runs: every round measures
     * the baseline right next to the bookings, and the summary takes the median of the rounds.
     */
    @Test
    void bookingsPerSecond() throws Exception {
        try (var pool = db.newPool(THREADS + 2)) {
            Engine h = new Engine(pool);
            List<TestTenant> tenants = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tenants.add(h.tenant("America/New_York"));
            }
            List<StoredDelivery> warmup = new ArrayList<>(bookings(tenants, WARMUP / 2, "w"));
            warmup.addAll(mixed(tenants, WARMUP / 2, "v"));
            run(warmup.size() / BATCH, i -> h.bookings.processor().processAll(chunk(warmup, i)));

            String machine = Runtime.getRuntime().availableProcessors() + " cores (" + cpu() + "), Java "
                    + System.getProperty("java.version") + ", PostgreSQL "
                    + DSL.using(pool, SQLDialect.POSTGRES).fetchValue("show server_version");
            System.out.printf("%nBooking benchmark: %s; %d worker threads, %d deliveries per measurement, batches of %d%n", machine,
                    THREADS, PER_ROUND, BATCH);
            System.out.println("round  baseline/s  bookings/s  ratio  mixed/s  ratio  one-at-a-time/s  ratio  jvm-cpu-ms/booking"
                    + "  worker-cpu-ms/booking  load(1m)");
            List<double[]> rounds = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                List<StoredDelivery> created = bookings(tenants, PER_ROUND, "m" + r + "-");
                List<StoredDelivery> mixed = mixed(tenants, PER_ROUND, "x" + r + "-");
                List<StoredDelivery> single = bookings(tenants, PER_ROUND, "s" + r + "-");
                double baseline = rate(PER_ROUND, bareContactInserts(pool, tenants.get(0)));
                long cpu0 = processCpuNanos();
                WORKER_CPU.set(0);
                double bookings = rate(PER_ROUND, run(created.size() / BATCH, i -> h.bookings.processor().processAll(chunk(created, i))));
                double cpuMs = (processCpuNanos() - cpu0) / 1e6 / PER_ROUND;
                double workerCpuMs = WORKER_CPU.get() / 1e6 / PER_ROUND;
                double deliveries = rate(PER_ROUND, run(mixed.size() / BATCH, i -> h.bookings.processor().processAll(chunk(mixed, i))));
                double oneByOne = rate(PER_ROUND, run(single.size(), i -> h.bookings.processor().process(single.get(i))));
                rounds.add(new double[] {baseline, bookings, deliveries, cpuMs, oneByOne, workerCpuMs});
                System.out.printf("%5d  %10.0f  %10.0f  %5.2f  %7.0f  %5.2f  %15.0f  %5.2f  %18.3f  %21.3f  %s%n", r + 1, baseline,
                        bookings, bookings / baseline, deliveries, deliveries / baseline, oneByOne, oneByOne / baseline, cpuMs,
                        workerCpuMs, load());
            }
            roundTrips(tenants);
            double baseline = median(rounds, 0), bookings = median(rounds, 1), deliveries = median(rounds, 2);
            double best = rounds.stream().mapToDouble(r -> r[1]).max().orElse(0);
            System.out.printf("median baseline (bare contact insert, one per transaction)  %8.0f /s%n", baseline);
            System.out.printf("best round, invitee.created end to end                       %8.0f /s%n", best);
            System.out.printf("median invitee.created end to end (new bookings)           %8.0f /s  (%.2f x baseline)%n",
                    bookings, median(rounds, 1, 0));
            System.out.printf("median mixed deliveries (create/cancel/reschedule/no-show) %8.0f /s  (%.2f x baseline)%n",
                    deliveries, median(rounds, 2, 0));
            System.out.printf("median new bookings one per transaction (no batch)          %8.0f /s  (%.2f x baseline)%n",
                    median(rounds, 4), median(rounds, 4, 0));
            System.out.printf("median JVM CPU per new booking (all JVM threads)           %8.3f ms%n", median(rounds, 3));
            System.out.printf("median CPU of the worker threads per new booking           %8.3f ms%n", median(rounds, 5));
        }
    }

    /**
     * Not timed: the statements and commits a new booking costs, batched and one at a time, counted
     * at the JDBC connection (each is one round trip to PostgreSQL), host's statements included.
     */
    private static void roundTrips(List<TestTenant> tenants) throws Exception {
        try (var pool = db.newPool(2)) {
            Counting counting = new Counting();
            Engine h = new Engine(counting.wrap(pool));
            int n = 10 * BATCH;
            List<StoredDelivery> batched = bookings(tenants, n, "c" + UUID.randomUUID() + "-");
            List<StoredDelivery> single = bookings(tenants, n, "d" + UUID.randomUUID() + "-");
            long[] before = counting.now();
            for (int i = 0; i < n / BATCH; i++) {
                h.bookings.processor().processAll(chunk(batched, i));
            }
            long[] mid = counting.now();
            for (StoredDelivery d : single) {
                h.bookings.processor().process(d);
            }
            long[] after = counting.now();
            System.out.printf("round trips per new booking, batches of %d: %.2f statements + %.3f commits;"
                            + " one at a time: %.2f statements + %.3f commits%n", BATCH,
                    (mid[0] - before[0]) / (double) n, (mid[1] - before[1]) / (double) n,
                    (after[0] - mid[0]) / (double) n, (after[1] - mid[1]) / (double) n);
        }
    }

    /** Counts statements executed and commits through the connections of a DataSource. */
    static final class Counting {
        final java.util.concurrent.atomic.AtomicLong statements = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();

        long[] now() {
            return new long[] {statements.get(), commits.get()};
        }

        javax.sql.DataSource wrap(javax.sql.DataSource target) {
            return (javax.sql.DataSource) proxy(javax.sql.DataSource.class, target, (method, result) ->
                    result instanceof java.sql.Connection c ? proxy(java.sql.Connection.class, c, this::statement) : result);
        }

        private Object statement(java.lang.reflect.Method method, Object result) {
            if (method.getName().equals("commit")) {
                commits.incrementAndGet();
            }
            if (result instanceof java.sql.Statement s && method.getReturnType().isInterface()
                    && java.sql.Statement.class.isAssignableFrom(method.getReturnType())) {
                return proxy(method.getReturnType(), s, (m, r) -> {
                    if (m.getName().startsWith("execute")) {
                        statements.incrementAndGet();
                    }
                    return r;
                });
            }
            return result;
        }

        private static Object proxy(Class<?> type, Object target,
                                    java.util.function.BiFunction<java.lang.reflect.Method, Object, Object> after) {
            return java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
                Object result;
                try {
                    result = method.invoke(target, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
                return after.apply(method, result);
            });
        }
    }

    private static double median(List<double[]> rounds, int column) {
        return rounds.stream().mapToDouble(r -> r[column]).sorted().toArray()[rounds.size() / 2];
    }

    private static double median(List<double[]> rounds, int column, int baseline) {
        return rounds.stream().mapToDouble(r -> r[column] / r[baseline]).sorted().toArray()[rounds.size() / 2];
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The machine's 1-minute load average: other builds share these cores. */
    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static String cpu() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .orElse("unknown CPU");
        } catch (java.io.IOException e) {
            return "unknown CPU";
        }
    }

    /** New bookings of distinct invitees, spread over the tenants. */
    static List<StoredDelivery> bookings(List<TestTenant> tenants, int n, String prefix) {
        List<StoredDelivery> out = new ArrayList<>(n);
        Instant start = Instant.parse("2026-06-01T14:00:00Z");
        for (int i = 0; i < n; i++) {
            TestTenant t = tenants.get(i % tenants.size());
            out.add(Engine.delivery(t, InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                    prefix + i + "@bench.example", start.plusSeconds(900L * i)).bytes()));
        }
        return out;
    }

    /** Per booking of ten: 10 creates, 2 cancels, 2 reschedule pairs (4 deliveries), 1 no-show. */
    static List<StoredDelivery> mixed(List<TestTenant> tenants, int n, String prefix) {
        List<StoredDelivery> out = new ArrayList<>(n);
        Instant start = Instant.parse("2026-07-01T14:00:00Z");
        for (int i = 0; out.size() < n; i++) {
            TestTenant t = tenants.get(i % tenants.size());
            InviteeEvent e = InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                    prefix + i + "@bench.example", start.plusSeconds(900L * i));
            out.add(Engine.delivery(t, e.bytes()));
            Instant at = Instant.parse("2026-06-20T10:00:00Z");
            switch (i % 10) {
                case 1, 2 -> out.add(Engine.delivery(t, e.copy().canceled("X", "invitee", "busy", at).bytes()));
                case 3, 4 -> {
                    InviteeEvent next = InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                            prefix + i + "@bench.example", start.plusSeconds(900L * i + 86_400)).oldInvitee(e.uri()).updatedAt(at.plusSeconds(1));
                    out.add(Engine.delivery(t, e.copy().rescheduledTo(next.uri(), at).bytes()));
                    out.add(Engine.delivery(t, next.bytes()));
                }
                case 5 -> out.add(Engine.delivery(t, e.copy().noShow("ns-" + i, at).bytes()));
                default -> {
                }
            }
        }
        return out.subList(0, n);
    }

    /** The {@code i}th batch of {@link #BATCH} deliveries (a remainder smaller than a batch is left out). */
    static List<StoredDelivery> chunk(List<StoredDelivery> all, int i) {
        return all.subList(i * BATCH, (i + 1) * BATCH);
    }

    /** CPU time of the threads that ran {@link #run}'s work, added up (ThreadMXBean). */
    static final java.util.concurrent.atomic.AtomicLong WORKER_CPU = new java.util.concurrent.atomic.AtomicLong();

    static long bareContactInserts(javax.sql.DataSource pool, TestTenant t) throws Exception {
        DSLContext dsl = DSL.using(pool, SQLDialect.POSTGRES);
        return run(PER_ROUND, i -> dsl.transaction(cfg -> cfg.dsl().insertInto(CONTACT)
                .set(CONTACT.ID, UUID.randomUUID())
                .set(CONTACT.TENANT_ID, t.id)
                .set(CONTACT.EMAIL, "bare" + i + "-" + UUID.randomUUID() + "@bench.example")
                .set(CONTACT.FULL_NAME, "Bare Insert")
                .set(CONTACT.STATUS, "lead")
                .set(CONTACT.CUSTOM_FIELDS, JSONB.jsonb("{}"))
                .execute()));
    }

    /** Runs work(0..n-1) on {@link #THREADS} threads taking items from a shared backlog; nanoseconds. */
    static long run(int n, IntConsumer work) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < THREADS; k++) {
                futures.add(threads.submit(() -> {
                    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                    long cpu = mx.getCurrentThreadCpuTime();
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        work.accept(i);
                    }
                    WORKER_CPU.addAndGet(mx.getCurrentThreadCpuTime() - cpu);
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return System.nanoTime() - t0;
        } finally {
            threads.shutdownNow();
        }
    }

    static double rate(int n, long nanos) {
        return n / (nanos / 1e9);
    }
}
