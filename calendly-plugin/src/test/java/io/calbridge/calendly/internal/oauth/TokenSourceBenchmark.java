package io.calbridge.calendly.internal.oauth;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a token costs: a cache hit (baseline), a load from the database (decrypt included), and the
 * stampede of 3 nodes x 50 threads at expiry (one refresh at Calendly) against the same stampede on
 * warm caches. Run with {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=TokenSourceBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class TokenSourceBenchmark {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void tokenFetch() throws Exception {
        try (OAuthKit kit = OAuthKit.start(db.dataSource())) {
            SandboxUser user = kit.sb.createUser(kit.org, "Bench", "bench@example.com", Role.OWNER, "UTC");
            UUID id = UUID.fromString(kit.connectOAuth("t-bench", "u1", kit.tenantAppJson(), user)
                    .get("integration_id").asText());
            TokenSource tokens = kit.node.tokens();

            int hits = 500_000;
            tokens.accessToken(id);
            for (int i = 0; i < hits; i++) {
                tokens.accessToken(id);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < hits; i++) {
                tokens.accessToken(id);
            }
            double hitNs = (System.nanoTime() - t0) / (double) hits;

            int loads = 2_000;
            long t1 = System.nanoTime();
            for (int i = 0; i < loads; i++) {
                tokens.invalidate(id);
                tokens.accessToken(id);
            }
            double loadNs = (System.nanoTime() - t1) / (double) loads;

            List<HikariDataSource> pools = new ArrayList<>();
            List<OAuthKit.Node> nodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HikariDataSource pool = db.newPool(8);
                pools.add(pool);
                nodes.add(kit.newNode(pool));
            }
            try {
                nodes.forEach(n -> n.tokens().accessToken(id));
                long warmMs = stampede(nodes, 50, id);
                kit.clock.advance(Duration.ofHours(2).plusMinutes(1));
                int before = kit.sb.stats().tokenRequests("refresh_token");
                long expiryMs = stampede(nodes, 50, id);
                int refreshes = kit.sb.stats().tokenRequests("refresh_token") - before;

                System.out.printf("%n[benchmark] token fetch, cache hit (baseline): %8.0f ns/op%n", hitNs);
                System.out.printf("[benchmark] token fetch, from database:         %8.0f ns/op  (x%.0f baseline)%n",
                        loadNs, loadNs / hitNs);
                System.out.printf("[benchmark] 3 nodes x 50 threads, warm caches:  %8d ms (baseline)%n", warmMs);
                System.out.printf("[benchmark] 3 nodes x 50 threads, at expiry:    %8d ms  (x%.1f baseline), refreshes at Calendly: %d%n",
                        expiryMs, expiryMs / (double) Math.max(1, warmMs), refreshes);
            } finally {
                pools.forEach(HikariDataSource::close);
            }
        }
    }

    private static long stampede(List<OAuthKit.Node> nodes, int perNode, UUID id) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * perNode);
        CountDownLatch ready = new CountDownLatch(nodes.size() * perNode);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Secret>> futures = new ArrayList<>();
        for (OAuthKit.Node node : nodes) {
            for (int i = 0; i < perNode; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return node.tokens().accessToken(id);
                }));
            }
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Future<Secret> f : futures) {
            f.get();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        pool.shutdown();
        return ms;
    }
}
