package io.calbridge.sandbox.internal.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Request counters, for tests that assert "exactly one refresh" or "no more API calls". */
public final class Stats {
    private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tokenByGrant = new ConcurrentHashMap<>();

    public void apiRequest(String path) {
        byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    }

    public void tokenRequest(String grantType) {
        tokenByGrant.computeIfAbsent(grantType == null ? "" : grantType, g -> new AtomicInteger()).incrementAndGet();
    }

    public int apiRequests(String prefix) {
        return byPath.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    public int tokenRequests(String grantType) {
        AtomicInteger n = tokenByGrant.get(grantType);
        return n == null ? 0 : n.get();
    }

    public int tokenRequests() {
        return tokenByGrant.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public Map<String, Integer> snapshotPaths() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        byPath.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public Map<String, Integer> snapshotGrants() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        tokenByGrant.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public void reset() {
        byPath.clear();
        tokenByGrant.clear();
    }
}
