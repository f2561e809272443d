package io.calbridge.calendly.internal.oauth;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.db.calendly.tables.records.CalendlyIntegrationRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;

/** Queries on {@code calendly_integration} for this feature. Takes the caller's transaction. */
final class IntegrationStore {
    private static final io.calbridge.db.calendly.tables.CalendlyIntegration I = CALENDLY_INTEGRATION;

    /**
     * Everything a connect stores in one go. Secrets are ciphertext sealed for the row's id.
     * {@code appSigningKeyEnc} is the tenant app's own webhook signing key (TENANT_APP), or null.
     */
    record Connection(
            ConnectionMode mode,
            String clientId,
            byte[] clientSecretEnc,
            byte[] appSigningKeyEnc,
            byte[] accessTokenEnc,
            Instant accessTokenExpiresAt,
            byte[] refreshTokenEnc,
            String scopes,
            String userUri,
            String organizationUri,
            String userName,
            String userEmail,
            String userTimezone,
            String role,
            String connectedBy,
            boolean tokenRequested) {
    }

    /** Another tenant's live integration on the same Calendly account. */
    record SharedAccount(String tenantId, UUID integrationId, boolean sameUser) {
    }

    Optional<IntegrationRow> find(DSLContext dsl, UUID id) {
        return dsl.selectFrom(I).where(I.ID.eq(id)).fetchOptional().map(IntegrationStore::toRow);
    }

    /**
     * {@code select ... for no key update}: serialises token and status changes of one integration
     * across nodes. Not {@code for update}: that would also block the key-share lock every webhook
     * insert takes through its foreign key, stalling deliveries while a refresh waits on Calendly.
     */
    Optional<IntegrationRow> lock(DSLContext dsl, UUID id) {
        return dsl.selectFrom(I).where(I.ID.eq(id)).forNoKeyUpdate().fetchOptional().map(IntegrationStore::toRow);
    }

    List<IntegrationRow> listForTenant(DSLContext dsl, String tenantId) {
        return dsl.selectFrom(I).where(I.TENANT_ID.eq(tenantId).and(I.STATUS.ne(IntegrationStatus.PENDING.name())))
                .orderBy(I.CREATED_AT).fetch(IntegrationStore::toRow);
    }

    void insertPending(DSLContext dsl, UUID id, String tenantId, ConnectionMode mode, String clientId,
                       byte[] clientSecretEnc, byte[] appSigningKeyEnc, String webhookPathToken,
                       byte[] webhookPathTokenEnc, String userId, Instant now) {
        dsl.insertInto(I)
                .set(I.ID, id)
                .set(I.TENANT_ID, tenantId)
                .set(I.CONNECTION_MODE, mode.name())
                .set(I.STATUS, IntegrationStatus.PENDING.name())
                .set(I.CLIENT_ID, clientId)
                .set(I.CLIENT_SECRET_ENC, clientSecretEnc)
                .set(I.APP_SIGNING_KEY_ENC, appSigningKeyEnc)
                .set(WebhookPathTokens.columns(webhookPathToken, webhookPathTokenEnc))
                .set(I.CONNECTED_BY, userId)
                .set(I.CREATED_AT, ts(now))
                .set(I.UPDATED_AT, ts(now))
                .execute();
    }

    /** The tenant's own live integration for the same Calendly user (a reconnect), locked. */
    Optional<IntegrationRow> lockSameUser(DSLContext dsl, String tenantId, String userUri, UUID excluding) {
        return dsl.selectFrom(I)
                .where(I.TENANT_ID.eq(tenantId)
                        .and(I.CALENDLY_USER_URI.eq(userUri))
                        .and(excluding == null ? DSL.trueCondition() : I.ID.ne(excluding))
                        .and(I.STATUS.in(IntegrationStatus.CONNECTED.name(), IntegrationStatus.REAUTHORIZATION_REQUIRED.name())))
                .orderBy(I.CREATED_AT)
                .limit(1)
                .forNoKeyUpdate()
                .fetchOptional().map(IntegrationStore::toRow);
    }

    List<SharedAccount> otherTenantsOnAccount(DSLContext dsl, String tenantId, String organizationUri, String userUri) {
        var sameOrg = organizationUri == null ? DSL.falseCondition() : I.CALENDLY_ORGANIZATION_URI.eq(organizationUri);
        var sameUser = userUri == null ? DSL.falseCondition() : I.CALENDLY_USER_URI.eq(userUri);
        return dsl.select(I.TENANT_ID, I.ID, I.CALENDLY_USER_URI)
                .from(I)
                .where(I.TENANT_ID.ne(tenantId)
                        .and(I.STATUS.in(IntegrationStatus.CONNECTED.name(), IntegrationStatus.REAUTHORIZATION_REQUIRED.name()))
                        .and(sameOrg.or(sameUser)))
                .fetch(r -> new SharedAccount(r.value1(), r.value2(), userUri != null && userUri.equals(r.value3())));
    }

    /** Other live connections of the same tenant to the same Calendly organization. */
    int overlappingInTenant(DSLContext dsl, String tenantId, UUID id, String organizationUri) {
        if (organizationUri == null) {
            return 0;
        }
        return dsl.fetchCount(I, I.TENANT_ID.eq(tenantId).and(I.ID.ne(id))
                .and(I.STATUS.in(IntegrationStatus.CONNECTED.name(), IntegrationStatus.REAUTHORIZATION_REQUIRED.name()))
                .and(I.CALENDLY_ORGANIZATION_URI.eq(organizationUri)));
    }

    void storeConnection(DSLContext dsl, UUID id, Connection c, Instant now) {
        dsl.update(I)
                .set(I.CONNECTION_MODE, c.mode().name())
                .set(I.STATUS, IntegrationStatus.CONNECTED.name())
                .set(I.CLIENT_ID, c.clientId())
                .set(I.CLIENT_SECRET_ENC, c.clientSecretEnc())
                .set(I.APP_SIGNING_KEY_ENC, c.appSigningKeyEnc())
                .set(I.ACCESS_TOKEN_ENC, c.accessTokenEnc())
                .set(I.ACCESS_TOKEN_EXPIRES_AT, ts(c.accessTokenExpiresAt()))
                .set(I.REFRESH_TOKEN_ENC, c.refreshTokenEnc())
                .set(I.TOKEN_VERSION, I.TOKEN_VERSION.plus(1))
                .set(I.TOKEN_REFRESHED_AT, ts(now))
                .set(I.TOKEN_FAILURE, (String) null)
                .set(I.TOKEN_FAILURE_AT, (OffsetDateTime) null)
                .set(I.TOKEN_RETRY_AT, (OffsetDateTime) null)
                .set(I.TOKEN_REQUESTS_WINDOW_START, c.tokenRequested() ? ts(now) : null)
                .set(I.TOKEN_REQUESTS_IN_WINDOW, c.tokenRequested() ? 1 : 0)
                .set(I.SCOPES, c.scopes())
                .set(I.CALENDLY_USER_URI, c.userUri())
                .set(I.CALENDLY_ORGANIZATION_URI, c.organizationUri())
                .set(I.CALENDLY_USER_NAME, c.userName())
                .set(I.CALENDLY_USER_EMAIL, c.userEmail())
                .set(I.CALENDLY_USER_TIMEZONE, c.userTimezone())
                .set(I.CALENDLY_ROLE, c.role())
                .set(I.CONNECTED_BY, c.connectedBy())
                .set(I.CONNECTED_AT, ts(now))
                .set(I.DISCONNECTED_AT, (OffsetDateTime) null)
                .set(I.UPDATED_AT, ts(now))
                .where(I.ID.eq(id))
                .execute();
    }

    void storeRefreshed(DSLContext dsl, UUID id, byte[] accessTokenEnc, Instant expiresAt, byte[] refreshTokenEnc,
                        String scopes, Instant now) {
        dsl.update(I)
                .set(I.ACCESS_TOKEN_ENC, accessTokenEnc)
                .set(I.ACCESS_TOKEN_EXPIRES_AT, ts(expiresAt))
                .set(I.REFRESH_TOKEN_ENC, refreshTokenEnc)
                .set(I.TOKEN_VERSION, I.TOKEN_VERSION.plus(1))
                .set(I.TOKEN_REFRESHED_AT, ts(now))
                .set(I.TOKEN_FAILURE, (String) null)
                .set(I.TOKEN_FAILURE_AT, (OffsetDateTime) null)
                .set(I.TOKEN_RETRY_AT, (OffsetDateTime) null)
                .set(I.SCOPES, DSL.coalesce(DSL.val(scopes), I.SCOPES))
                .set(I.UPDATED_AT, ts(now))
                .where(I.ID.eq(id))
                .execute();
    }

    void recordTokenRequestWindow(DSLContext dsl, UUID id, Instant windowStart, int count) {
        dsl.update(I)
                .set(I.TOKEN_REQUESTS_WINDOW_START, ts(windowStart))
                .set(I.TOKEN_REQUESTS_IN_WINDOW, count)
                .where(I.ID.eq(id))
                .execute();
    }

    /** A token request failed without refusing the grant; no node asks again before {@code retryAt}. */
    void recordTransientFailure(DSLContext dsl, UUID id, String failure, Instant now, Instant retryAt) {
        dsl.update(I)
                .set(I.TOKEN_FAILURE, failure)
                .set(I.TOKEN_FAILURE_AT, ts(now))
                .set(I.TOKEN_RETRY_AT, ts(retryAt))
                .set(I.UPDATED_AT, ts(now))
                .where(I.ID.eq(id))
                .execute();
    }

    /** Calendly refused the grant: the tokens are dead, so they are wiped; nothing will use them again. */
    void markReauthorizationRequired(DSLContext dsl, UUID id, String failure, Instant now) {
        dsl.update(I)
                .set(I.STATUS, IntegrationStatus.REAUTHORIZATION_REQUIRED.name())
                .set(I.ACCESS_TOKEN_ENC, (byte[]) null)
                .set(I.ACCESS_TOKEN_EXPIRES_AT, (OffsetDateTime) null)
                .set(I.REFRESH_TOKEN_ENC, (byte[]) null)
                .set(I.TOKEN_VERSION, I.TOKEN_VERSION.plus(1))
                .set(I.TOKEN_FAILURE, failure)
                .set(I.TOKEN_FAILURE_AT, ts(now))
                .set(I.UPDATED_AT, ts(now))
                .where(I.ID.eq(id))
                .execute();
    }

    /** Disconnect: every secret column nulled, status DISCONNECTED; bookings and settings stay. */
    void wipeAndDisconnect(DSLContext dsl, UUID id, Instant now) {
        disconnected(dsl, DSL.val(ts(now)), now)
                .set(I.CLIENT_SECRET_ENC, (byte[]) null)
                .set(I.APP_SIGNING_KEY_ENC, (byte[]) null)
                .set(I.ACCESS_TOKEN_ENC, (byte[]) null)
                .set(I.REFRESH_TOKEN_ENC, (byte[]) null)
                .set(I.SIGNING_KEY_ENC, (byte[]) null)
                .set(I.PREVIOUS_SIGNING_KEY_ENC, (byte[]) null)
                .set(I.WEBHOOK_PATH_TOKEN_ENC, (byte[]) null)
                .set(I.SUBSCRIPTION_URI, (String) null)
                .where(I.ID.eq(id))
                .execute();
    }

    /**
     * The tenant was forgotten: every live integration of it DISCONNECTED (its secret columns are
     * erased by the keyring in the same transaction), every pending one deleted with its states.
     */
    void disconnectAllOfTenant(DSLContext dsl, String tenantId, Instant now) {
        disconnected(dsl, DSL.coalesce(I.DISCONNECTED_AT, DSL.val(ts(now))), now)
                .where(I.TENANT_ID.eq(tenantId)
                        .and(I.STATUS.in(IntegrationStatus.CONNECTED.name(), IntegrationStatus.REAUTHORIZATION_REQUIRED.name())))
                .execute();
        dsl.deleteFrom(I).where(I.TENANT_ID.eq(tenantId).and(I.STATUS.eq(IntegrationStatus.PENDING.name()))).execute();
    }

    /**
     * What every disconnect sets: the status, no token expiry, a new token version (caches drop the
     * token), no grace period for a previous signing key, no subscription state or lease.
     */
    private static UpdateSetMoreStep<CalendlyIntegrationRecord> disconnected(DSLContext dsl,
                                                                            Field<OffsetDateTime> disconnectedAt,
                                                                            Instant now) {
        return dsl.update(I)
                .set(I.STATUS, IntegrationStatus.DISCONNECTED.name())
                .set(I.ACCESS_TOKEN_EXPIRES_AT, (OffsetDateTime) null)
                .set(I.TOKEN_VERSION, I.TOKEN_VERSION.plus(1))
                .set(I.PREVIOUS_SIGNING_KEY_UNTIL, (OffsetDateTime) null)
                .set(I.SUBSCRIPTION_STATE, (String) null)
                .set(I.SUBSCRIPTION_LEASE_OWNER, (String) null)
                .set(I.SUBSCRIPTION_LEASE_UNTIL, (OffsetDateTime) null)
                .set(I.DISCONNECTED_AT, disconnectedAt)
                .set(I.UPDATED_AT, ts(now));
    }

    void deletePending(DSLContext dsl, UUID id) {
        dsl.deleteFrom(I).where(I.ID.eq(id).and(I.STATUS.eq(IntegrationStatus.PENDING.name()))).execute();
    }

    /** Abandoned authorizations (the browser never came back). Cascades to their states. */
    int purgeStalePending(DSLContext dsl, Instant createdBefore) {
        return dsl.deleteFrom(I)
                .where(I.STATUS.eq(IntegrationStatus.PENDING.name()).and(I.CREATED_AT.lt(ts(createdBefore))))
                .execute();
    }

    // --- webhook subscription bookkeeping -------------------------------------------------------

    /** Takes the subscription lease if free or expired; true when this owner holds it now. */
    boolean claimSubscriptionLease(DSLContext dsl, UUID id, String owner, Instant now, Instant until) {
        return dsl.update(I)
                .set(I.SUBSCRIPTION_LEASE_OWNER, owner)
                .set(I.SUBSCRIPTION_LEASE_UNTIL, ts(until))
                .where(I.ID.eq(id)
                        .and(I.SUBSCRIPTION_LEASE_UNTIL.isNull()
                                .or(I.SUBSCRIPTION_LEASE_UNTIL.le(ts(now)))
                                .or(I.SUBSCRIPTION_LEASE_OWNER.eq(owner))))
                .execute() == 1;
    }

    void releaseSubscriptionLease(DSLContext dsl, UUID id, String owner) {
        dsl.update(I)
                .set(I.SUBSCRIPTION_LEASE_OWNER, (String) null)
                .set(I.SUBSCRIPTION_LEASE_UNTIL, (OffsetDateTime) null)
                .where(I.ID.eq(id).and(I.SUBSCRIPTION_LEASE_OWNER.eq(owner)))
                .execute();
    }

    /**
     * Makes {@code newKeyEnc} (sealed as PREVIOUS_SIGNING_KEY) verify too, before Calendly signs with it.
     * False when the integration is no longer connected (disconnected or forgotten meanwhile).
     */
    boolean stageSigningKey(DSLContext dsl, UUID id, byte[] newKeyAsPreviousEnc, Instant until) {
        return dsl.update(I)
                .set(I.PREVIOUS_SIGNING_KEY_ENC, newKeyAsPreviousEnc)
                .set(I.PREVIOUS_SIGNING_KEY_UNTIL, ts(until))
                .where(I.ID.eq(id).and(I.STATUS.eq(IntegrationStatus.CONNECTED.name())))
                .execute() == 1;
    }

    /** Records a new subscription; false when the integration is no longer connected (nothing stored). */
    boolean storeSubscription(DSLContext dsl, UUID id, String uri, String scope, String state, byte[] signingKeyEnc,
                              byte[] previousKeyEnc, Instant previousUntil, boolean replaced, Instant now) {
        var update = dsl.update(I)
                .set(I.SUBSCRIPTION_URI, uri)
                .set(I.SUBSCRIPTION_SCOPE, scope)
                .set(I.SUBSCRIPTION_STATE, state)
                .set(I.SUBSCRIPTION_CHECKED_AT, ts(now))
                .set(I.SUBSCRIPTION_ERROR, (String) null)
                .set(I.SIGNING_KEY_ENC, signingKeyEnc)
                .set(I.PREVIOUS_SIGNING_KEY_ENC, previousKeyEnc)
                .set(I.PREVIOUS_SIGNING_KEY_UNTIL, ts(previousUntil))
                .set(I.UPDATED_AT, ts(now));
        if (replaced) {
            update = update.set(I.SUBSCRIPTION_RECREATED_AT, ts(now));
        }
        return update.where(I.ID.eq(id).and(I.STATUS.eq(IntegrationStatus.CONNECTED.name()))).execute() == 1;
    }

    void recordSubscriptionCheck(DSLContext dsl, UUID id, String state, String error, Instant now) {
        dsl.update(I)
                .set(I.SUBSCRIPTION_STATE, state)
                .set(I.SUBSCRIPTION_ERROR, error)
                .set(I.SUBSCRIPTION_CHECKED_AT, ts(now))
                .set(I.UPDATED_AT, ts(now))
                .where(I.ID.eq(id))
                .execute();
    }

    void forgetSubscription(DSLContext dsl, UUID id) {
        dsl.update(I)
                .set(I.SUBSCRIPTION_URI, (String) null)
                .set(I.SUBSCRIPTION_STATE, (String) null)
                .where(I.ID.eq(id))
                .execute();
    }

    /**
     * Deliveries since {@code since} may be missing, because of {@code cause} (see the V30 migration);
     * keeps the earliest open gap and its cause. The sync feature backfills the gap and clears it.
     */
    void recordGap(DSLContext dsl, UUID id, Instant since, String cause) {
        dsl.update(I)
                .set(I.SUBSCRIPTION_GAP_CAUSE, DSL.when(I.SUBSCRIPTION_GAP_STARTED_AT.isNull(), DSL.val(cause))
                        .otherwise(I.SUBSCRIPTION_GAP_CAUSE))
                .set(I.SUBSCRIPTION_GAP_STARTED_AT, DSL.coalesce(I.SUBSCRIPTION_GAP_STARTED_AT, DSL.val(ts(since))))
                .where(I.ID.eq(id))
                .execute();
    }

    /** Connected integrations whose subscription was not checked since {@code checkedBefore}. */
    List<UUID> dueForSubscriptionCheck(DSLContext dsl, Instant checkedBefore, int limit) {
        return dsl.select(I.ID).from(I)
                .where(I.STATUS.eq(IntegrationStatus.CONNECTED.name())
                        .and(I.SUBSCRIPTION_CHECKED_AT.isNull().or(I.SUBSCRIPTION_CHECKED_AT.lt(ts(checkedBefore)))))
                .orderBy(I.SUBSCRIPTION_CHECKED_AT.asc().nullsFirst())
                .limit(limit)
                .fetch(r -> r.value1());
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static IntegrationRow toRow(CalendlyIntegrationRecord r) {
        return new IntegrationRow(
                r.getId(),
                r.getTenantId(),
                ConnectionMode.valueOf(r.getConnectionMode()),
                IntegrationStatus.valueOf(r.getStatus()),
                r.getClientId(),
                r.getClientSecretEnc(),
                r.getAccessTokenEnc(),
                instant(r.getAccessTokenExpiresAt()),
                r.getRefreshTokenEnc(),
                r.getTokenVersion(),
                instant(r.getTokenRefreshedAt()),
                r.getTokenFailure(),
                instant(r.getTokenFailureAt()),
                instant(r.getTokenRetryAt()),
                instant(r.getTokenRequestsWindowStart()),
                r.getTokenRequestsInWindow(),
                r.getCalendlyUserUri(),
                r.getCalendlyOrganizationUri(),
                r.getCalendlyUserName(),
                r.getCalendlyUserEmail(),
                r.getCalendlyRole(),
                r.getWebhookPathTokenEnc(),
                r.getSubscriptionUri(),
                r.getSubscriptionScope(),
                r.getSubscriptionScopeOverride(),
                r.getSubscriptionState(),
                instant(r.getSubscriptionCheckedAt()),
                r.getSubscriptionError(),
                instant(r.getSubscriptionGapStartedAt()),
                r.getSigningKeyEnc(),
                r.getPreviousSigningKeyEnc(),
                instant(r.getPreviousSigningKeyUntil()),
                r.getAppSigningKeyEnc(),
                instant(r.getConnectedAt()),
                instant(r.getDisconnectedAt()));
    }
}
