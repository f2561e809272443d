package io.calbridge.calendly.internal.oauth;

import java.time.Instant;
import java.util.UUID;

/** The columns of {@code calendly_integration} this feature works with. Secret columns are ciphertext. */
record IntegrationRow(
        UUID id,
        String tenantId,
        ConnectionMode mode,
        IntegrationStatus status,
        String clientId,
        byte[] clientSecretEnc,
        byte[] accessTokenEnc,
        Instant accessTokenExpiresAt,
        byte[] refreshTokenEnc,
        long tokenVersion,
        Instant tokenRefreshedAt,
        String tokenFailure,
        Instant tokenFailureAt,
        Instant tokenRetryAt,
        Instant tokenRequestsWindowStart,
        int tokenRequestsInWindow,
        String calendlyUserUri,
        String calendlyOrganizationUri,
        String calendlyUserName,
        String calendlyUserEmail,
        String calendlyRole,
        byte[] webhookPathTokenEnc,
        String subscriptionUri,
        String subscriptionScope,
        String subscriptionScopeOverride,
        String subscriptionState,
        Instant subscriptionCheckedAt,
        String subscriptionError,
        Instant subscriptionGapStartedAt,
        byte[] signingKeyEnc,
        byte[] previousSigningKeyEnc,
        Instant previousSigningKeyUntil,
        byte[] appSigningKeyEnc,
        Instant connectedAt,
        Instant disconnectedAt) {
}
