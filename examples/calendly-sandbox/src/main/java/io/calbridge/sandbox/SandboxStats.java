package io.calbridge.sandbox;

import io.calbridge.sandbox.internal.http.Stats;
import java.util.Map;

/** Counts of requests the sandbox received (everything but /_sandbox), for "exactly one refresh" assertions. */
public final class SandboxStats {
    private final Stats stats;

    SandboxStats(Stats stats) {
        this.stats = stats;
    }

    /** POSTs to /oauth/token with this {@code grant_type} ("authorization_code", "refresh_token"). */
    public int tokenRequests(String grantType) {
        return stats.tokenRequests(grantType);
    }

    public int tokenRequests() {
        return stats.tokenRequests();
    }

    /** Requests whose path starts with {@code pathPrefix}, including ones answered with errors. */
    public int apiRequests(String pathPrefix) {
        return stats.apiRequests(pathPrefix);
    }

    public Map<String, Integer> byPath() {
        return stats.snapshotPaths();
    }

    public Map<String, Integer> tokenRequestsByGrant() {
        return stats.snapshotGrants();
    }

    public void reset() {
        stats.reset();
    }
}
