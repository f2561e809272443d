package io.calbridge.calendly;

/**
 * Hit and miss counts of one of the plugin's in-memory caches on this node, since the plugin started:
 * a point-in-time snapshot, never reset, not shared between nodes. The same numbers are published as
 * Micrometer meters when {@link CalendlyConfig#meterRegistry} is set.
 *
 * @param hitCount         lookups answered from the cache
 * @param missCount        lookups that had to load (from the database, and for data keys through the
 *                         master key)
 * @param loadFailureCount loads that failed (the lookup threw)
 * @param evictionCount    entries dropped for size or age
 */
public record CacheStatistics(long hitCount, long missCount, long loadFailureCount, long evictionCount) {

    /**
     * Checks the counts.
     *
     * @param hitCount lookups answered from the cache
     * @param missCount lookups that had to load (from the database, and for data keys through the master key)
     * @param loadFailureCount loads that failed (the lookup threw)
     * @param evictionCount entries dropped for size or age
     * @throws IllegalArgumentException when a count is negative
     */
    public CacheStatistics {
        if (hitCount < 0 || missCount < 0 || loadFailureCount < 0 || evictionCount < 0) {
            throw new IllegalArgumentException("cache counts cannot be negative: hits=" + hitCount + " misses="
                    + missCount + " loadFailures=" + loadFailureCount + " evictions=" + evictionCount);
        }
    }

    /**
     * All lookups.
     *
     * @return {@code hitCount + missCount}
     */
    public long requestCount() {
        return hitCount + missCount;
    }

    /**
     * The share of lookups answered from the cache.
     *
     * @return between 0 and 1; 1 when there was no lookup yet
     */
    public double hitRate() {
        long requests = requestCount();
        return requests == 0 ? 1.0 : (double) hitCount / requests;
    }
}
