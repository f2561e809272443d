package io.calbridge.calendly.internal.booking;

import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.Arrays;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.impl.DSL;

/**
 * SQL of {@code calendly_effect_ledger}: which effects a booking chain has applied to the host, and
 * their results. A row's key is {@code <chain id>/<effect name>}; callers deal in effect names.
 */
final class LedgerStore {

    /**
     * Effect name to result, for one chain. Selected by the (random, never shared) chain id alone,
     * so PostgreSQL always uses the chain index rather than scanning the tenant's whole ledger.
     */
    Map<String, String> load(DSLContext dsl, String tenantId, UUID chainId) {
        String prefix = chainId + "/";
        Map<String, String> entries = new HashMap<>();
        dsl.select(CALENDLY_EFFECT_LEDGER.TENANT_ID, CALENDLY_EFFECT_LEDGER.EFFECT_KEY, CALENDLY_EFFECT_LEDGER.RESULT)
                .from(CALENDLY_EFFECT_LEDGER)
                .where(CALENDLY_EFFECT_LEDGER.CHAIN_ID.eq(chainId))
                .fetch()
                .forEach(r -> {
                    if (r.value1().equals(tenantId)) {
                        entries.put(r.value2().substring(prefix.length()), r.value3());
                    }
                });
        return entries;
    }

    /** Effect name to result, for keys outside any chain that start with {@code prefix}. */
    Map<String, String> loadPrefix(DSLContext dsl, String tenantId, String prefix) {
        Map<String, String> entries = new HashMap<>();
        dsl.select(CALENDLY_EFFECT_LEDGER.EFFECT_KEY, CALENDLY_EFFECT_LEDGER.RESULT)
                .from(CALENDLY_EFFECT_LEDGER)
                .where(CALENDLY_EFFECT_LEDGER.TENANT_ID.eq(tenantId))
                .and(CALENDLY_EFFECT_LEDGER.EFFECT_KEY.startsWith(prefix))
                .fetch()
                .forEach(r -> entries.put(r.value1().substring(prefix.length()), r.value2()));
        return entries;
    }

    /** The statement that writes (inserts or overwrites) these entries, or null when there are none. */
    Query save(DSLContext dsl, String tenantId, UUID chainId, String prefix, Map<String, String> writes, Instant now) {
        if (writes.isEmpty()) {
            return null;
        }
        var at = now.atOffset(ZoneOffset.UTC);
        var insert = dsl.insertInto(CALENDLY_EFFECT_LEDGER,
                CALENDLY_EFFECT_LEDGER.TENANT_ID, CALENDLY_EFFECT_LEDGER.EFFECT_KEY, CALENDLY_EFFECT_LEDGER.CHAIN_ID,
                CALENDLY_EFFECT_LEDGER.RESULT, CALENDLY_EFFECT_LEDGER.APPLIED_AT);
        for (var e : writes.entrySet()) {
            insert = insert.values(tenantId, prefix + e.getKey(), chainId, e.getValue(), at);
        }
        return insert.onConflict(CALENDLY_EFFECT_LEDGER.TENANT_ID, CALENDLY_EFFECT_LEDGER.EFFECT_KEY)
                .doUpdate()
                .set(CALENDLY_EFFECT_LEDGER.RESULT, DSL.excluded(CALENDLY_EFFECT_LEDGER.RESULT))
                .set(CALENDLY_EFFECT_LEDGER.APPLIED_AT, DSL.excluded(CALENDLY_EFFECT_LEDGER.APPLIED_AT));
    }

    /**
     * Runs the non-null statements, one by one: as prepared statements PostgreSQL plans them once
     * per connection, which costs less than one round trip for an inlined batch it must parse anew.
     */
    static void execute(Query... queries) {
        Arrays.stream(queries).filter(Objects::nonNull).forEach(Query::execute);
    }

    /** Removes a chain's entries (after a merge moved what was worth keeping). */
    void delete(DSLContext dsl, String tenantId, UUID chainId) {
        dsl.deleteFrom(CALENDLY_EFFECT_LEDGER)
                .where(CALENDLY_EFFECT_LEDGER.CHAIN_ID.eq(chainId))
                .and(CALENDLY_EFFECT_LEDGER.TENANT_ID.eq(tenantId))
                .execute();
    }
}
