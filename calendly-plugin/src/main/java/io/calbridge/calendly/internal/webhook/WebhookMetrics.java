package io.calbridge.calendly.internal.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The webhook feature's meters. Tags have a fixed, small set of values; the tenant id is added to the
 * delivery counter only when {@link WebhookSettings#metricsPerTenant()} says the host has few tenants.
 *
 * <ul>
 *   <li>{@code calendly.webhook.deliveries} (counter; {@code outcome}: accepted, duplicate, rejected,
 *       not_found, too_large, invalid, unavailable; {@code reason}: the error code or {@code none})</li>
 *   <li>{@code calendly.webhook.processed} (counter; {@code result}: done, ignored, retry, dead)</li>
 *   <li>{@code calendly.webhook.processing.lag} (timer: received → finished)</li>
 *   <li>{@code calendly.webhook.processing.duration} (timer: one processor call; a delivery applied in a
 *       batch records its share of the batch's time)</li>
 *   <li>{@code calendly.webhook.batch.fallbacks} (counter: batches that failed and were applied one
 *       delivery at a time)</li>
 *   <li>{@code calendly.webhook.inbox.depth} (gauge; PENDING + PROCESSING rows, a snapshot at most a few
 *       seconds old) and {@code calendly.webhook.dead_letters} (gauge; DEAD rows)</li>
 * </ul>
 */
final class WebhookMetrics {
    private final MeterRegistry registry;
    private final boolean perTenant;
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final Map<String, Counter> processed = new ConcurrentHashMap<>();
    private final Timer lag;
    private final Timer duration;
    private final Counter fallbacks;

    WebhookMetrics(MeterRegistry registry, boolean perTenant) {
        this.registry = registry;
        this.perTenant = perTenant;
        this.lag = Timer.builder("calendly.webhook.processing.lag")
                .description("Time from receiving a delivery to finishing its processing")
                .register(registry);
        this.duration = Timer.builder("calendly.webhook.processing.duration")
                .description("Time one processing attempt took")
                .register(registry);
        this.fallbacks = Counter.builder("calendly.webhook.batch.fallbacks")
                .description("Batches that failed and were applied one delivery at a time")
                .register(registry);
    }

    void gauges(Supplier<Number> depth, Supplier<Number> dead) {
        Gauge.builder("calendly.webhook.inbox.depth", depth)
                .description("Deliveries waiting or in processing (snapshot)")
                .register(registry);
        Gauge.builder("calendly.webhook.dead_letters", dead)
                .description("Dead-lettered deliveries (snapshot)")
                .register(registry);
    }

    void delivery(String outcome, String reason, String tenantId) {
        String tenant = perTenant && tenantId != null ? tenantId : null;
        String key = outcome + '\n' + reason + '\n' + tenant;
        deliveries.computeIfAbsent(key, k -> {
            var builder = Counter.builder("calendly.webhook.deliveries")
                    .description("Webhook deliveries received, by outcome")
                    .tag("outcome", outcome)
                    .tag("reason", reason == null ? "none" : reason);
            if (tenant != null) {
                builder.tag("tenant", tenant);
            }
            return builder.register(registry);
        }).increment();
    }

    void processed(String result) {
        processed.computeIfAbsent(result, r -> Counter.builder("calendly.webhook.processed")
                .description("Processing attempts, by result")
                .tag("result", r)
                .register(registry)).increment();
    }

    void lag(Duration d) {
        if (!d.isNegative()) {
            lag.record(d);
        }
    }

    void batchFailed() {
        fallbacks.increment();
    }

    void duration(Duration d) {
        duration.record(d);
    }
}
