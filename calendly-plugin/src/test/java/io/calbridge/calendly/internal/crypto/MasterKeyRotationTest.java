package io.calbridge.calendly.internal.crypto;

import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static io.calbridge.db.calendly.Tables.CALENDLY_TENANT_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.RotationProgress;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Master-key rotation while another node keeps reading. Each rotation test class has a schema of its own. */
class MasterKeyRotationTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    /** One secret per tenant: the ciphertext a feature would have stored, and what it must open to. */
    record Stored(String tenantId, UUID rowId, byte[] sealed, String plaintext) {
    }

    @Test
    void everyReadDuringAndAfterRotation_succeeds_andTheOldKeyCanThenBeRetired() throws Exception {
        Db db = new Db(database.dataSource());
        MasterKey oldKey = newMasterKey();
        MasterKey newKey = newMasterKey();
        var batchesOfThree = new TenantKeyring.Options(1000, Duration.ofMinutes(5), 1000, 3);
        TenantKeyring nodeA = TenantKeyring.create(db, oldKey, List.of(), Clock.systemUTC(), null, batchesOfThree);
        List<Stored> stored = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String tenant = "rot-" + i;
            UUID row = UUID.randomUUID();
            stored.add(new Stored(tenant, row, nodeA.seal(tenant, Purpose.REFRESH_TOKEN, row, Secret.of("refresh-" + i)), "refresh-" + i));
        }

        try (var poolB = database.newPool(4)) {
            // Node B already runs with the new key configured (old one as previous), and caches no DEK,
            // so every read unwraps from the database, whichever key currently wraps it.
            var noCache = new TenantKeyring.Options(0, Duration.ofMinutes(5), 10, 3);
            TenantKeyring nodeB = TenantKeyring.create(new Db(poolB), newKey, List.of(oldKey), Clock.systemUTC(), null, noCache);

            RotationProgress halfway = nodeA.rotation().rotateMasterKey(newKey, 7);
            assertEquals(RotationProgress.Status.RUNNING, halfway.status());
            assertEquals(21, halfway.rewrapped());
            assertEquals(40, halfway.total());
            assertEquals(List.of(oldKey.id(), newKey.id()).stream().sorted().toList(), db.dsl()
                    .selectDistinct(CALENDLY_TENANT_KEY.KEK_ID).from(CALENDLY_TENANT_KEY).orderBy(CALENDLY_TENANT_KEY.KEK_ID)
                    .fetch(CALENDLY_TENANT_KEY.KEK_ID), "half the data keys under each master key");
            for (Stored s : stored) {
                assertEquals(s.plaintext(), nodeB.open(s.tenantId(), Purpose.REFRESH_TOKEN, s.rowId(), s.sealed()).reveal());
                assertEquals(s.plaintext(), nodeA.open(s.tenantId(), Purpose.REFRESH_TOKEN, s.rowId(), s.sealed()).reveal());
            }

            // Now the rest, with node B reading as fast as it can meanwhile.
            AtomicBoolean rotationOver = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch readersRunning = new CountDownLatch(2);
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int offset = t;
                Thread reader = new Thread(() -> {
                    readersRunning.countDown();
                    int pass = 0;
                    // Keep reading until the rotation is over, then one more full pass.
                    for (boolean last = false; !last; pass++) {
                        last = rotationOver.get();
                        for (int i = 0; i < stored.size(); i++) {
                            Stored s = stored.get((i + offset * 20) % stored.size());
                            try {
                                if (!s.plaintext().equals(nodeB.open(s.tenantId(), Purpose.REFRESH_TOKEN, s.rowId(), s.sealed()).reveal())) {
                                    failures.add(new AssertionError("wrong plaintext for " + s.tenantId()));
                                }
                                reads.incrementAndGet();
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        }
                    }
                }, "reader-" + t);
                reader.start();
                readers.add(reader);
            }
            readersRunning.await();
            RotationProgress done = nodeA.rotation().rotateMasterKey(newKey);
            rotationOver.set(true);
            for (Thread reader : readers) {
                reader.join(30_000);
            }

            assertEquals(List.of(), failures);
            assertTrue(reads.get() >= 80, "reads: " + reads.get());
            assertEquals(RotationProgress.Status.DONE, done.status());
            assertEquals(halfway.id(), done.id(), "the second call resumed the same rotation");
            assertEquals(40, done.rewrapped());
            assertEquals(40, done.total());
            assertEquals(done, nodeB.rotation().progress().orElseThrow(), "every node sees the same progress");
        }

        assertEquals(List.of(newKey.id()), db.dsl().selectDistinct(CALENDLY_TENANT_KEY.KEK_ID).from(CALENDLY_TENANT_KEY)
                .fetch(CALENDLY_TENANT_KEY.KEK_ID));
        // The old key is retired: a node that knows only the new one opens everything...
        TenantKeyring retired = TenantKeyring.create(db, newKey, List.of(), Clock.systemUTC(), null);
        for (Stored s : stored) {
            assertEquals(s.plaintext(), retired.open(s.tenantId(), Purpose.REFRESH_TOKEN, s.rowId(), s.sealed()).reveal());
        }
        // ...and one still configured with only the old key refuses to start, naming the key it lacks.
        var e = assertThrows(IllegalStateException.class, () -> TenantKeyring.create(db, oldKey, List.of(), Clock.systemUTC(), null));
        assertTrue(e.getMessage().contains(newKey.id()) && e.getMessage().contains("CALBRIDGE_MASTER_KEY"), e.getMessage());
        // New tenants after the rotation get data keys wrapped by the new key on the node that rotated.
        nodeA.seal("after-rotation", Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("x"));
        assertEquals(newKey.id(), db.dsl().select(CALENDLY_TENANT_KEY.KEK_ID).from(CALENDLY_TENANT_KEY)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq("after-rotation")).fetchOne(CALENDLY_TENANT_KEY.KEK_ID));
    }

}
