package io.calbridge.calendly.internal.booking;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connection a booking hands to the host is the plugin's transaction, and the host cannot end
 * it: a host that commits halfway fails the delivery (retried later) instead of committing half of
 * its effects, and a connection kept past the call is dead.
 */
class HostCannotEndTheTransactionTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void aHostThatCommitsThePluginsTransaction_failsTheDeliveryAndNothingIsCommitted() {
        var integration = integration();
        var committer = new TestHost() {
            @Override
            public ContactRef findOrCreate(HostCall call, ContactDraft draft) {
                try {
                    call.transaction().orElseThrow().commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                return super.findOrCreate(call, draft);
            }
        };

        var thrown = assertThrows(IllegalStateException.class,
                () -> process(committer.asServices(), integration, "invitee.created.basic.json"));

        assertTrue(thrown.getMessage().contains("owns this transaction"), thrown.getMessage());
        assertEquals(0, db(CALENDLY_BOOKING.INTEGRATION_ID.eq(integration)));
        assertEquals(0, new Db(db.dataSource()).dsl().fetchCount(CALENDLY_EFFECT_LEDGER));
    }

    @Test
    void aConnectionTheHostKeeps_isClosedOnceTheDeliveryIsDone() {
        var integration = integration();
        AtomicReference<Connection> kept = new AtomicReference<>();
        var keeper = new TestHost() {
            @Override
            public ContactRef findOrCreate(HostCall call, ContactDraft draft) {
                kept.compareAndSet(null, call.transaction().orElseThrow());
                return super.findOrCreate(call, draft);
            }
        };

        process(keeper.asServices(), integration, "invitee.created.basic.json");

        assertEquals(1, db(CALENDLY_BOOKING.INTEGRATION_ID.eq(integration)), "the delivery itself was applied");
        var late = assertThrows(SQLException.class, () -> kept.get().prepareStatement("select 1"));
        assertTrue(late.getMessage().contains("has ended"), late.getMessage());
        assertInstanceOf(Connection.class, kept.get());
    }

    private static void process(HostServices host, UUID integration, String fixture) {
        BookingDb.process(db.dataSource(), host, integration, fixture);
    }

    private static UUID integration() {
        return BookingDb.integration(db.dataSource());
    }

    private static int db(org.jooq.Condition condition) {
        return new Db(db.dataSource()).dsl().fetchCount(CALENDLY_BOOKING, condition);
    }
}
