package io.calbridge.calendly.internal.settings;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.oauth.ConnectionMode;
import io.calbridge.calendly.internal.oauth.IntegrationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Describes a tenant's integrations for the settings API: connection, token, webhook subscription
 * and deliveries, and what is wrong with them in words an admin can act on.
 */
final class HealthService {
    static final Duration REJECTION_WINDOW = Duration.ofHours(24);

    private final Db db;
    private final HealthStore store = new HealthStore();
    private final Duration refreshMargin;
    private final Clock clock;
    private final SyncReports sync;

    HealthService(Db db, Duration refreshMargin, Clock clock) {
        this(db, refreshMargin, clock, SyncReports.NONE);
    }

    HealthService(Db db, Duration refreshMargin, Clock clock, SyncReports sync) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.db = Objects.requireNonNull(db, "db");
        this.refreshMargin = Objects.requireNonNull(refreshMargin, "refreshMargin");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    List<IntegrationSummary> list(String tenantId) {
        return store.list(db.dsl(), tenantId).stream().map(f -> summary(tenantId, f)).toList();
    }

    /** The tenant's integration, or 404 {@code not_found} (missing, pending and other tenants' ids alike). */
    IntegrationSummary get(String tenantId, UUID id) {
        return summary(tenantId, facts(tenantId, id));
    }

    /** The stored facts of the tenant's integration, or the same 404. */
    HealthStore.Facts facts(String tenantId, UUID id) {
        return store.find(db.dsl(), tenantId, id).orElseThrow(SettingsRoutes::integrationNotFound);
    }

    boolean deliveryOf(String tenantId, UUID integrationId, long inboxId) {
        return store.deliveryOf(db.dsl(), tenantId, integrationId, inboxId);
    }

    private IntegrationSummary summary(String tenantId, HealthStore.Facts f) {
        Instant now = clock.instant();
        HealthStore.Deliveries d = store.deliveries(db.dsl(), tenantId, f.id(), now.minus(REJECTION_WINDOW));
        boolean pat = f.mode() == ConnectionMode.PERSONAL_TOKEN;
        var credentials = new IntegrationSummary.Credentials(f.clientId(), f.clientSecretSet(),
                f.accessTokenSet() && !pat, f.refreshTokenSet(), f.accessTokenSet() && pat, f.signingKeySet(),
                f.appSigningKeySet());
        var token = new IntegrationSummary.Token(tokenState(f, now), f.accessTokenExpiresAt(), f.tokenRefreshedAt(),
                f.tokenFailure(), f.tokenFailureAt(),
                f.tokenRetryAt() != null && f.tokenRetryAt().isAfter(now) ? f.tokenRetryAt() : null);
        var webhooks = new IntegrationSummary.Webhooks(f.subscriptionState(), f.subscriptionScope(),
                f.subscriptionCheckedAt(), f.subscriptionError(), f.subscriptionGapStartedAt());
        var deliveries = new IntegrationSummary.Deliveries(d.lastReceivedAt(), d.lastEvent(), d.lastStatus(),
                d.pending(), d.processing(), d.dead(), d.rejectedSince());
        List<IntegrationSummary.Problem> problems = problems(f, token, d);
        var health = new IntegrationSummary.Health(problems.isEmpty(), problems, token, scopes(f.scopes()), webhooks,
                deliveries, sync.report(f.id()));
        return new IntegrationSummary(f.id(), f.mode().name().toLowerCase(Locale.ROOT), f.status().name(),
                new IntegrationSummary.Calendly(f.calendlyUserUri(), f.calendlyUserName(), f.calendlyUserEmail(),
                        f.calendlyOrganizationUri(), f.calendlyRole()),
                credentials, f.connectedAt(), f.disconnectedAt(), health);
    }

    private String tokenState(HealthStore.Facts f, Instant now) {
        if (f.status() == IntegrationStatus.DISCONNECTED) {
            return "none";
        }
        if (f.status() == IntegrationStatus.REAUTHORIZATION_REQUIRED) {
            return "reauthorization_required";
        }
        if (f.mode() == ConnectionMode.PERSONAL_TOKEN) {
            return f.accessTokenSet() ? "not_expiring" : "missing";
        }
        boolean fresh = f.accessTokenSet() && f.accessTokenExpiresAt() != null
                && now.isBefore(f.accessTokenExpiresAt().minus(refreshMargin));
        if (fresh) {
            return "valid";
        }
        // An expired access token is routine (they last two hours): the next call refreshes it.
        return f.refreshTokenSet() ? "refresh_due" : "missing";
    }

    private static List<IntegrationSummary.Problem> problems(HealthStore.Facts f, IntegrationSummary.Token token,
                                                             HealthStore.Deliveries d) {
        List<IntegrationSummary.Problem> out = new ArrayList<>();
        switch (f.status()) {
            case DISCONNECTED -> out.add(f.tenantForgottenAt() != null
                    ? problem("tenant_forgotten", "This workspace's Calendly data was erased on " + f.tenantForgottenAt()
                            + " (offboarding): bookings are no longer received, and Calendly cannot be connected to it again.")
                    : problem("disconnected",
                    "This Calendly account was disconnected; bookings are no longer received. Connect it again to resume."));
            case REAUTHORIZATION_REQUIRED -> out.add(problem("reauthorization_required",
                    "Calendly no longer accepts the stored authorization" + reason(f.tokenFailure())
                            + ". Connect the account again."));
            default -> {
                if ("missing".equals(token.state())) {
                    out.add(problem("token_missing", "No usable Calendly token is stored. Connect the account again."));
                } else if (f.tokenFailure() != null) {
                    out.add(problem("token_failure", "The last token request to Calendly failed" + reason(f.tokenFailure())
                            + "; it is retried automatically" + (token.retryAt() == null ? "" : " after " + token.retryAt())
                            + "."));
                }
                if (!"active".equals(f.subscriptionState())) {
                    String state = f.subscriptionState() == null ? "not set up" : f.subscriptionState();
                    out.add(problem("webhooks_inactive", "The webhook subscription at Calendly is " + state
                            + (f.subscriptionError() == null ? "" : " (" + f.subscriptionError() + ")")
                            + ", so new bookings do not arrive. It is checked and recreated periodically."));
                }
            }
        }
        if (f.subscriptionGapStartedAt() != null) {
            out.add(problem("delivery_gap", "Deliveries since " + f.subscriptionGapStartedAt()
                    + " may be missing (" + io.calbridge.calendly.internal.oauth.GapCause.words(f.subscriptionGapCause())
                    + "); the bookings of that time are being recovered from Calendly's API."));
        }
        if (d.dead() > 0) {
            boolean one = d.dead() == 1;
            out.add(problem("dead_letters", d.dead() + (one ? " delivery could not be processed and was set aside."
                    : " deliveries could not be processed and were set aside.")
                    + " Fix the cause (see the webhook log), then replay " + (one ? "it." : "them.")));
        }
        return out;
    }

    private static String reason(String failure) {
        return failure == null || failure.isBlank() ? "" : " (" + failure + ")";
    }

    private static IntegrationSummary.Problem problem(String code, String message) {
        return new IntegrationSummary.Problem(code, message);
    }

    static List<String> scopes(String stored) {
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        return Arrays.stream(stored.strip().split("[\\s,]+")).filter(s -> !s.isEmpty()).sorted().toList();
    }
}
