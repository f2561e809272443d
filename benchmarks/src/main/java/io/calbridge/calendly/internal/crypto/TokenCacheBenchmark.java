package io.calbridge.calendly.internal.crypto;

import io.calbridge.benchmarks.NanoBenchmark;
import io.calbridge.calendly.internal.common.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * A cache-hit access-token fetch ({@link AccessTokenCache#get(UUID, Duration)} with the refresh
 * margin, goal under 1 µs) against {@code HashMap.get} of the same keys (the baseline), in the same
 * run, over 1,000 integrations. The database paths (a cold fetch, 150 callers at expiry) stay in
 * CryptoBenchmark and TokenSourceBenchmark.
 */
public class TokenCacheBenchmark extends NanoBenchmark {
    private static final int INTEGRATIONS = 1024;
    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final UUID[] ids = new UUID[INTEGRATIONS];
    private final Map<UUID, Secret> map = new HashMap<>();
    private final AccessTokenCache cache = new AccessTokenCache(10_000, Clock.systemUTC());
    private int next;

    @Setup
    public void fill() {
        Instant expires = Instant.now().plus(Duration.ofHours(2));
        for (int i = 0; i < INTEGRATIONS; i++) {
            ids[i] = UUID.randomUUID();
            Secret token = Secret.of("access-token-" + i);
            map.put(ids[i], token);
            cache.put("tenant-" + i, ids[i], token, expires);
        }
    }

    @Benchmark
    public Object baselineHashMapGet() {
        return map.get(ids[next++ & (INTEGRATIONS - 1)]);
    }

    @Benchmark
    public Object cacheHit() {
        return cache.get(ids[next++ & (INTEGRATIONS - 1)], MARGIN).orElseThrow();
    }
}
