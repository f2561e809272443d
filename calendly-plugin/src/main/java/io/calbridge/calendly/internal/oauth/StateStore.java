package io.calbridge.calendly.internal.oauth;

import static io.calbridge.calendly.internal.oauth.IntegrationStore.instant;
import static io.calbridge.calendly.internal.oauth.IntegrationStore.ts;
import static io.calbridge.db.calendly.Tables.CALENDLY_OAUTH_STATE;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** Queries on {@code calendly_oauth_state}. Only the SHA-256 of a state is stored. */
final class StateStore {
    private static final io.calbridge.db.calendly.tables.CalendlyOauthState S = CALENDLY_OAUTH_STATE;

    void insert(DSLContext dsl, UUID id, byte[] stateHash, String tenantId, String userId, UUID integrationId,
                byte[] pkceVerifierEnc, Instant now, Instant expiresAt) {
        dsl.insertInto(S)
                .set(S.ID, id)
                .set(S.STATE_HASH, stateHash)
                .set(S.TENANT_ID, tenantId)
                .set(S.USER_ID, userId)
                .set(S.INTEGRATION_ID, integrationId)
                .set(S.PKCE_VERIFIER_ENC, pkceVerifierEnc)
                .set(S.CREATED_AT, ts(now))
                .set(S.EXPIRES_AT, ts(expiresAt))
                .execute();
    }

    Optional<StateRow> findByHash(DSLContext dsl, byte[] stateHash) {
        return dsl.select(S.ID, S.TENANT_ID, S.USER_ID, S.INTEGRATION_ID, S.PKCE_VERIFIER_ENC, S.EXPIRES_AT, S.CONSUMED_AT)
                .from(S)
                .where(S.STATE_HASH.eq(stateHash))
                .fetchOptional(r -> new StateRow(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                        instant(r.value6()), instant(r.value7())));
    }

    /** Single use: true for exactly one caller, however many present the same state at once. */
    boolean consume(DSLContext dsl, UUID id, Instant now) {
        return dsl.update(S)
                .set(S.CONSUMED_AT, ts(now))
                .where(S.ID.eq(id).and(S.CONSUMED_AT.isNull()))
                .execute() == 1;
    }

    void delete(DSLContext dsl, UUID id) {
        dsl.deleteFrom(S).where(S.ID.eq(id)).execute();
    }

    void moveToIntegration(DSLContext dsl, UUID fromIntegration, UUID toIntegration) {
        dsl.update(S).set(S.INTEGRATION_ID, toIntegration).where(S.INTEGRATION_ID.eq(fromIntegration)).execute();
    }

    void deleteForIntegration(DSLContext dsl, UUID integrationId) {
        dsl.deleteFrom(S).where(S.INTEGRATION_ID.eq(integrationId)).execute();
    }

    int purgeExpired(DSLContext dsl, Instant expiredBefore) {
        return dsl.deleteFrom(S).where(S.EXPIRES_AT.lt(ts(expiredBefore))).execute();
    }
}
