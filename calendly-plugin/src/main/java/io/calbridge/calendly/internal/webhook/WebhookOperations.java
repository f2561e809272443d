package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What tenant admins (through the settings API) and operators do with received webhooks: replay one
 * delivery or every dead letter of an integration, and read the webhook log.
 *
 * <p>Every method is scoped to the caller's tenant: an id that belongs to another tenant is answered
 * exactly like an id that does not exist (404 {@link ApiException}). Thread-safe.
 *
 * @param wake runs after a replay made deliveries due (wakes this node's worker)
 */
public record WebhookOperations(Db db, WebhookInbox inbox, WebhookLog webhookLog, Clock clock, Runnable wake) {
    /**
     * Makes one delivery due again with fresh attempts (any status but PROCESSING). Its effects are
     * applied again only where they are missing: processing is idempotent.
     *
     * @throws ApiException 404 {@code not_found} when the tenant has no such delivery;
     *                      409 {@code replay_in_progress} when it is being processed right now
     */
    public ReplayResult replay(String tenantId, long inboxId) {
        Objects.requireNonNull(tenantId, "tenantId");
        var previous = db.tx(dsl -> inbox.replay(dsl, tenantId, inboxId, clock.instant()))
                .orElseThrow(() -> ApiException.notFound("webhook delivery " + inboxId));
        if (previous == WebhookInbox.Status.PROCESSING) {
            throw new ApiException(409, "replay_in_progress", "webhook delivery " + inboxId + " is being processed right now");
        }
        wake.run();
        return new ReplayResult(inboxId, previous.name());
    }

    /**
     * Makes every dead-lettered delivery of one of the tenant's integrations due again.
     *
     * @return how many deliveries were replayed (0 when there were none)
     * @throws ApiException 404 {@code not_found} when the tenant has no such integration
     */
    public int replayDeadLetters(String tenantId, UUID integrationId) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(integrationId, "integrationId");
        int replayed = db.tx(dsl -> {
            if (!inbox.integrationOfTenant(dsl, tenantId, integrationId)) {
                throw ApiException.notFound("integration " + integrationId);
            }
            return inbox.replayDead(dsl, integrationId, clock.instant());
        });
        if (replayed > 0) {
            wake.run();
        }
        return replayed;
    }

    /**
     * One page of the tenant's webhook log (deliveries and rejections, newest first).
     *
     * @throws ApiException 400 naming the field when the query is invalid
     */
    public WebhookLogPage log(String tenantId, WebhookLogQuery query) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(query, "query");
        return webhookLog.page(db.dsl(), tenantId, query);
    }

    /**
     * One entry of one of the tenant's integrations' webhook log, as {@link #log} shows it (payload
     * redacted). Empty when the integration has no such entry, whoever's the id is.
     *
     * @param kind {@link WebhookLogEntry#DELIVERY} or {@link WebhookLogEntry#REJECTION}: their ids are
     *             counted apart
     */
    public Optional<WebhookLogEntry> logEntry(String tenantId, UUID integrationId, String kind, long id) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(integrationId, "integrationId");
        return webhookLog.find(db.dsl(), tenantId, integrationId, kind, id, false);
    }

    /** Deliveries waiting, in processing, and dead-lettered, over all tenants, counted now. */
    public InboxDepth inboxDepth() {
        Map<WebhookInbox.Status, Long> counts = inbox.depth(db.dsl());
        return new InboxDepth(counts.get(WebhookInbox.Status.PENDING), counts.get(WebhookInbox.Status.PROCESSING),
                counts.get(WebhookInbox.Status.DEAD));
    }
}
