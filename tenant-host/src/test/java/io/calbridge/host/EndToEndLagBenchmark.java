package io.calbridge.host;

import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.fixtures.CalendlyFixtures;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lag from a signed delivery at the webhook endpoint to its effects in tenant-host's tables
 * (contact, lists, tags, task, activity), under a steady offered load. Not a test: run with
 * {@code mvn -Pbenchmark -pl tenant-host -am verify -Dtest=EndToEndLagBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Lag is measured by PostgreSQL itself: {@code processed_at - received_at} of each inbox row
 * (received_at is written when the delivery is stored, processed_at when its effects committed).
 * Baseline in the same run: the same pipeline at a light 50 deliveries/s. The steady rate is
 * {@code -Dbench.rate} (default 300/s), the worker's batch size {@code -Dbench.batchSize} (default:
 * the plugin's), its threads {@code -Dbench.workerThreads} (default 4), all through {@code -DargLine}.
 */
@Tag("benchmark")
class EndToEndLagBenchmark {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final int TENANTS = 20;

    @Test
    void lagUnderSteadyLoad() throws Exception {
        DemoTenants demo = new DemoTenants(db.dataSource());
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        int workers = Integer.getInteger("bench.workerThreads", 4);
        int rate = Integer.getInteger("bench.rate", 300);
        // The plugin's default unless asked (1: one delivery per transaction, as before batches).
        Integer batch = Integer.getInteger("bench.batchSize");
        HostApp app = new HostApp(db.dataSource(), DemoTenants.settings(base), TestKeys.MASTER, "bench", plugin -> {
            plugin.workerThreads = workers;
            if (batch != null) {
                plugin.webhookBatchSize = batch;
            }
        }, (c, s) -> {
        }).start(port);
        try {
            List<Target> targets = integrations(demo);
            byte[] template = CalendlyFixtures.webhook("invitee.created.basic.json");
            HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(8)).build();

            Round warmup = run(http, base, targets, template, 100, Duration.ofSeconds(5), "warm-up");
            Round light = run(http, base, targets, template, 50, Duration.ofSeconds(10), "baseline 50/s");
            Round steady = run(http, base, targets, template, rate, Duration.ofSeconds(20), "steady " + rate + "/s");

            System.out.printf("%n== End-to-end lag (endpoint -> inbox -> worker -> host tables), %d tenants, %d worker threads,"
                    + " batch size %s, machine: %d cores, %s%n", TENANTS, workers, batch == null ? "default" : batch,
                    Runtime.getRuntime().availableProcessors(), cpuModel());
            for (Round r : List.of(warmup, light, steady)) {
                System.out.println(r);
            }
            System.out.printf("ratio p50 lag steady/baseline: %.2f, p99: %.2f%n",
                    steady.p50 / Math.max(1, light.p50), steady.p99 / Math.max(1, light.p99));
        } finally {
            app.stop();
        }
    }

    record Target(String path, byte[] key) {
    }

    record Round(String name, int offered, double achievedPerSecond, int accepted, int failed, double p50, double p99,
            double max, double drainSeconds, String load) {
        @Override
        public String toString() {
            return String.format("%-14s offered %4d/s, sent %6.1f/s, accepted %5d, failed %d, lag p50 %6.1f ms, p99 %7.1f ms,"
                    + " max %7.1f ms, backlog drained %.1f s after the last send, load(1m) %s", name, offered, achievedPerSecond,
                    accepted, failed, p50, p99, max, drainSeconds, load);
        }
    }

    private static Round run(HttpClient http, String base, List<Target> targets, byte[] template, int perSecond,
            Duration length, String name) throws Exception {
        long firstId = maxInboxId();
        int total = (int) (perSecond * length.toSeconds());
        Semaphore inFlight = new Semaphore(64);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / perSecond;
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            Target t = targets.get(i % targets.size());
            byte[] body = delivery(template, t);
            inFlight.acquire();
            sent.add(http.sendAsync(signed(base + t.path(), body, t.key()), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        inFlight.release();
                        if (e == null && r.statusCode() / 100 == 2) {
                            accepted.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long sendsDone = System.nanoTime();
        // wait for the worker to drain what was accepted
        while (pending(firstId) > 0 && System.nanoTime() - sendsDone < Duration.ofMinutes(3).toNanos()) {
            Thread.sleep(50);
        }
        double drain = (System.nanoTime() - sendsDone) / 1e9;
        var lags = DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES)
                .select(DSL.field("extract(epoch from ({0} - {1})) * 1000", Double.class,
                        CALENDLY_WEBHOOK_INBOX.PROCESSED_AT, CALENDLY_WEBHOOK_INBOX.RECEIVED_AT))
                .from(CALENDLY_WEBHOOK_INBOX)
                .where(CALENDLY_WEBHOOK_INBOX.ID.gt(firstId)).and(CALENDLY_WEBHOOK_INBOX.STATUS.eq("DONE"))
                .fetch(0, Double.class);
        lags.sort(null);
        return new Round(name, perSecond, total / sendSeconds, accepted.get(), failed.get(), pct(lags, 0.50), pct(lags, 0.99),
                lags.isEmpty() ? 0 : lags.get(lags.size() - 1), drain, load());
    }

    /** The machine's 1-minute load average: other builds share these cores. */
    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    private static long maxInboxId() {
        Long id = DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES).select(DSL.max(CALENDLY_WEBHOOK_INBOX.ID))
                .from(CALENDLY_WEBHOOK_INBOX).fetchOne(0, Long.class);
        return id == null ? 0 : id;
    }

    private static int pending(long firstId) {
        return DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES).fetchCount(CALENDLY_WEBHOOK_INBOX,
                CALENDLY_WEBHOOK_INBOX.ID.gt(firstId).and(CALENDLY_WEBHOOK_INBOX.STATUS.in("PENDING", "PROCESSING")));
    }

    /** One connected integration per tenant with a known signing key (tenants beyond the demo's are plain rows). */
    private static List<Target> integrations(DemoTenants demo) {
        Db pluginDb = new Db(db.dataSource());
        TenantKeyring keyring = TenantKeyring.create(pluginDb, TestKeys.MASTER, List.of(), Clock.systemUTC(), null);
        List<Target> targets = new ArrayList<>();
        var dsl = demo.dsl;
        for (int i = 0; i < TENANTS; i++) {
            UUID tenant = i == 0 ? demo.acme : i == 1 ? demo.globex : newTenant(dsl, i);
            UUID id = UUID.randomUUID();
            String token = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
            String key = "bench-key-" + i;
            dsl.insertInto(CALENDLY_INTEGRATION)
                    .set(CALENDLY_INTEGRATION.ID, id)
                    .set(CALENDLY_INTEGRATION.TENANT_ID, tenant.toString())
                    .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PERSONAL_TOKEN")
                    .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                    .set(WebhookPathTokens.columns(token, null))
                    .set(CALENDLY_INTEGRATION.CONNECTED_AT, OffsetDateTime.now())
                    .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, keyring.seal(tenant.toString(), Purpose.SIGNING_KEY, id, Secret.of(key)))
                    .execute();
            targets.add(new Target("/api/webhooks/calendly/" + token, key.getBytes(StandardCharsets.UTF_8)));
        }
        return targets;
    }

    private static UUID newTenant(org.jooq.DSLContext dsl, int i) {
        UUID id = UUID.randomUUID();
        dsl.insertInto(io.calbridge.db.host.Tables.TENANT).set(io.calbridge.db.host.Tables.TENANT.ID, id)
                .set(io.calbridge.db.host.Tables.TENANT.SLUG, "bench-" + i)
                .set(io.calbridge.db.host.Tables.TENANT.NAME, "Bench " + i).execute();
        for (String code : List.of("lead", "customer")) {
            dsl.insertInto(io.calbridge.db.host.Tables.CONTACT_STATUS)
                    .set(io.calbridge.db.host.Tables.CONTACT_STATUS.TENANT_ID, id)
                    .set(io.calbridge.db.host.Tables.CONTACT_STATUS.CODE, code)
                    .set(io.calbridge.db.host.Tables.CONTACT_STATUS.LABEL, code).execute();
        }
        return id;
    }

    /** The recorded fixture with a fresh invitee, event and e-mail, compact like Calendly's bodies. */
    private static byte[] delivery(byte[] template, Target target) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(template);
        ObjectNode payload = (ObjectNode) root.get("payload");
        String event = "https://api.calendly.com/scheduled_events/" + UUID.randomUUID();
        payload.put("uri", event + "/invitees/" + UUID.randomUUID());
        payload.put("email", "bench-" + UUID.randomUUID() + "@example.com");
        ((ObjectNode) payload.get("scheduled_event")).put("uri", event);
        return JSON.writeValueAsBytes(root);
    }

    private static HttpRequest signed(String url, byte[] body, byte[] key) throws Exception {
        long t = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        String v1 = HexFormat.of().formatHex(mac.doFinal(body));
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Calendly-Webhook-Signature", "t=" + t + ",v1=" + v1)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }
}
