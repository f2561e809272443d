package io.calbridge.calendly.internal.client;

import java.time.Instant;
import java.util.List;

/**
 * A webhook subscription at Calendly. Calendly never returns its signing key.
 *
 * @param state          {@code active} or {@code disabled} (after 24 h of failed deliveries)
 * @param retryStartedAt when Calendly began retrying failed deliveries; null while deliveries succeed
 * @param scope          {@code user}, {@code organization} or {@code group}
 */
public record WebhookSubscription(
        String uri,
        String callbackUrl,
        Instant createdAt,
        Instant updatedAt,
        Instant retryStartedAt,
        String state,
        List<String> events,
        String scope,
        String organization,
        String user,
        String group,
        String creator) {

    public boolean isActive() {
        return "active".equals(state);
    }
}
