package io.calbridge.host;

import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.TENANT;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;
import static io.calbridge.testing.Waiting.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.host.SignedDeliveries.Connection;
import io.calbridge.host.demo.DemoData;
import io.calbridge.host.security.PasswordHasher;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lag from a signed delivery at the webhook endpoint to its effects in tenant-host's tables
 * (contact, lists, tags, task, activity), under a steady offered load. Not a test: run with
 * {@code mvn -Pbenchmark -pl tenant-host -am verify -Dtest=EndToEndLagBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Every tenant is connected to a Calendly organisation of its own through the sandbox (see
 * {@link SignedDeliveries}); the deliveries are signed with each integration's key and posted to its
 * webhook URL. Lag is {@code processed_at - received_at} of each delivery in the tenants' webhook logs
 * (the settings API; received_at is written when the delivery is stored, processed_at when its effects
 * committed).
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
        int workers = Integer.getInteger("bench.workerThreads", 4);
        int rate = Integer.getInteger("bench.rate", 300);
        // The plugin's default unless asked (1: one delivery per transaction, as before batches).
        Integer batch = Integer.getInteger("bench.batchSize");
        try (SignedDeliveries calendly = new SignedDeliveries(db.dataSource(), TestKeys.MASTER, plugin -> {
            plugin.workerThreads = workers;
            plugin.webhookPollInterval = Duration.ofSeconds(1); // CalendlyConfig's default, not the tests' quicker poll
            if (batch != null) {
                plugin.webhookBatchSize = batch;
            }
        })) {
            List<Connection> targets = connections(calendly);
            byte[] template = CalendlyFixtures.webhook("invitee.created.basic.json");
            HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(8)).build();

            Round warmup = run(calendly, http, targets, template, 100, Duration.ofSeconds(5), "warm-up");
            Round light = run(calendly, http, targets, template, 50, Duration.ofSeconds(10), "baseline 50/s");
            Round steady = run(calendly, http, targets, template, rate, Duration.ofSeconds(20), "steady " + rate + "/s");

            System.out.printf("%n== End-to-end lag (endpoint -> inbox -> worker -> host tables), %d tenants, %d worker threads,"
                    + " batch size %s, machine: %d cores, %s%n", TENANTS, workers, batch == null ? "default" : batch,
                    Runtime.getRuntime().availableProcessors(), cpuModel());
            for (Round r : List.of(warmup, light, steady)) {
                System.out.println(r);
            }
            System.out.printf("ratio p50 lag steady/baseline: %.2f, p99: %.2f%n",
                    steady.p50 / Math.max(1, light.p50), steady.p99 / Math.max(1, light.p99));
        }
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

    private static Round run(SignedDeliveries calendly, HttpClient http, List<Connection> targets, byte[] template, int perSecond,
            Duration length, String name) throws Exception {
        Instant roundStart = Instant.now();
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
            Connection t = targets.get(i % targets.size());
            byte[] body = delivery(template);
            inFlight.acquire();
            sent.add(http.sendAsync(t.delivery(body), HttpResponse.BodyHandlers.discarding())
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
        try {
            eventually("the backlog drained").atMost(Duration.ofMinutes(3)).until(() -> drained(calendly, targets));
        } catch (ConditionTimeoutException e) {
            System.out.println(name + ": backlog not drained after 3 minutes; the lags below are of what was processed");
        }
        double drain = (System.nanoTime() - sendsDone) / 1e9;
        List<Double> lags = lags(calendly, targets, roundStart);
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

    /** Nothing waiting and nothing in progress in any tenant's webhook log. */
    private static boolean drained(SignedDeliveries calendly, List<Connection> targets) {
        for (Connection t : targets) {
            for (String status : List.of("PENDING", "PROCESSING")) {
                if (!calendly.webhookLog(t, "size=1&status=" + status).get("items").isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code processed_at - received_at} in ms of every delivery done since {@code since}, from the tenants' webhook logs. */
    private static List<Double> lags(SignedDeliveries calendly, List<Connection> targets, Instant since) {
        List<Double> lags = new ArrayList<>();
        for (Connection t : targets) {
            boolean older = false;
            for (int page = 1; !older; page++) {
                JsonNode log = calendly.webhookLog(t, "size=100&event=invitee.created&status=DONE&page=" + page);
                for (JsonNode item : log.get("items")) {
                    Instant received = Instant.parse(item.get("received_at").asText());
                    older |= received.isBefore(since);
                    if (!received.isBefore(since)) {
                        lags.add(Duration.between(received, Instant.parse(item.get("processed_at").asText())).toNanos() / 1e6);
                    }
                }
                older |= !log.get("has_more").asBoolean();
            }
        }
        lags.sort(null);
        return lags;
    }

    /**
     * Acme, Globex and {@link #TENANTS} - 2 more tenants (each with an admin), every one connected to a
     * Calendly organisation of its own.
     */
    private static List<Connection> connections(SignedDeliveries calendly) throws Exception {
        List<Connection> out = new ArrayList<>(List.of(calendly.acme,
                calendly.connect("admin@globex.test", "owner@globex.calendly.test", "first.booker@globex.calendly.test")));
        PasswordHasher hasher = new PasswordHasher(DemoTenants.TEST_ITERATIONS);
        for (int i = 2; i < TENANTS; i++) {
            String admin = newTenant(calendly.dsl(), i, hasher);
            out.add(calendly.connect(admin, "owner@bench-" + i + ".calendly.test", "first.booker@bench-" + i + ".calendly.test"));
        }
        return out;
    }

    /** A tenant with the statuses the deliveries need and an admin (password {@link DemoData#PASSWORD}); the admin's e-mail. */
    private static String newTenant(DSLContext dsl, int i, PasswordHasher hasher) {
        UUID id = UUID.randomUUID();
        dsl.insertInto(TENANT).set(TENANT.ID, id).set(TENANT.SLUG, "bench-" + i).set(TENANT.NAME, "Bench " + i).execute();
        for (String code : List.of("lead", "customer")) {
            dsl.insertInto(CONTACT_STATUS).set(CONTACT_STATUS.TENANT_ID, id).set(CONTACT_STATUS.CODE, code)
                    .set(CONTACT_STATUS.LABEL, code).execute();
        }
        UUID admin = UUID.randomUUID();
        String email = "admin@bench-" + i + ".test";
        dsl.insertInto(APP_USER).set(APP_USER.ID, admin).set(APP_USER.EMAIL, email).set(APP_USER.DISPLAY_NAME, "Bench admin " + i)
                .set(APP_USER.PASSWORD_HASH, hasher.hash(DemoData.PASSWORD)).execute();
        dsl.insertInto(TENANT_MEMBER).set(TENANT_MEMBER.TENANT_ID, id).set(TENANT_MEMBER.USER_ID, admin)
                .set(TENANT_MEMBER.ROLE, "ADMIN").execute();
        return email;
    }

    /** The recorded fixture with a fresh invitee, event and e-mail, compact like Calendly's bodies. */
    private static byte[] delivery(byte[] template) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(template);
        ObjectNode payload = (ObjectNode) root.get("payload");
        String event = "https://api.calendly.com/scheduled_events/" + UUID.randomUUID();
        payload.put("uri", event + "/invitees/" + UUID.randomUUID());
        payload.put("email", "bench-" + UUID.randomUUID() + "@example.com");
        ((ObjectNode) payload.get("scheduled_event")).put("uri", event);
        return JSON.writeValueAsBytes(root);
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
