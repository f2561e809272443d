package io.calbridge.calendly.internal.settings;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An integration as the settings API shows it: who it is connected to, how, and whether it works.
 * Holds no secret: stored secrets appear only as {@code *_set} flags.
 *
 * @param mode   {@code tenant_app}, {@code platform_app} or {@code personal_token}
 * @param status CONNECTED, REAUTHORIZATION_REQUIRED or DISCONNECTED
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IntegrationSummary(
        UUID integrationId,
        String mode,
        String status,
        Calendly calendly,
        Credentials credentials,
        Instant connectedAt,
        Instant disconnectedAt,
        Health health) {

    /** The connected Calendly account. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Calendly(String userUri, String userName, String userEmail, String organizationUri, String role) {
    }

    /**
     * What is stored to talk to Calendly. Secrets are write-only: only whether one is stored.
     *
     * @param clientId           the tenant's own OAuth app's client id (TENANT_APP), not a secret; else null
     * @param appSigningKeySet   the tenant's own OAuth app's webhook signing key is stored (TENANT_APP)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Credentials(String clientId, boolean clientSecretSet, boolean accessTokenSet, boolean refreshTokenSet,
                              boolean personalTokenSet, boolean signingKeySet, boolean appSigningKeySet) {
    }

    /**
     * @param healthy  connected, a usable token, an active webhook subscription, no dead letters, no gap
     * @param problems what is wrong, each with a stable code and what to do; empty when healthy
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Health(boolean healthy, List<Problem> problems, Token token, List<String> scopes, Webhooks webhooks,
                         Deliveries deliveries, Object sync) {
        /** Without the sync feature's report (tests of the settings feature alone). */
        public Health(boolean healthy, List<Problem> problems, Token token, List<String> scopes, Webhooks webhooks,
                      Deliveries deliveries) {
            this(healthy, problems, token, scopes, webhooks, deliveries, null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Problem(String code, String message) {
    }

    /**
     * @param state {@code valid}, {@code refresh_due} (expired or about to: refreshed at the next use),
     *              {@code not_expiring} (personal access token), {@code missing},
     *              {@code reauthorization_required} or {@code none} (disconnected)
     * @param failure why the last token request failed, for people; null when it did not
     * @param retryAt no node asks Calendly for a token before this (a failure's backoff, or the reset
     *                of Calendly's rate limit); null when nothing holds token requests back
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Token(String state, Instant expiresAt, Instant refreshedAt, String failure, Instant failureAt,
                        Instant retryAt) {
    }

    /**
     * @param subscriptionState {@code active}, {@code disabled}, {@code none} or null (never set up)
     * @param subscriptionScope {@code user} or {@code organization}
     * @param gapSince          deliveries since then may be missing (Calendly had disabled the subscription)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Webhooks(String subscriptionState, String subscriptionScope, Instant checkedAt, String error,
                           Instant gapSince) {
    }

    /**
     * @param pending        stored, waiting to be processed (or retried)
     * @param dead           given up after every attempt: replay them once the cause is fixed
     * @param rejectedLast24h deliveries refused at the door (bad or stale signature...) in the last 24 hours
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Deliveries(Instant lastReceivedAt, String lastEvent, String lastStatus, long pending,
                             long processing, long dead, @JsonProperty("rejected_last_24h") long rejectedLast24h) {
    }
}
