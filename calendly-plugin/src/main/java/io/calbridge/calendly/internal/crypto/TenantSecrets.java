package io.calbridge.calendly.internal.crypto;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_OAUTH_STATE;

import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException.Reason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every column that holds a sealed secret, and the re-encryption of one tenant's secrets under its
 * newest data key. A column lists the purposes its values may have been sealed with, so re-sealing
 * keeps whichever one opens (the owning feature decides, e.g. a personal access token may live in
 * {@code access_token_enc}). A new {@code *_enc} column must be added here, or tenant-key rotation
 * leaves it under the old key (still readable, never rotated).
 */
final class TenantSecrets {
    private static final Logger log = LoggerFactory.getLogger(TenantSecrets.class);

    record Column(TableField<?, byte[]> field, List<Purpose> purposes) {
    }

    static final List<Column> INTEGRATION_COLUMNS = List.of(
            new Column(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC, List.of(Purpose.CLIENT_SECRET)),
            new Column(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, List.of(Purpose.ACCESS_TOKEN, Purpose.PERSONAL_ACCESS_TOKEN)),
            new Column(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC, List.of(Purpose.REFRESH_TOKEN)),
            new Column(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, List.of(Purpose.SIGNING_KEY)),
            new Column(CALENDLY_INTEGRATION.PREVIOUS_SIGNING_KEY_ENC, List.of(Purpose.PREVIOUS_SIGNING_KEY, Purpose.SIGNING_KEY)),
            new Column(CALENDLY_INTEGRATION.APP_SIGNING_KEY_ENC, List.of(Purpose.APP_SIGNING_KEY)),
            new Column(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_ENC, List.of(Purpose.WEBHOOK_PATH_TOKEN)));

    /** {@code calendly_oauth_state.pkce_verifier_enc}: owned by the state row (or, possibly, its integration). */
    static final Column PKCE_COLUMN = new Column(CALENDLY_OAUTH_STATE.PKCE_VERIFIER_ENC, List.of(Purpose.PKCE_VERIFIER));

    private final TenantKeyring keyring;

    /**
     * Erases every ciphertext of the tenant, in the caller's transaction: each sealed column of its
     * integrations becomes null and its OAuth states (which hold a sealed PKCE verifier) are deleted.
     * Used when the tenant is forgotten, so that no copy of its data key anywhere has anything left to open.
     */
    static void eraseAll(DSLContext dsl, String tenantId) {
        Map<Field<?>, Object> nulls = new HashMap<>();
        for (Column column : INTEGRATION_COLUMNS) {
            nulls.put(column.field(), null);
        }
        dsl.update(CALENDLY_INTEGRATION).set(nulls).where(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId)).execute();
        dsl.deleteFrom(CALENDLY_OAUTH_STATE).where(CALENDLY_OAUTH_STATE.TENANT_ID.eq(tenantId)).execute();
    }

    TenantSecrets(TenantKeyring keyring) {
        this.keyring = keyring;
    }

    /** Re-seals every secret of the tenant older than {@code generation}; one transaction per row. */
    TenantKeyRotation resealAll(String tenantId, int generation) {
        int[] counts = new int[2];
        eachRow(tenantId, CALENDLY_INTEGRATION, CALENDLY_INTEGRATION.ID, CALENDLY_INTEGRATION.TENANT_ID,
                (dsl, id) -> resealIntegration(dsl, tenantId, id, generation, counts));
        eachRow(tenantId, CALENDLY_OAUTH_STATE, CALENDLY_OAUTH_STATE.ID, CALENDLY_OAUTH_STATE.TENANT_ID,
                (dsl, id) -> resealOauthState(dsl, tenantId, id, generation, counts));
        return new TenantKeyRotation(tenantId, generation, counts[0], counts[1]);
    }

    /** Runs {@code work} on each of the tenant's rows of {@code table}, one transaction per row. */
    private void eachRow(String tenantId, Table<?> table, Field<UUID> id, Field<String> tenant,
                         BiConsumer<DSLContext, UUID> work) {
        List<UUID> ids = keyring.db().dsl().select(id).from(table).where(tenant.eq(tenantId)).fetch(id);
        for (UUID row : ids) {
            keyring.db().txRun(dsl -> work.accept(dsl, row));
        }
    }

    private void resealIntegration(DSLContext dsl, String tenantId, UUID id, int generation, int[] counts) {
        Record row = dsl.select(INTEGRATION_COLUMNS.stream().map(Column::field).toList())
                .from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(id).and(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId)))
                .forUpdate()
                .fetchOne();
        if (row == null) {
            return; // deleted meanwhile
        }
        Map<Field<?>, Object> changes = new HashMap<>();
        for (Column column : INTEGRATION_COLUMNS) {
            byte[] value = row.get(column.field());
            if (value != null) {
                reseal(tenantId, value, column, List.of(id), generation, counts)
                        .ifPresent(resealed -> changes.put(column.field(), resealed));
            }
        }
        if (!changes.isEmpty()) {
            dsl.update(CALENDLY_INTEGRATION).set(changes).where(CALENDLY_INTEGRATION.ID.eq(id)).execute();
        }
    }

    private void resealOauthState(DSLContext dsl, String tenantId, UUID id, int generation, int[] counts) {
        var row = dsl.select(CALENDLY_OAUTH_STATE.INTEGRATION_ID, CALENDLY_OAUTH_STATE.PKCE_VERIFIER_ENC)
                .from(CALENDLY_OAUTH_STATE)
                .where(CALENDLY_OAUTH_STATE.ID.eq(id).and(CALENDLY_OAUTH_STATE.TENANT_ID.eq(tenantId)))
                .forUpdate()
                .fetchOne();
        if (row == null || row.value2() == null) {
            return;
        }
        reseal(tenantId, row.value2(), PKCE_COLUMN, List.of(id, row.value1()), generation, counts)
                .ifPresent(resealed -> dsl.update(CALENDLY_OAUTH_STATE)
                        .set(CALENDLY_OAUTH_STATE.PKCE_VERIFIER_ENC, resealed)
                        .where(CALENDLY_OAUTH_STATE.ID.eq(id))
                        .execute());
    }

    private Optional<byte[]> reseal(String tenantId, byte[] value, Column column, List<UUID> rowIds, int generation,
                                    int[] counts) {
        if (CiphertextFormat.wellFormed(value) && CiphertextFormat.generation(value) >= generation) {
            return Optional.empty();
        }
        if (CiphertextFormat.wellFormed(value)) {
            for (Purpose purpose : column.purposes()) {
                for (UUID rowId : rowIds) {
                    Secret plain;
                    try {
                        plain = keyring.open(tenantId, purpose, rowId, value);
                    } catch (SecretUnavailableException e) {
                        if (e.reason() != Reason.TAMPERED) {
                            throw e;
                        }
                        continue;
                    }
                    counts[0]++;
                    return Optional.of(keyring.seal(tenantId, purpose, rowId, plain));
                }
            }
        }
        counts[1]++;
        log.warn("Tenant-key rotation of tenant {} left {} of row {} as it was: it does not open (altered or copied from elsewhere)",
                tenantId, column.field().getName(), rowIds.get(0));
        return Optional.empty();
    }
}
