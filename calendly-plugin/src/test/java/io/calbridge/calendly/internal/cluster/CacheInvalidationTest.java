package io.calbridge.calendly.internal.cluster;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes (own pools) on one database: a change committed on one reaches the other's caches. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheInvalidationTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    /** What a node's handler heard, one line per call. */
    static final class Heard implements CacheInvalidation.Handler {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void tenantChanged(String tenantId) {
            calls.add("tenant " + tenantId);
        }

        @Override
        public void integrationChanged(UUID integrationId) {
            calls.add("integration " + integrationId);
        }

        @Override
        public void everythingChanged() {
            calls.add("everything");
        }
    }

    @Test
    void aCommittedChangeReachesTheOtherNode_aRolledBackOneNever() {
        try (HikariDataSource poolA = db.newPool(3); HikariDataSource poolB = db.newPool(3)) {
            Db a = new Db(poolA);
            CacheInvalidation nodeA = CacheInvalidation.create(a);
            CacheInvalidation nodeB = CacheInvalidation.create(new Db(poolB));
            Heard heardByB = new Heard();
            nodeB.subscribe(heardByB);
            nodeA.start();
            nodeB.start();
            try {
                eventually("both nodes listening").atMost(Duration.ofSeconds(10))
                        .until(() -> nodeA.trusted() && nodeB.trusted());
                assertEquals(List.of("everything"), heardByB.calls, "caches are emptied when the node starts hearing");
                UUID integration = UUID.randomUUID();

                try {
                    a.txRun(tx -> {
                        nodeA.tenantChanged(tx, "rolled-back");
                        throw new IllegalStateException("roll back");
                    });
                } catch (IllegalStateException expected) {
                    // nothing committed, nothing sent
                }
                a.txRun(tx -> nodeA.tenantChanged(tx, "acme"));
                a.txRun(tx -> nodeA.integrationChanged(tx, integration));

                eventually("B heard all three").atMost(Duration.ofSeconds(2)).until(() -> heardByB.calls.size() == 3);
                assertEquals(List.of("everything", "tenant acme", "integration " + integration), heardByB.calls);

                nodeB.stop();
                assertFalse(nodeB.trusted(), "a node that does not listen must not trust its caches");
                assertEquals("everything", heardByB.calls.get(heardByB.calls.size() - 1), "and empties them");
            } finally {
                nodeA.stop();
                nodeB.stop();
            }
        }
    }

    @Test
    void nodesOnAnotherSchemaUseAnotherChannel() {
        assertNotEquals(CacheInvalidation.channelFor("tenant_a"), CacheInvalidation.channelFor("tenant_b"));
        assertEquals(CacheInvalidation.channelFor("public"), CacheInvalidation.channelFor("public"));
        assertTrue(CacheInvalidation.channelFor("x".repeat(200)).length() < 63, "a valid PostgreSQL identifier");
    }
}
