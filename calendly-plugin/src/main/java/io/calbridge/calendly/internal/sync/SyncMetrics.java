package io.calbridge.calendly.internal.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * {@code calendly.sync.checked{job}}: invitees compared with Calendly;
 * {@code calendly.sync.repaired{job,kind}}: bookings imported or repaired, by what was wrong;
 * {@code calendly.sync.paused{job}}: pauses for Calendly's rate limit.
 */
final class SyncMetrics {
    private final MeterRegistry registry;

    SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void checked(JobKind job, int n) {
        Counter.builder("calendly.sync.checked").description("Calendly invitees compared with the plugin's bookings")
                .tag("job", name(job)).register(registry).increment(n);
    }

    void repaired(JobKind job, Drift.Kind kind) {
        Counter.builder("calendly.sync.repaired").description("bookings imported or repaired from Calendly's API")
                .tag("job", name(job)).tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }

    void paused(JobKind job) {
        Counter.builder("calendly.sync.paused").description("background jobs paused by Calendly's rate limit")
                .tag("job", name(job)).register(registry).increment();
    }

    private static String name(JobKind job) {
        return job.name().toLowerCase(Locale.ROOT);
    }
}
