package io.calbridge.calendly.internal.crypto;

import static io.calbridge.calendly.internal.crypto.Fixtures.insertIntegration;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cost of reaching a tenant secret through the keyring (sealing, opening, a token the cache does not
 * hold), against baselines measured in the same run; a cache hit against {@code HashMap.get} is the JMH
 * benchmark {@code TokenCacheBenchmark} (docs/benchmarks.md). Not a timed test:
 * it asserts nothing about speed, it prints. Run with
 * {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=CryptoBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * figures land in {@code calendly-plugin/target/surefire-reports/*CryptoBenchmark-output.txt}.
 */
@Tag("benchmark")
class CryptoBenchmark {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final int TENANTS = 200;
    private static volatile long sink;

    interface Op {
        Object run(int i) throws Exception;
    }

    record Result(String name, double nanosPerOp) {
    }

    @Test
    void tokenFetchAndSealCosts() throws Exception {
        Db db = new Db(database.dataSource());
        TenantKeyring keyring = TenantKeyring.create(db, Fixtures.newMasterKey(), List.of(), Clock.systemUTC(), null);
        String token = "eyJraWQiOiIxY2UxZTEzNjE3ZGNmNzY2YjNjZWJjY2Y4ZGM1YmFmYThhNjVlNjg0MDIzZjdjMzJiZTgzNDliMjM4MDEzNWI0";
        String[] tenants = new String[TENANTS];
        UUID[] rows = new UUID[TENANTS];
        for (int i = 0; i < TENANTS; i++) {
            tenants[i] = "bench-" + i;
            rows[i] = insertIntegration(db, tenants[i]);
            byte[] sealed = keyring.seal(tenants[i], Purpose.ACCESS_TOKEN, rows[i], Secret.of(token + i));
            db.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, sealed)
                    .where(CALENDLY_INTEGRATION.ID.eq(rows[i])).execute();
        }
        Aead bareAesGcm = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        byte[] tokenBytes = token.getBytes(StandardCharsets.UTF_8);
        byte[] aad = CiphertextFormat.secretAad(CiphertextFormat.header(1), tenants[0], Purpose.ACCESS_TOKEN, rows[0]);
        byte[][] sealedRows = new byte[TENANTS][];
        for (int i = 0; i < TENANTS; i++) {
            sealedRows[i] = readAccessTokenColumn(db, rows[i]);
        }

        Aead[] bareKeys = new Aead[TENANTS];
        for (int i = 0; i < TENANTS; i++) {
            bareKeys[i] = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM).getPrimitive(RegistryConfiguration.get(), Aead.class);
        }

        List<Result> results = new ArrayList<>();
        // Each group runs its rounds interleaved, so a noisy neighbour on the machine hits all alike.
        results.addAll(measureGroup(200_000, List.of(
                new Named("baseline: bare Tink AES-256-GCM encrypt, one key", i -> bareAesGcm.encrypt(tokenBytes, aad)),
                new Named("encrypt: keyring.seal, one tenant (DEK cached)",
                        i -> keyring.seal(tenants[0], Purpose.ACCESS_TOKEN, rows[0], Secret.of(token))))));
        results.addAll(measureGroup(200_000, List.of(
                new Named("baseline: bare Tink AES-256-GCM encrypt, 200 keys in turn", i -> bareKeys[i % TENANTS].encrypt(tokenBytes, aad)),
                new Named("encrypt: keyring.seal, 200 tenants in turn (DEKs cached)",
                        i -> keyring.seal(tenants[i % TENANTS], Purpose.ACCESS_TOKEN, rows[i % TENANTS], Secret.of(token))),
                new Named("decrypt: keyring.open, 200 tenants in turn (DEKs cached)",
                        i -> keyring.open(tenants[i % TENANTS], Purpose.ACCESS_TOKEN, rows[i % TENANTS], sealedRows[i % TENANTS])))));
        results.addAll(measureGroup(2_000, List.of(
                new Named("baseline: DB read of the access_token_enc row", i -> readAccessTokenColumn(db, rows[i % TENANTS])),
                new Named("token fetch, token cache miss: DB read + open (DEK cached)", i -> {
                    int t = i % TENANTS;
                    return keyring.open(tenants[t], Purpose.ACCESS_TOKEN, rows[t], readAccessTokenColumn(db, rows[t]));
                }))));
        // Separate group: the cold path empties the DEK cache the warm path relies on.
        results.addAll(measureGroup(2_000, List.of(
                new Named("baseline: DB read of the access_token_enc row", i -> readAccessTokenColumn(db, rows[i % TENANTS])),
                new Named("token fetch, cold: DB read + DEK row read + unwrap + open", i -> {
                    int t = i % TENANTS;
                    keyring.evictDataKey(tenants[t]);
                    return keyring.open(tenants[t], Purpose.ACCESS_TOKEN, rows[t], readAccessTokenColumn(db, rows[t]));
                }))));

        print(results);
    }

    private static byte[] readAccessTokenColumn(Db db, UUID row) {
        return db.dsl().select(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).fetchOne(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC);
    }

    record Named(String name, Op op) {
    }

    /** JMH-style: warm-up rounds first, then the median of measured rounds, the group's ops taking turns. */
    private static List<Result> measureGroup(int opsPerRound, List<Named> ops) throws Exception {
        for (int round = 0; round < 5; round++) {
            for (Named op : ops) {
                runRound(opsPerRound, op.op());
            }
        }
        double[][] rounds = new double[ops.size()][9];
        for (int round = 0; round < 9; round++) {
            for (int k = 0; k < ops.size(); k++) {
                rounds[k][round] = runRound(opsPerRound, ops.get(k).op());
            }
        }
        List<Result> results = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            Arrays.sort(rounds[k]);
            results.add(new Result(ops.get(k).name(), rounds[k][rounds[k].length / 2]));
        }
        return results;
    }

    private static double runRound(int ops, Op op) throws Exception {
        long acc = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            acc += System.identityHashCode(op.run(i));
        }
        long elapsed = System.nanoTime() - start;
        sink += acc;
        return (double) elapsed / ops;
    }

    private static void print(List<Result> results) {
        StringBuilder out = new StringBuilder("\n=== CryptoBenchmark (").append(Runtime.getRuntime().availableProcessors())
                .append(" cpus, ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(") ===\n");
        Result baseline = null;
        for (Result r : results) {
            if (r.name().startsWith("baseline")) {
                baseline = r;
            }
            String ratio = baseline == null || r == baseline ? "" : String.format("  (%.1fx %s)", r.nanosPerOp() / baseline.nanosPerOp(),
                    baseline.name().substring("baseline: ".length()));
            out.append(String.format("%-62s %12s/op%s%n", r.name(), human(r.nanosPerOp()), ratio));
        }
        out.append("(sink ").append(sink % 10).append(")\n");
        System.out.println(out);
    }

    private static String human(double nanos) {
        return nanos < 1_000 ? String.format("%.0f ns", nanos) : String.format("%.1f µs", nanos / 1_000);
    }
}
