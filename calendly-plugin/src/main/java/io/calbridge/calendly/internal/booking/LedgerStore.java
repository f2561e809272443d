package io.calbridge.calendly.internal.booking;

import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;

import io.calbridge.calendly.internal.crypto.PersonalData;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.CommonTableExpression;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * SQL of {@code calendly_effect_ledger}: which effects a booking chain has applied to the host, and
 * their results. A row's key is {@code <chain id>/<effect name>}; callers deal in effect names.
 */
final class LedgerStore {
    static final String RESULT = "calendly_effect_ledger.result";

    private final PersonalData personal;

    /** @param personal seals each result (task titles and descriptions carry names), bound to tenant and key */
    LedgerStore(PersonalData personal) {
        this.personal = personal;
    }

    private String open(String tenantId, String effectKey, byte[] sealed, String clear) {
        return sealed == null ? clear : personal.openText(tenantId, RESULT, effectKey, sealed);
    }

    /**
     * Effect name to result, for one chain. Selected by the (random, never shared) chain id alone,
     * so PostgreSQL always uses the chain index rather than scanning the tenant's whole ledger.
     */
    Map<String, String> load(DSLContext dsl, String tenantId, UUID chainId) {
        String prefix = chainId + "/";
        Map<String, String> entries = new HashMap<>();
        dsl.select(CALENDLY_EFFECT_LEDGER.TENANT_ID, CALENDLY_EFFECT_LEDGER.EFFECT_KEY, CALENDLY_EFFECT_LEDGER.RESULT,
                        CALENDLY_EFFECT_LEDGER.RESULT_ENC)
                .from(CALENDLY_EFFECT_LEDGER)
                .where(CALENDLY_EFFECT_LEDGER.CHAIN_ID.eq(chainId))
                .fetch()
                .forEach(r -> {
                    if (r.value1().equals(tenantId)) {
                        entries.put(r.value2().substring(prefix.length()), open(tenantId, r.value2(), r.value4(), r.value3()));
                    }
                });
        return entries;
    }

    /** Effect name to result, for keys outside any chain that start with {@code prefix}. */
    Map<String, String> loadPrefix(DSLContext dsl, String tenantId, String prefix) {
        Map<String, String> entries = new HashMap<>();
        dsl.select(CALENDLY_EFFECT_LEDGER.EFFECT_KEY, CALENDLY_EFFECT_LEDGER.RESULT, CALENDLY_EFFECT_LEDGER.RESULT_ENC)
                .from(CALENDLY_EFFECT_LEDGER)
                .where(CALENDLY_EFFECT_LEDGER.TENANT_ID.eq(tenantId))
                .and(CALENDLY_EFFECT_LEDGER.EFFECT_KEY.startsWith(prefix))
                .fetch()
                .forEach(r -> entries.put(r.value1().substring(prefix.length()), open(tenantId, r.value1(), r.value3(), r.value2())));
        return entries;
    }

    /**
     * The statement (unattached, for {@link #writeTogether}) that writes these entries, inserting or
     * overwriting; null when there are none.
     */
    ResultQuery<?> save(String tenantId, UUID chainId, String prefix, Map<String, String> writes, Instant now) {
        return saveAll(List.of(new Entries(tenantId, chainId, prefix, writes)), now);
    }

    /** One chain's entries to write, as {@link #saveAll} takes them. */
    record Entries(String tenantId, UUID chainId, String prefix, Map<String, String> writes) {
    }

    /**
     * As {@link #save}, for several chains in one insert (a batch's ledgers); no key may appear twice.
     * Null when there is nothing to write.
     */
    ResultQuery<?> saveAll(List<Entries> chains, Instant now) {
        if (chains.stream().allMatch(c -> c.writes().isEmpty())) {
            return null;
        }
        var at = now.atOffset(ZoneOffset.UTC);
        var insert = DSL.insertInto(CALENDLY_EFFECT_LEDGER,
                CALENDLY_EFFECT_LEDGER.TENANT_ID, CALENDLY_EFFECT_LEDGER.EFFECT_KEY, CALENDLY_EFFECT_LEDGER.CHAIN_ID,
                CALENDLY_EFFECT_LEDGER.RESULT, CALENDLY_EFFECT_LEDGER.RESULT_ENC, CALENDLY_EFFECT_LEDGER.APPLIED_AT);
        boolean seal = personal.seals();
        for (Entries chain : chains) {
            String tenantId = chain.tenantId();
            for (var e : chain.writes().entrySet()) {
                String key = chain.prefix() + e.getKey();
                insert = insert.values(tenantId, key, chain.chainId(), seal ? null : e.getValue(),
                        seal ? personal.sealText(tenantId, RESULT, key, e.getValue()) : null, at);
            }
        }
        return insert.onConflict(CALENDLY_EFFECT_LEDGER.TENANT_ID, CALENDLY_EFFECT_LEDGER.EFFECT_KEY)
                .doUpdate()
                .set(CALENDLY_EFFECT_LEDGER.RESULT, DSL.excluded(CALENDLY_EFFECT_LEDGER.RESULT))
                .set(CALENDLY_EFFECT_LEDGER.RESULT_ENC, DSL.excluded(CALENDLY_EFFECT_LEDGER.RESULT_ENC))
                .set(CALENDLY_EFFECT_LEDGER.APPLIED_AT, DSL.excluded(CALENDLY_EFFECT_LEDGER.APPLIED_AT))
                .returningResult(DSL.inline(1));
    }

    /**
     * Runs these writes (nulls skipped) as one statement: each becomes a data-modifying CTE of
     * {@code with w0 as (...), w1 as (...) select 1}, which PostgreSQL runs completely, once each.
     * One statement instead of several saves its round trips and per-statement work on both sides.
     */
    static void writeTogether(DSLContext dsl, List<ResultQuery<?>> writes) {
        List<ResultQuery<?>> present = writes.stream().filter(Objects::nonNull).toList();
        if (present.size() == 1) {
            dsl.fetch(present.get(0));
        } else if (present.size() > 1) {
            List<CommonTableExpression<?>> ctes = new ArrayList<>();
            for (ResultQuery<?> w : present) {
                ctes.add(DSL.name("w" + ctes.size()).as(w));
            }
            dsl.with(ctes).select(DSL.inline(1)).fetch();
        }
    }

    /** Removes a chain's entries (after a merge moved what was worth keeping). */
    void delete(DSLContext dsl, String tenantId, UUID chainId) {
        dsl.deleteFrom(CALENDLY_EFFECT_LEDGER)
                .where(CALENDLY_EFFECT_LEDGER.CHAIN_ID.eq(chainId))
                .and(CALENDLY_EFFECT_LEDGER.TENANT_ID.eq(tenantId))
                .execute();
    }
}
