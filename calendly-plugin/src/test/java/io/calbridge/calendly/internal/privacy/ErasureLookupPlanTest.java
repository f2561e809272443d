package io.calbridge.calendly.internal.privacy;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.db.calendly.tables.records.CalendlyBookingRecord;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep8;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Erasure finds a person's bookings among a big tenant's with two index lookups: sealed rows by
 * e-mail index, clear rows (written before sealing, or sealing off) by the clear e-mail index. The
 * clear arm used {@code lower(email)}, which no index holds, and read every clear row of the tenant.
 */
class ErasureLookupPlanTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final int ROWS = 20_000;

    @Test
    void bothArmsOfTheErasureLookupAreIndexConditions_noRowIsReadToBeFilteredOut() {
        Db db = new Db(database.dataSource());
        DSLContext dsl = db.dsl();
        UUID[] integrations = {RetentionTest.integration(db), RetentionTest.integration(db)};
        var b = CALENDLY_BOOKING;
        // Half sealed (e-mail index), half clear; over two integrations of the tenant.
        for (int from = 0; from < ROWS; from += 2_000) {
            InsertValuesStep8<CalendlyBookingRecord, UUID, String, UUID, UUID, String, String, String, byte[]> insert = dsl.insertInto(b,
                    b.ID, b.TENANT_ID, b.INTEGRATION_ID, b.CHAIN_ID, b.INVITEE_URI, b.STATUS, b.EMAIL, b.EMAIL_INDEX);
            for (int i = from; i < from + 2_000; i++) {
                insert = insert.values(UUID.randomUUID(), "acme", integrations[i % 2], UUID.randomUUID(),
                        "https://api.calendly.com/scheduled_events/e/invitees/" + i, "ACTIVE",
                        i % 2 == 0 ? "Person" + i + "@Example.com" : null,
                        i % 2 == 0 ? null : ("index " + i).getBytes(StandardCharsets.UTF_8));
            }
            insert.execute();
        }
        dsl.query("analyze calendly_booking").execute();
        var lookup = new PrivacyStore().bookingsOfQuery(dsl, "acme", "index 7".getBytes(StandardCharsets.UTF_8),
                "person10@example.com");

        String plan = dsl.explain(lookup).plan();

        assertFalse(plan.contains("Seq Scan"), plan);
        assertTrue(plan.contains("calendly_booking_email_idx") && plan.contains("calendly_booking_email_clear_idx"), plan);
        assertFalse(plan.contains("Filter:"), "every condition is an index condition: " + plan);
        assertEquals(2, lookup.fetch().size(), "the sealed row and the clear row");
    }
}
