package io.calbridge.calendly.internal.oauth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code calendly.token.refreshes} (counter; {@code result}: refreshed, reauthorization_required,
 * failed): refresh-token requests this node sent to Calendly. Registered at start, so all three show
 * (at zero) before the first refresh.
 */
final class TokenMetrics {
    private final Counter refreshed;
    private final Counter reauthorizationRequired;
    private final Counter failed;

    TokenMetrics(MeterRegistry registry) {
        this.refreshed = counter(registry, "refreshed");
        this.reauthorizationRequired = counter(registry, "reauthorization_required");
        this.failed = counter(registry, "failed");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("calendly.token.refreshes")
                .description("Refresh-token requests sent to Calendly, by result")
                .tag("result", result)
                .register(registry);
    }

    void refreshed() {
        refreshed.increment();
    }

    /** Calendly refused the refresh token or the client: the tenant must connect again. */
    void reauthorizationRequired() {
        reauthorizationRequired.increment();
    }

    /** Network error, 5xx or 429: retried later. */
    void failed() {
        failed.increment();
    }
}
