package io.calbridge.calendly.internal.booking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Transaction-scoped PostgreSQL advisory locks that serialise work on the same invitees and the
 * same booking chain across threads and nodes. Invitee locks use the one-key (bigint) space, chain
 * locks the two-key space, which PostgreSQL keeps apart; every caller takes invitee locks first and
 * each kind in ascending order, so two workers never wait on each other in a circle.
 */
final class Locks {
    private Locks() {
    }

    static void lockInvitees(DSLContext dsl, UUID integrationId, Collection<String> uris) {
        dsl.select(invitees(Map.of(integrationId, uris))).fetch();
    }

    /**
     * The lock calls for these invitees (by integration), in ascending key order, to put in a select
     * list: a batch takes all of its invitees' locks in this one order.
     */
    static List<Field<?>> invitees(Map<UUID, ? extends Collection<String>> urisByIntegration) {
        TreeSet<Long> keys = new TreeSet<>();
        urisByIntegration.forEach((integrationId, uris) -> {
            for (String uri : uris) {
                keys.add(hash(integrationId + "|" + uri));
            }
        });
        List<Field<?>> calls = new ArrayList<>();
        for (long key : keys) {
            calls.add(DSL.function("pg_advisory_xact_lock", SQLDataType.OTHER, DSL.val(key)).as("lock" + calls.size()));
        }
        return calls;
    }

    static void lockChains(DSLContext dsl, Collection<UUID> chainIds) {
        List<Field<?>> calls = new ArrayList<>();
        for (UUID chain : new TreeSet<>(chainIds)) {
            long bits = chain.getMostSignificantBits() ^ chain.getLeastSignificantBits();
            calls.add(DSL.function("pg_advisory_xact_lock", SQLDataType.OTHER,
                    DSL.val((int) (bits >>> 32)), DSL.val((int) bits)));
        }
        if (!calls.isEmpty()) {
            dsl.select(calls).fetch();
        }
    }

    static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
