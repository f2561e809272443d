package io.calbridge.sandbox;

/**
 * Which key signs deliveries of subscriptions created with an OAuth token (notes §12 question 1).
 *
 * <p>Production OAuth integrations that pass their own {@code signing_key} verify with it successfully,
 * so {@link #SUBSCRIPTION_KEY_FIRST} is the default. {@link #APP_KEY_ONLY} is the documented reading:
 * the app-wide key signs everything and a caller-supplied key is ignored for OAuth subscriptions.
 * Subscriptions created with a personal access token always use their own key; without one the
 * delivery carries no signature header (notes §12 question 2).
 */
public enum SigningKeyPolicy {
    SUBSCRIPTION_KEY_FIRST,
    APP_KEY_ONLY
}
