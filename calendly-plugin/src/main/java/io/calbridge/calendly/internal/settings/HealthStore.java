package io.calbridge.calendly.internal.settings;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_TENANT_KEY;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;

import io.calbridge.calendly.internal.oauth.ConnectionMode;
import io.calbridge.calendly.internal.oauth.IntegrationStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.impl.DSL;

/**
 * What the settings API reads to describe an integration: the row's facts without any ciphertext
 * (secret columns are only tested for presence, in SQL, so no secret ever reaches this JVM here),
 * and the integration's webhook inbox counts. Every query is scoped to the tenant.
 */
final class HealthStore {
    /** An integration's stored facts. {@code *Set} flags say whether a secret is stored, never what it is. */
    record Facts(
            UUID id,
            ConnectionMode mode,
            IntegrationStatus status,
            String clientId,
            boolean clientSecretSet,
            boolean accessTokenSet,
            Instant accessTokenExpiresAt,
            boolean refreshTokenSet,
            Instant tokenRefreshedAt,
            String tokenFailure,
            Instant tokenFailureAt,
            Instant tokenRetryAt,
            String scopes,
            String calendlyUserUri,
            String calendlyOrganizationUri,
            String calendlyUserName,
            String calendlyUserEmail,
            String calendlyRole,
            String subscriptionUri,
            String subscriptionScope,
            String subscriptionState,
            Instant subscriptionCheckedAt,
            String subscriptionError,
            Instant subscriptionGapStartedAt,
            String subscriptionGapCause,
            boolean signingKeySet,
            boolean appSigningKeySet,
            Instant connectedAt,
            Instant disconnectedAt,
            Instant tenantForgottenAt) {
    }

    /** Unfinished deliveries, dead letters and the newest delivery of one integration. */
    record Deliveries(long pending, long processing, long dead, Instant lastReceivedAt, String lastEvent,
                      String lastStatus, long rejectedSince) {
    }

    private static final List<SelectField<?>> FACTS = List.of(
            CALENDLY_INTEGRATION.ID,
            CALENDLY_INTEGRATION.CONNECTION_MODE,
            CALENDLY_INTEGRATION.STATUS,
            CALENDLY_INTEGRATION.CLIENT_ID,
            CALENDLY_INTEGRATION.CLIENT_SECRET_ENC.isNotNull().as("client_secret_set"),
            CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC.isNotNull().as("access_token_set"),
            CALENDLY_INTEGRATION.ACCESS_TOKEN_EXPIRES_AT,
            CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC.isNotNull().as("refresh_token_set"),
            CALENDLY_INTEGRATION.TOKEN_REFRESHED_AT,
            CALENDLY_INTEGRATION.TOKEN_FAILURE,
            CALENDLY_INTEGRATION.TOKEN_FAILURE_AT,
            CALENDLY_INTEGRATION.TOKEN_RETRY_AT,
            CALENDLY_INTEGRATION.SCOPES,
            CALENDLY_INTEGRATION.CALENDLY_USER_URI,
            CALENDLY_INTEGRATION.CALENDLY_ORGANIZATION_URI,
            CALENDLY_INTEGRATION.CALENDLY_USER_NAME,
            CALENDLY_INTEGRATION.CALENDLY_USER_EMAIL,
            CALENDLY_INTEGRATION.CALENDLY_ROLE,
            CALENDLY_INTEGRATION.SUBSCRIPTION_URI,
            CALENDLY_INTEGRATION.SUBSCRIPTION_SCOPE,
            CALENDLY_INTEGRATION.SUBSCRIPTION_STATE,
            CALENDLY_INTEGRATION.SUBSCRIPTION_CHECKED_AT,
            CALENDLY_INTEGRATION.SUBSCRIPTION_ERROR,
            CALENDLY_INTEGRATION.SUBSCRIPTION_GAP_STARTED_AT,
            CALENDLY_INTEGRATION.SUBSCRIPTION_GAP_CAUSE,
            CALENDLY_INTEGRATION.SIGNING_KEY_ENC.isNotNull().as("signing_key_set"),
            CALENDLY_INTEGRATION.APP_SIGNING_KEY_ENC.isNotNull().as("app_signing_key_set"),
            CALENDLY_INTEGRATION.CONNECTED_AT,
            CALENDLY_INTEGRATION.DISCONNECTED_AT,
            // Set once the tenant was forgotten (its data key shredded): the integration can never work again.
            DSL.field(DSL.select(CALENDLY_TENANT_KEY.SHREDDED_AT).from(CALENDLY_TENANT_KEY)
                    .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(CALENDLY_INTEGRATION.TENANT_ID)
                            .and(CALENDLY_TENANT_KEY.STATE.eq("SHREDDED")))).as("tenant_forgotten_at"));

    /** The tenant's integrations that finished connecting (pending authorizations are nobody's yet), oldest first. */
    List<Facts> list(DSLContext dsl, String tenantId) {
        return dsl.select(FACTS).from(CALENDLY_INTEGRATION)
                .where(visible(tenantId))
                .orderBy(CALENDLY_INTEGRATION.CREATED_AT, CALENDLY_INTEGRATION.ID)
                .fetch(HealthStore::facts);
    }

    /** One of the tenant's integrations; empty when missing, pending or another tenant's. */
    Optional<Facts> find(DSLContext dsl, String tenantId, UUID id) {
        return dsl.select(FACTS).from(CALENDLY_INTEGRATION)
                .where(visible(tenantId).and(CALENDLY_INTEGRATION.ID.eq(id)))
                .fetchOptional(HealthStore::facts);
    }

    /** Whether a stored delivery belongs to this integration of this tenant. */
    boolean deliveryOf(DSLContext dsl, String tenantId, UUID integrationId, long inboxId) {
        return dsl.fetchExists(dsl.selectOne().from(CALENDLY_WEBHOOK_INBOX)
                .where(CALENDLY_WEBHOOK_INBOX.ID.eq(inboxId)
                        .and(CALENDLY_WEBHOOK_INBOX.TENANT_ID.eq(tenantId))
                        .and(CALENDLY_WEBHOOK_INBOX.INTEGRATION_ID.eq(integrationId))));
    }

    /**
     * Counts by unfinished status (the status index; finished deliveries are not counted, so the
     * cost does not grow with history), the newest delivery, and rejections since {@code since}.
     */
    Deliveries deliveries(DSLContext dsl, String tenantId, UUID integrationId, Instant since) {
        var i = CALENDLY_WEBHOOK_INBOX;
        Condition mine = i.INTEGRATION_ID.eq(integrationId).and(i.TENANT_ID.eq(tenantId));
        Field<Integer> pending = DSL.count().filterWhere(i.STATUS.eq("PENDING")).as("pending");
        Field<Integer> processing = DSL.count().filterWhere(i.STATUS.eq("PROCESSING")).as("processing");
        Field<Integer> dead = DSL.count().filterWhere(i.STATUS.eq("DEAD")).as("dead");
        Record counts = dsl.select(pending, processing, dead).from(i)
                .where(mine.and(i.STATUS.in("PENDING", "PROCESSING", "DEAD")))
                .fetchOne();
        var last = dsl.select(i.RECEIVED_AT, i.EVENT, i.STATUS).from(i)
                .where(mine)
                .orderBy(i.ID.desc())
                .limit(1)
                .fetchOptional();
        var r = CALENDLY_WEBHOOK_REJECTION;
        int rejected = dsl.fetchCount(r, r.INTEGRATION_ID.eq(integrationId).and(r.TENANT_ID.eq(tenantId))
                .and(r.RECEIVED_AT.ge(OffsetDateTime.ofInstant(since, ZoneOffset.UTC))));
        return new Deliveries(
                counts == null ? 0 : counts.get(pending),
                counts == null ? 0 : counts.get(processing),
                counts == null ? 0 : counts.get(dead),
                last.map(x -> instant(x.value1())).orElse(null),
                last.map(x -> x.value2()).orElse(null),
                last.map(x -> x.value3()).orElse(null),
                rejected);
    }

    private static Condition visible(String tenantId) {
        return CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId)
                .and(CALENDLY_INTEGRATION.STATUS.ne(IntegrationStatus.PENDING.name()));
    }

    private static Facts facts(Record r) {
        var i = CALENDLY_INTEGRATION;
        return new Facts(
                r.get(i.ID),
                ConnectionMode.valueOf(r.get(i.CONNECTION_MODE)),
                IntegrationStatus.valueOf(r.get(i.STATUS)),
                r.get(i.CLIENT_ID),
                r.get("client_secret_set", Boolean.class),
                r.get("access_token_set", Boolean.class),
                instant(r.get(i.ACCESS_TOKEN_EXPIRES_AT)),
                r.get("refresh_token_set", Boolean.class),
                instant(r.get(i.TOKEN_REFRESHED_AT)),
                r.get(i.TOKEN_FAILURE),
                instant(r.get(i.TOKEN_FAILURE_AT)),
                instant(r.get(i.TOKEN_RETRY_AT)),
                r.get(i.SCOPES),
                r.get(i.CALENDLY_USER_URI),
                r.get(i.CALENDLY_ORGANIZATION_URI),
                r.get(i.CALENDLY_USER_NAME),
                r.get(i.CALENDLY_USER_EMAIL),
                r.get(i.CALENDLY_ROLE),
                r.get(i.SUBSCRIPTION_URI),
                r.get(i.SUBSCRIPTION_SCOPE),
                r.get(i.SUBSCRIPTION_STATE),
                instant(r.get(i.SUBSCRIPTION_CHECKED_AT)),
                r.get(i.SUBSCRIPTION_ERROR),
                instant(r.get(i.SUBSCRIPTION_GAP_STARTED_AT)),
                r.get(i.SUBSCRIPTION_GAP_CAUSE),
                r.get("signing_key_set", Boolean.class),
                r.get("app_signing_key_set", Boolean.class),
                instant(r.get(i.CONNECTED_AT)),
                instant(r.get(i.DISCONNECTED_AT)),
                instant(r.get("tenant_forgotten_at", OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
