package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.ApiException;
import java.util.Set;
import java.util.UUID;

/**
 * Which part of a tenant's webhook log to show.
 *
 * @param integrationId       only this integration; null for all of the tenant's
 * @param status              PENDING, PROCESSING, DONE, IGNORED, DEAD or REJECTED; null for all
 * @param event               only deliveries with this event name (excludes rejections); null for all
 * @param limit               page size, 1 to 100
 * @param offset              entries to skip, newest first
 * @param includePayloads     attach each delivery's body (parsed JSON)
 * @param revealPersonalData  show bodies and remote addresses as received; by default personal data is
 *                            replaced with {@code "[redacted]"}. Only for callers allowed to see it
 */
public record WebhookLogQuery(UUID integrationId, String status, String event, int limit, int offset,
                              boolean includePayloads, boolean revealPersonalData) {

    public static final int MAX_LIMIT = 100;
    static final Set<String> STATUSES = Set.of("PENDING", "PROCESSING", "DONE", "IGNORED", "DEAD", "REJECTED");

    /** Newest 50 entries of every kind, with redacted payloads. */
    public static WebhookLogQuery latest() {
        return new WebhookLogQuery(null, null, null, 50, 0, true, false);
    }

    public WebhookLogQuery withStatus(String s) {
        return new WebhookLogQuery(integrationId, s, event, limit, offset, includePayloads, revealPersonalData);
    }

    public WebhookLogQuery withEvent(String e) {
        return new WebhookLogQuery(integrationId, status, e, limit, offset, includePayloads, revealPersonalData);
    }

    public WebhookLogQuery page(int newLimit, int newOffset) {
        return new WebhookLogQuery(integrationId, status, event, newLimit, newOffset, includePayloads, revealPersonalData);
    }

    public WebhookLogQuery revealingPersonalData() {
        return new WebhookLogQuery(integrationId, status, event, limit, offset, includePayloads, true);
    }

    /** Throws a 400 {@link ApiException} naming the field when the query cannot be run. */
    void validate() {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("invalid_status", "status must be one of " + STATUSES, "status");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("invalid_limit", "limit must be between 1 and " + MAX_LIMIT, "limit");
        }
        if (offset < 0) {
            throw ApiException.badRequest("invalid_offset", "offset cannot be negative", "offset");
        }
    }
}
