package io.calbridge.calendly.internal.sync;

import java.time.Duration;

/**
 * How the sync feature runs (from {@code CalendlyConfig}).
 *
 * @param pollInterval               how often a node looks for work (plans and claims jobs)
 * @param sweepInterval              how often each integration is swept (jittered by a tenth)
 * @param gapMargin                  a backfill starts this long before the break in continuity
 * @param silence                    an active account without deliveries this long is backfilled
 * @param threads                    jobs one node runs at once (0: this node runs none)
 * @param backgroundRequestsPerMinute this node's background requests per Calendly user and minute (0: unbounded)
 * @param lease                      a job's lease; renewed while it runs, taken over after a node died
 */
public record SyncOptions(Duration pollInterval, Duration sweepInterval, Duration gapMargin, Duration silence,
                          int threads, int backgroundRequestsPerMinute, Duration lease) {

    public static SyncOptions defaults() {
        return new SyncOptions(Duration.ofSeconds(30), Duration.ofHours(6), Duration.ofMinutes(15), Duration.ofHours(24),
                1, 250, Duration.ofMinutes(2));
    }

    public SyncOptions {
        require(pollInterval != null && !pollInterval.isNegative(), "syncPollInterval cannot be negative (zero: no background sync)");
        require(sweepInterval != null && sweepInterval.toSeconds() >= 60, "syncSweepInterval must be at least a minute");
        require(gapMargin != null && !gapMargin.isNegative(), "syncGapMargin cannot be negative");
        require(silence != null && silence.toSeconds() >= 60, "syncSilence must be at least a minute");
        require(threads >= 0 && threads <= 16, "syncThreads must be between 0 and 16");
        require(backgroundRequestsPerMinute >= 0, "syncBackgroundRequestsPerMinute cannot be negative");
        require(lease != null && lease.toSeconds() >= 1, "the sync lease must be at least a second");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
