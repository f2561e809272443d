package io.calbridge.calendly.internal.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stored ledger entries read back: the typed ones round-trip, an unreadable one reads as empty. */
class ChainLedgerReadTest {
    @Test
    void entriesWrittenByTheLedger_readBackTheSame() {
        ChainLedger l = ChainLedger.EMPTY
                .withContact(new ChainLedger.Contact("c-1", "owner-1", "inv-1", "a@example.com", 42, 2, true))
                .withStatus(new ChainLedger.Status("booked", "canceled", 1))
                .withSet("tags", List.of("t1", "t2"))
                .withTask(new ChainLedger.Task("task-1", "OPEN", "2026-05-04T15:00:00Z", "owner-1", "Call", "desc", "inv-1", 3));

        assertEquals(l, ChainLedger.read(l.rows()));
    }

    @Test
    void anEntryThatIsNoJsonObject_readsAsEmpty() {
        ChainLedger l = ChainLedger.read(Map.of("contact", "not json", "status", "[1]", "task", " {\"id\":\"task-1\",\"seq\":2}",
                "tags", "null"));

        assertEquals(new ChainLedger.Contact(null, null, null, null, 0, 0, false), l.contact());
        assertEquals(new ChainLedger.Status(null, null, 0), l.status());
        assertEquals(new ChainLedger.Task("task-1", null, null, null, null, null, null, 2), l.task());
        assertEquals(List.of(), l.sets().get("tags").ids());
    }
}
