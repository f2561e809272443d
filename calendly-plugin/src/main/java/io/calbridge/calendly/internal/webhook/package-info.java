/**
 * Receiving Calendly webhooks: per-integration URLs, mandatory signature verification, a durable inbox
 * written with group commit, and a worker that retries, dead-letters and replays.
 *
 * <p>Front door: {@link io.calbridge.calendly.internal.webhook.Webhooks} (built by {@code Wiring}), with
 * {@link io.calbridge.calendly.internal.webhook.WebhookOperations} for replay and the webhook log, and
 * the types those take and return ({@code WebhookSettings}, {@code WebhookLogQuery}, {@code WebhookLogPage},
 * {@code WebhookLogEntry}, {@code ReplayResult}, {@code InboxDepth}). {@code WebhookPathTokens} mints the
 * URL tokens for the connect flow and says how they are stored (a hash and sealed, never in clear). The contract with booking processing is
 * {@link io.calbridge.calendly.internal.webhook.DeliveryProcessor} and
 * {@link io.calbridge.calendly.internal.webhook.StoredDelivery}. Everything else here is package-private.
 */
package io.calbridge.calendly.internal.webhook;
