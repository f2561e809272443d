package io.calbridge.calendly.internal.client;

import io.calbridge.calendly.internal.common.Secret;
import java.util.List;
import java.util.Objects;

/**
 * What {@code POST /webhook_subscriptions} creates.
 *
 * @param user       the user URI; required for {@code user} scope, null for {@code organization}
 * @param signingKey the key Calendly signs deliveries with; null lets Calendly use its own
 */
public record NewWebhookSubscription(
        String url,
        List<String> events,
        String organization,
        String scope,
        String user,
        Secret signingKey) {

    public NewWebhookSubscription {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(scope, "scope");
        events = List.copyOf(events);
        if ("user".equals(scope) && user == null) {
            throw new IllegalArgumentException("user scope needs the user URI");
        }
    }
}
