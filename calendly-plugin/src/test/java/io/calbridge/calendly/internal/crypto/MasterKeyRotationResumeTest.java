package io.calbridge.calendly.internal.crypto;

import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static io.calbridge.db.calendly.Tables.CALENDLY_KEK_ROTATION;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A master-key rotation that dies halfway is finished after a restart, by one node or several at once. */
class MasterKeyRotationResumeTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);
    @RegisterExtension
    static final TestDatabase supersededDb = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final TenantKeyring.Options BATCHES_OF_FOUR = new TenantKeyring.Options(1000, Duration.ofMinutes(5), 10, 4);

    @Test
    void rotationCrashedHalfway_isFinishedByRestartedNodes() throws Exception {
        Db db = new Db(database.dataSource());
        MasterKey oldKey = newMasterKey();
        MasterKey newKey = newMasterKey();
        TenantKeyring nodeA = TenantKeyring.create(db, oldKey, List.of(), Clock.systemUTC(), null, BATCHES_OF_FOUR);
        List<MasterKeyRotationTest.Stored> stored = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String tenant = "crash-" + i;
            UUID row = UUID.randomUUID();
            stored.add(new MasterKeyRotationTest.Stored(tenant, row, nodeA.seal(tenant, Purpose.SIGNING_KEY, row, Secret.of("key-" + i)), "key-" + i));
        }

        // Node A dies after two batches...
        RotationProgress crashed = nodeA.rotation().rotateMasterKey(newKey, 2);
        assertEquals(RotationProgress.Status.RUNNING, crashed.status());
        assertEquals(8, crashed.rewrapped());
        // ...comes back for one more batch and dies again: same rotation, not a new one.
        RotationProgress again = nodeA.rotation().rotateMasterKey(newKey, 1);
        assertEquals(crashed.id(), again.id());
        assertEquals(12, again.rewrapped());

        // A node restarted with only the old key cannot serve the re-wrapped tenants: it refuses to start.
        var refused = assertThrows(IllegalStateException.class,
                () -> TenantKeyring.create(db, oldKey, List.of(), Clock.systemUTC(), null));
        assertTrue(refused.getMessage().contains(newKey.id()) && refused.getMessage().contains("previousMasterKeys"),
                refused.getMessage());

        // Two restarted nodes, on pools of their own, configured as the procedure says, finish together.
        try (var poolC = database.newPool(3); var poolD = database.newPool(3)) {
            TenantKeyring nodeC = TenantKeyring.create(new Db(poolC), newKey, List.of(oldKey), Clock.systemUTC(), null, BATCHES_OF_FOUR);
            TenantKeyring nodeD = TenantKeyring.create(new Db(poolD), newKey, List.of(oldKey), Clock.systemUTC(), null, BATCHES_OF_FOUR);

            var resumedByC = CompletableFuture.supplyAsync(() -> nodeC.rotation().resume().orElseThrow());
            var rotatedByD = CompletableFuture.supplyAsync(() -> nodeD.rotation().rotateMasterKey(newKey));
            RotationProgress c = resumedByC.get();
            RotationProgress d = rotatedByD.get();

            assertEquals(crashed.id(), c.id());
            assertEquals(crashed.id(), d.id());
            RotationProgress finished = nodeC.rotation().progress().orElseThrow();
            assertEquals(RotationProgress.Status.DONE, finished.status());
            assertEquals(60, finished.total());
            assertEquals(60, finished.rewrapped(), "no data key was re-wrapped twice or skipped");
            assertEquals(oldKey.id(), finished.fromKekId());
            assertEquals(newKey.id(), finished.toKekId());
            assertTrue(finished.finishedAt() != null);
        }

        assertEquals(1, db.dsl().fetchCount(CALENDLY_KEK_ROTATION), "one rotation, resumed, not restarted");
        assertEquals(60, db.dsl().fetchCount(CALENDLY_TENANT_KEY, CALENDLY_TENANT_KEY.KEK_ID.eq(newKey.id())));
        TenantKeyring onlyNewKey = TenantKeyring.create(db, newKey, List.of(), Clock.systemUTC(), null);
        for (var s : stored) {
            assertEquals(s.plaintext(), onlyNewKey.open(s.tenantId(), Purpose.SIGNING_KEY, s.rowId(), s.sealed()).reveal());
        }
        // Nothing left to resume.
        assertTrue(onlyNewKey.rotation().resume().isEmpty());
    }

    @Test
    void rotationToAThirdKeyBeforeTheFirstFinished_supersedesIt_andTakesOverItsRows() {
        Db db = new Db(supersededDb.dataSource());
        MasterKey first = newMasterKey();
        MasterKey second = newMasterKey();
        MasterKey third = newMasterKey();
        TenantKeyring node = TenantKeyring.create(db, first, List.of(), Clock.systemUTC(), null, BATCHES_OF_FOUR);
        List<MasterKeyRotationTest.Stored> stored = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UUID row = UUID.randomUUID();
            stored.add(new MasterKeyRotationTest.Stored("s-" + i, row, node.seal("s-" + i, Purpose.CLIENT_SECRET, row, Secret.of("c" + i)), "c" + i));
        }
        RotationProgress abandoned = node.rotation().rotateMasterKey(second, 1);

        RotationProgress done = node.rotation().rotateMasterKey(third);

        assertEquals(RotationProgress.Status.DONE, done.status());
        assertEquals(10, done.rewrapped());
        RotationProgress old = new RotationStore().find(db.dsl(), abandoned.id()).orElseThrow();
        assertEquals(RotationProgress.Status.FAILED, old.status());
        assertEquals("superseded by a rotation to master key " + third.id(), old.lastError());
        TenantKeyring onlyThird = TenantKeyring.create(db, third, List.of(), Clock.systemUTC(), null);
        for (var s : stored) {
            assertEquals(s.plaintext(), onlyThird.open(s.tenantId(), Purpose.CLIENT_SECRET, s.rowId(), s.sealed()).reveal());
        }
    }
}
