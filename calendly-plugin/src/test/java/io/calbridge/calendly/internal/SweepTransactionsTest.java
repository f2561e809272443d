package io.calbridge.calendly.internal;

import static io.calbridge.db.calendly.Tables.CALENDLY_SYNC_STATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.testing.TestClock;
import io.calbridge.testing.TestDatabase;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sweep commits its claim and its result, not its progress after every event: with 10,000
 * integrations swept every 6 hours the sweeps waited mostly on commits (IntegrationChecksBenchmark).
 */
class SweepTransactionsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void aSweepOfThreeEventsWithNothingToRepair_writesNoProgressInBetween() throws Exception {
        TestClock clock = TestClock.atNow(); // stands still: no progress is due during the job
        MasterKey key = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
        try (StubCalendly stub = new StubCalendly()) {
            Db plain = new Db(db.dataSource());
            stub.seed(plain, TenantKeyring.create(plain, key, List.of(), clock, null), 1);
            CountingDataSource counted = new CountingDataSource(db.dataSource());
            StubCalendly.Node node = stub.node(new Db(counted.dataSource), key, clock);
            node.sync().plan();
            plain.dsl().update(CALENDLY_SYNC_STATE)
                    .set(CALENDLY_SYNC_STATE.NEXT_SWEEP_AT, clock.instant().atOffset(ZoneOffset.UTC)).execute();
            node.sync().plan();
            long commits = counted.commits.get();

            assertTrue(node.sync().runOne(), "the sweep ran");

            assertEquals(1 + StubCalendly.EVENTS, stub.calls(), "one listing and one invitee list per event");
            assertEquals(2, counted.commits.get() - commits, "the claim and the result (it was 6: progress after the"
                    + " listing and after each event)");
        }
    }
}
