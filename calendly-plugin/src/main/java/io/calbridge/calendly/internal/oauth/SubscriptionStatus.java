package io.calbridge.calendly.internal.oauth;

import java.util.UUID;

/**
 * An integration's webhook subscription as last seen.
 *
 * @param state {@code active}, {@code disabled}, {@code none} (not created: see {@code error}) or
 *              {@code busy} (another node is working on it right now)
 * @param error why there is no working subscription, for people; null when fine
 */
public record SubscriptionStatus(UUID integrationId, String subscriptionUri, String scope, String state,
                                 String callbackUrl, String error) {
}
