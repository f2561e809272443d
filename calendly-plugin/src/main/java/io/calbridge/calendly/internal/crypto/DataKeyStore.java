package io.calbridge.calendly.internal.crypto;

import static io.calbridge.db.calendly.Tables.CALENDLY_TENANT_KEY;
import static org.jooq.Records.mapping;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record6;
import org.jooq.SelectJoinStep;
import org.jooq.impl.DSL;

/** Queries on {@code calendly_tenant_key}: one row per tenant, its data keyset wrapped by a master key. */
final class DataKeyStore {
    static final String ACTIVE = "ACTIVE";
    static final String SHREDDED = "SHREDDED";

    /** A row of calendly_tenant_key. {@code wrappedKeyset} is null once shredded. */
    record StoredDataKey(String tenantId, byte[] wrappedKeyset, String kekId, int generation, String state,
                         OffsetDateTime shreddedAt) {
        boolean shredded() {
            return SHREDDED.equals(state);
        }

        @Override
        public String toString() {
            return "StoredDataKey[" + tenantId + ", kek=" + kekId + ", generation=" + generation + ", " + state + "]";
        }
    }

    private static SelectJoinStep<Record6<String, byte[], String, Integer, String, OffsetDateTime>> selectFrom(DSLContext dsl) {
        return dsl.select(CALENDLY_TENANT_KEY.TENANT_ID, CALENDLY_TENANT_KEY.WRAPPED_KEYSET, CALENDLY_TENANT_KEY.KEK_ID,
                        CALENDLY_TENANT_KEY.DEK_GENERATION, CALENDLY_TENANT_KEY.STATE, CALENDLY_TENANT_KEY.SHREDDED_AT)
                .from(CALENDLY_TENANT_KEY);
    }

    Optional<StoredDataKey> find(DSLContext dsl, String tenantId) {
        return selectFrom(dsl)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantId))
                .fetchOptional(mapping(StoredDataKey::new));
    }

    /** The row, locked until the transaction ends. */
    Optional<StoredDataKey> lock(DSLContext dsl, String tenantId) {
        return selectFrom(dsl)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantId))
                .forUpdate()
                .fetchOptional(mapping(StoredDataKey::new));
    }

    /** Inserts the tenant's first data key unless another node got there first; returns true if this one won. */
    boolean insertIfAbsent(DSLContext dsl, String tenantId, byte[] wrappedKeyset, String kekId, OffsetDateTime now) {
        return dsl.insertInto(CALENDLY_TENANT_KEY, CALENDLY_TENANT_KEY.TENANT_ID, CALENDLY_TENANT_KEY.WRAPPED_KEYSET,
                        CALENDLY_TENANT_KEY.KEK_ID, CALENDLY_TENANT_KEY.DEK_GENERATION, CALENDLY_TENANT_KEY.STATE,
                        CALENDLY_TENANT_KEY.CREATED_AT)
                .values(tenantId, wrappedKeyset, kekId, 1, ACTIVE, now)
                .onConflictDoNothing()
                .execute() == 1;
    }

    /** Stores a re-keyed keyset (new primary key) and its generation. */
    void storeRotated(DSLContext dsl, String tenantId, byte[] wrappedKeyset, String kekId, int generation, OffsetDateTime now) {
        dsl.update(CALENDLY_TENANT_KEY)
                .set(CALENDLY_TENANT_KEY.WRAPPED_KEYSET, wrappedKeyset)
                .set(CALENDLY_TENANT_KEY.KEK_ID, kekId)
                .set(CALENDLY_TENANT_KEY.DEK_GENERATION, generation)
                .set(CALENDLY_TENANT_KEY.ROTATED_AT, now)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantId).and(CALENDLY_TENANT_KEY.STATE.eq(ACTIVE)))
                .execute();
    }

    /** Stores the same keyset wrapped by another master key. */
    void storeRewrapped(DSLContext dsl, String tenantId, byte[] wrappedKeyset, String kekId, OffsetDateTime now) {
        dsl.update(CALENDLY_TENANT_KEY)
                .set(CALENDLY_TENANT_KEY.WRAPPED_KEYSET, wrappedKeyset)
                .set(CALENDLY_TENANT_KEY.KEK_ID, kekId)
                .set(CALENDLY_TENANT_KEY.REWRAPPED_AT, now)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantId).and(CALENDLY_TENANT_KEY.STATE.eq(ACTIVE)))
                .execute();
    }

    /**
     * Destroys the tenant's data key. A tenant that never had one gets a SHREDDED row anyway, so
     * nothing can be sealed for it later. The first shredding date is kept.
     */
    void shred(DSLContext dsl, String tenantId, String kekId, OffsetDateTime now) {
        dsl.insertInto(CALENDLY_TENANT_KEY)
                .set(CALENDLY_TENANT_KEY.TENANT_ID, tenantId)
                .set(CALENDLY_TENANT_KEY.WRAPPED_KEYSET, (byte[]) null)
                .set(CALENDLY_TENANT_KEY.KEK_ID, kekId)
                .set(CALENDLY_TENANT_KEY.STATE, SHREDDED)
                .set(CALENDLY_TENANT_KEY.CREATED_AT, now)
                .set(CALENDLY_TENANT_KEY.SHREDDED_AT, now)
                .onConflict(CALENDLY_TENANT_KEY.TENANT_ID)
                .doUpdate()
                .set(CALENDLY_TENANT_KEY.WRAPPED_KEYSET, (byte[]) null)
                .set(CALENDLY_TENANT_KEY.INDEX_KEY_ENC, (byte[]) null)
                .set(CALENDLY_TENANT_KEY.STATE, SHREDDED)
                .set(CALENDLY_TENANT_KEY.SHREDDED_AT,
                        DSL.coalesce(CALENDLY_TENANT_KEY.SHREDDED_AT, DSL.val(now)))
                .execute();
    }

    /**
     * Up to {@code limit} active rows not yet wrapped by {@code kekId}, locked; rows another
     * transaction holds are skipped, so several nodes can share one rotation.
     */
    List<StoredDataKey> lockBatchNotWrappedBy(DSLContext dsl, String kekId, int limit) {
        return selectFrom(dsl)
                .where(CALENDLY_TENANT_KEY.STATE.eq(ACTIVE).and(CALENDLY_TENANT_KEY.KEK_ID.ne(kekId)))
                .orderBy(CALENDLY_TENANT_KEY.TENANT_ID)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(mapping(StoredDataKey::new));
    }

    int countNotWrappedBy(DSLContext dsl, String kekId) {
        return dsl.fetchCount(CALENDLY_TENANT_KEY,
                CALENDLY_TENANT_KEY.STATE.eq(ACTIVE).and(CALENDLY_TENANT_KEY.KEK_ID.ne(kekId)));
    }

    /** The master-key ids that active data keys are wrapped by. */
    List<String> activeKekIds(DSLContext dsl) {
        return dsl.selectDistinct(CALENDLY_TENANT_KEY.KEK_ID)
                .from(CALENDLY_TENANT_KEY)
                .where(CALENDLY_TENANT_KEY.STATE.eq(ACTIVE))
                .orderBy(CALENDLY_TENANT_KEY.KEK_ID)
                .fetch(CALENDLY_TENANT_KEY.KEK_ID);
    }

    /** One active row wrapped by {@code kekId}, to check at start that the configured key really opens it. */
    Optional<StoredDataKey> anyWrappedBy(DSLContext dsl, String kekId) {
        return selectFrom(dsl)
                .where(CALENDLY_TENANT_KEY.STATE.eq(ACTIVE).and(CALENDLY_TENANT_KEY.KEK_ID.eq(kekId)))
                .limit(1)
                .fetchOptional(mapping(StoredDataKey::new));
    }

    /** The tenant's sealed blind-index key, when it has one (and is not shredded). */
    Optional<byte[]> indexKey(DSLContext dsl, String tenantId) {
        return dsl.select(CALENDLY_TENANT_KEY.INDEX_KEY_ENC).from(CALENDLY_TENANT_KEY)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantId))
                .and(CALENDLY_TENANT_KEY.STATE.eq(ACTIVE))
                .fetchOptional(CALENDLY_TENANT_KEY.INDEX_KEY_ENC);
    }

    /** Stores a sealed index key unless the tenant has one already (then the caller reads that one). */
    void storeIndexKeyIfAbsent(DSLContext dsl, String tenantId, byte[] sealed) {
        dsl.update(CALENDLY_TENANT_KEY)
                .set(CALENDLY_TENANT_KEY.INDEX_KEY_ENC, sealed)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantId))
                .and(CALENDLY_TENANT_KEY.STATE.eq(ACTIVE))
                .and(CALENDLY_TENANT_KEY.INDEX_KEY_ENC.isNull())
                .execute();
    }
}
