package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.booking.ContactPins;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.calendly.internal.sync.OneBookingPerInvitee;
import io.calbridge.db.calendly.tables.CalendlyWebhookInbox;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 tenants against 20, in the same run, each on its own schema with connected integrations
 * written as direct rows (a sealed signing key each, so every tenant has its own data key): the
 * plugin's receive path started on each (startup time), one delivery to every tenant (warm-up), heap
 * held afterwards (per tenant: the difference between the two, divided by the difference in tenants),
 * then ingest throughput in alternating rounds at 32 connections, the lookup and data-key caches' hit
 * rates, and booking throughput: the stored deliveries processed by the real pipeline in alternating
 * chunks ({@code -Dbench.bookingChunk}, 500).
 * Run:
 * {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=TenantScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbench.tenants=N} for the large side, {@code -Dbench.rounds}, {@code -Dbench.seconds}).
 */
@Tag("benchmark")
class TenantScaleBenchmark {
    @RegisterExtension
    static final TestDatabase small = TestDatabase.migratedBy(CalendlySchema::migrate);
    @RegisterExtension
    static final TestDatabase large = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final int SMALL = 20;
    static final int LARGE = Integer.getInteger("bench.tenants", 10_000);
    static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 5));
    static final String INVITEE = "899e8c60-9931-43be-8ab4-5d0ce9fe7fec";
    static final CalendlyWebhookInbox INBOX = CALENDLY_WEBHOOK_INBOX;

    /** One side: its database, its plugin receive path, its tenants. */
    record Side(String name, TestDatabase db, HikariDataSource pool, TenantKeyring keyring, Webhooks webhooks, Javalin server,
                List<TestIntegrations.TestIntegration> tenants, long startupMillis, long heapBytes) {
        String url(int tenant) {
            return "http://127.0.0.1:" + server.port() + WebhookRoutes.PATH + "/" + tenants.get(tenant).token();
        }

        void stop() {
            webhooks.stop();
            server.stop();
            pool.close();
        }
    }

    @Test
    void tenThousandTenantsAgainstTwenty() throws Exception {
        String template = new String(CalendlyFixtures.webhook("invitee.created.basic.json"), StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        List<TestIntegrations.TestIntegration> smallTenants = seed(small, SMALL);
        List<TestIntegrations.TestIntegration> largeTenants = seed(large, LARGE);
        System.out.printf("%nseeded %d + %d tenants with connected integrations in %.1f s (load %s)%n", SMALL, LARGE,
                (System.nanoTime() - t0) / 1e9, load());

        // A throwaway start first: the first receive path in a JVM pays for class loading and JIT warm-up,
        // which is no function of the number of tenants.
        start("warm-up", small, smallTenants.subList(0, 1), template).stop();
        Side s = start("20 tenants", small, smallTenants, template);
        Side l = start(LARGE + " tenants", large, largeTenants, template);
        try {
            List<double[]> rounds = new ArrayList<>();
            System.out.printf("%nround  %14s %14s %8s  load%n", "20 tenants", LARGE + " tenants", "ratio");
            for (int round = 0; round < ROUNDS; round++) {
                // Alternate which side goes first, so a drift in the machine's load falls on both alike.
                Side first = round % 2 == 0 ? s : l;
                Side second = first == s ? l : s;
                double a = drive(first, template, MEASURE).throughput;
                double b = drive(second, template, MEASURE).throughput;
                double smallRate = first == s ? a : b;
                double largeRate = first == s ? b : a;
                rounds.add(new double[] {smallRate, largeRate});
                System.out.printf("%-6d %14.0f %14.0f %8.2f  %s%n", round + 1, smallRate, largeRate, largeRate / smallRate, load());
            }
            double smallMean = rounds.stream().mapToDouble(r -> r[0]).average().orElse(0);
            double largeMean = rounds.stream().mapToDouble(r -> r[1]).average().orElse(0);
            double[] ratios = rounds.stream().mapToDouble(r -> r[1] / r[0]).toArray();
            Arrays.sort(ratios);

            System.out.printf("%nTenant scale benchmark: machine nproc=%d, java=%s, load average now %s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load());
            System.out.printf("%-40s %14s %14s %10s%n", "figure", "20 tenants", LARGE + " tenants", "ratio");
            System.out.printf("%-40s %14.0f %14.0f %10.2f%n", "ingest req/s (mean of rounds)", smallMean, largeMean,
                    largeMean / smallMean);
            System.out.printf("%-40s %14s %14s %10.2f%n", "ingest ratio, median round", "", "", ratios[ratios.length / 2]);
            System.out.printf("%-40s %14d %14d %10.2f%n", "startup: receive path up, first 200 (ms)", s.startupMillis(),
                    l.startupMillis(), (double) l.startupMillis() / Math.max(1, s.startupMillis()));
            System.out.printf("%-40s %14d %14d%n", "heap held after warm-up (KiB)", s.heapBytes() / 1024, l.heapBytes() / 1024);
            double perTenant = (double) (l.heapBytes() - s.heapBytes()) / (LARGE - SMALL);
            System.out.printf("%-40s %14s %14.0f  (goal < 20,480)%n", "heap per tenant (bytes)", "", perTenant);
            System.out.printf("%-40s %14s %14s%n", "data-key cache hit rate", hitRate(s.keyring().dataKeyCacheStats()),
                    hitRate(l.keyring().dataKeyCacheStats()));
            System.out.printf("%-40s %14s %14s%n", "integration lookup cache hit rate", hitRate(s.webhooks().directoryLookups()),
                    hitRate(l.webhooks().directoryLookups()));
            double perTenantInterval = LARGE / largeMean;
            System.out.printf("a tenant of %d receives a delivery every %.1f s at this rate; the lookup cache keeps a live"
                    + " integration up to %d s while invalidations are heard%n", LARGE, perTenantInterval,
                    IntegrationDirectory.HEARD_TTL.toSeconds());
            bookings(s, l);
        } finally {
            s.stop();
            l.stop();
        }
    }

    /**
     * Booking throughput: the deliveries the ingest rounds stored (spread over 20 or over 10,000
     * tenants) processed by the real pipeline (one booking per invitee, booking processor, the
     * in-memory TestHost) on two worker threads, released in equal chunks, sides alternating.
     */
    private static void bookings(Side s, Side l) throws Exception {
        Processing ps = new Processing(s);
        Processing pl = new Processing(l);
        try {
            int chunk = (int) Math.min(BOOKING_CHUNK, Math.min(ps.held(), pl.held()) / ROUNDS);
            System.out.printf("%nbookings, %d per chunk%nround  %14s %14s %8s  load%n", chunk, "20 tenants",
                    LARGE + " tenants", "ratio");
            double smallSum = 0;
            double largeSum = 0;
            for (int round = 0; round < ROUNDS; round++) {
                Processing first = round % 2 == 0 ? ps : pl;
                Processing second = first == ps ? pl : ps;
                double a = first.process(chunk);
                double b = second.process(chunk);
                double smallRate = first == ps ? a : b;
                double largeRate = first == ps ? b : a;
                smallSum += smallRate;
                largeSum += largeRate;
                System.out.printf("%-6d %14.0f %14.0f %8.2f  %s%n", round + 1, smallRate, largeRate, largeRate / smallRate, load());
            }
            System.out.printf("%-40s %14.0f %14.0f %10.2f  (goal >= 0.90)%n", "bookings/s (mean of rounds)", smallSum / ROUNDS,
                    largeSum / ROUNDS, largeSum / smallSum);
            System.out.printf("%-40s %14s %14s%n", "data-key cache hit rate after bookings", hitRate(s.keyring().dataKeyCacheStats()),
                    hitRate(l.keyring().dataKeyCacheStats()));
        } finally {
            ps.stop();
            pl.stop();
        }
    }

    static final int BOOKING_CHUNK = Integer.getInteger("bench.bookingChunk", 500);

    /** A worker node on one side; stored deliveries are held back (due tomorrow) and released a chunk at a time. */
    static final class Processing {
        final Side side;
        final Db db;
        final Webhooks worker;

        Processing(Side side) {
            this.side = side;
            this.db = new Db(side.pool());
            db.dsl().update(INBOX).set(INBOX.NEXT_ATTEMPT_AT, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1))
                    .where(INBOX.STATUS.eq("PENDING")).execute();
            var processor = Bookings.create(db, io.calbridge.calendly.TestHost.services(), Clock.systemUTC(),
                    PersonalData.sealedBy(side.keyring()), ContactPins.NONE).processor();
            this.worker = Webhooks.create(db, side.keyring(), new OneBookingPerInvitee(db, processor, Clock.systemUTC()),
                    WebhookSettings.defaults().withWorker(2, 10, WebhookSettings.DEFAULT_LEASE, Duration.ofMillis(20)),
                    new SimpleMeterRegistry(), Clock.systemUTC());
            worker.start();
        }

        int held() {
            return db.dsl().fetchCount(INBOX, INBOX.STATUS.eq("PENDING"));
        }

        /** Releases {@code count} held deliveries and waits until they are processed; bookings per second. */
        double process(int count) throws InterruptedException {
            List<Long> ids = db.dsl().select(INBOX.ID).from(INBOX).where(INBOX.STATUS.eq("PENDING"))
                    .orderBy(INBOX.ID).limit(count).fetch(INBOX.ID);
            long started = System.nanoTime();
            db.dsl().update(INBOX).set(INBOX.NEXT_ATTEMPT_AT, OffsetDateTime.now(ZoneOffset.UTC)).where(INBOX.ID.in(ids)).execute();
            long deadline = started + Duration.ofMinutes(5).toNanos();
            while (db.dsl().fetchCount(INBOX, INBOX.ID.in(ids).and(INBOX.STATUS.in("PENDING", "PROCESSING"))
                    .and(INBOX.NEXT_ATTEMPT_AT.le(OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1)))) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("bookings not processed within 5 minutes");
                }
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            int done = db.dsl().fetchCount(INBOX, INBOX.ID.in(ids).and(INBOX.STATUS.eq("DONE")));
            assertEquals(ids.size(), done, "every released delivery processed (DONE)");
            return ids.size() / seconds;
        }

        void stop() {
            worker.stop();
        }
    }

    /** Tenants with a connected integration each, written by 4 threads (sealing creates a data key per tenant). */
    private static List<TestIntegrations.TestIntegration> seed(TestDatabase db, int count) throws Exception {
        Db direct = new Db(db.dataSource());
        TenantKeyring keyring = WebhookHarness.keyring(direct, Clock.systemUTC());
        TestIntegrations integrations = new TestIntegrations(direct, keyring);
        List<TestIntegrations.TestIntegration> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int w = 0; w < 4; w++) {
                done.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        all.add(integrations.create("scale-tenant-" + i, Secret.of("scale-key-" + i)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new ArrayList<>(all);
    }

    /**
     * Starts the receive path on the side's database as a node would (keyring, webhooks, Javalin) and
     * times it to the first accepted delivery; then sends one delivery to every tenant and measures the
     * heap held afterwards against before the start.
     */
    private static Side start(String name, TestDatabase db, List<TestIntegrations.TestIntegration> tenants, String template)
            throws Exception {
        long heapBefore = heapAfterGc();
        long started = System.nanoTime();
        HikariDataSource pool = pool(db, name);
        TenantKeyring keyring = WebhookHarness.keyring(new Db(pool), Clock.systemUTC());
        Webhooks webhooks = Webhooks.create(new Db(pool), keyring, null,
                WebhookSettings.defaults().withWorker(0, 10, WebhookSettings.DEFAULT_LEASE, Duration.ofSeconds(1)),
                new SimpleMeterRegistry(), Clock.systemUTC());
        Javalin server = Javalin.create(config -> webhooks.registerRoutes(config.routes)).start(0);
        webhooks.start();
        Side side = new Side(name, db, pool, keyring, webhooks, server, tenants, 0, 0);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertEquals(200, send(client, side, 0, template));
        long startup = (System.nanoTime() - started) / 1_000_000;
        // Warm-up: every tenant receives a delivery, so everything the plugin keeps per tenant is loaded.
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        Thread[] threads = new Thread[CONNECTIONS];
        for (int c = 0; c < CONNECTIONS; c++) {
            threads[c] = new Thread(() -> {
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                int i;
                while ((i = next.getAndIncrement()) < tenants.size()) {
                    if (send(own, side, i, template) != 200) {
                        errors.incrementAndGet();
                    }
                }
            });
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, errors.get(), "every warm-up delivery answered 200");
        long heap = heapAfterGc() - heapBefore;
        return new Side(name, db, pool, keyring, webhooks, server, tenants, startup, heap);
    }

    record Run(long requests, long errors, double throughput) {
    }

    private static Run drive(Side side, String template, Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        long started = System.nanoTime();
        for (int c = 0; c < CONNECTIONS; c++) {
            new Thread(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                var random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    if (send(client, side, random.nextInt(side.tenants().size()), template) != 200) {
                        errors.incrementAndGet();
                    }
                    requests.incrementAndGet();
                }
                done.countDown();
            }).start();
        }
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, errors.get(), "every delivery answered 200");
        return new Run(requests.get(), errors.get(), requests.get() / seconds);
    }

    private static int send(HttpClient client, Side side, int tenant, String template) {
        byte[] body = template.replace(INVITEE, UUID.randomUUID().toString()).getBytes(StandardCharsets.UTF_8);
        long ts = System.currentTimeMillis() / 1000;
        String signature = "t=" + ts + ",v1=" + SignatureVerifier.sign(side.tenants().get(tenant).key(), ts, body);
        try {
            return client.send(HttpRequest.newBuilder(URI.create(side.url(tenant)))
                    .header("Content-Type", "application/json")
                    .header(WebhookRoutes.SIGNATURE_HEADER, signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HikariDataSource pool(TestDatabase db, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.server().user());
        config.setPassword(db.server().password());
        config.setMaximumPoolSize(10);
        config.setPoolName("scale-" + name.replace(' ', '-'));
        return new HikariDataSource(config);
    }

    /** Used heap after full collections settle (three in a row, a pause between). */
    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static String hitRate(IntegrationDirectory.Lookups lookups) {
        return String.format("%.4f (%d/%d)", lookups.hitRate(), lookups.hits(), lookups.hits() + lookups.misses());
    }

    private static String hitRate(CacheStats stats) {
        return String.format("%.4f (%d/%d)", stats.hitRate(), stats.hitCount(), stats.requestCount());
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }
}
