package io.calbridge.calendly.internal.oauth;

import java.time.Instant;
import java.util.UUID;

/**
 * An integration as the tenant's settings page shows it. No secret, no ciphertext.
 *
 * @param tokenFailure             why the last token request failed (or why reauthorization is required); null when fine
 * @param subscriptionError        why webhooks do not work (e.g. "webhooks need a paid Calendly plan"); null when fine
 * @param subscriptionGapStartedAt deliveries since then may be missing (a backfill closes the gap); null when none
 */
public record IntegrationView(
        UUID integrationId,
        ConnectionMode mode,
        IntegrationStatus status,
        String calendlyUserUri,
        String calendlyOrganizationUri,
        String calendlyUserName,
        String calendlyUserEmail,
        String calendlyRole,
        String tokenFailure,
        String subscriptionScope,
        String subscriptionState,
        String subscriptionError,
        Instant subscriptionGapStartedAt,
        Instant connectedAt,
        Instant disconnectedAt) {

    static IntegrationView of(IntegrationRow r) {
        return new IntegrationView(r.id(), r.mode(), r.status(), r.calendlyUserUri(), r.calendlyOrganizationUri(),
                r.calendlyUserName(), r.calendlyUserEmail(), r.calendlyRole(), r.tokenFailure(), r.subscriptionScope(),
                r.subscriptionState(), r.subscriptionError(), r.subscriptionGapStartedAt(), r.connectedAt(),
                r.disconnectedAt());
    }
}
