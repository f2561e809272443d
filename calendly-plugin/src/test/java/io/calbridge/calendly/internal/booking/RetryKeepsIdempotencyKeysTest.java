package io.calbridge.calendly.internal.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.testing.TestDatabase;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a new booking chain got a random id, and the chain id is part of every idempotency key,
 * so the retry of a rolled-back first delivery sent new keys. A host outside the plugin's database
 * (whose effects the rollback cannot undo) then created a second task when its first reply was lost.
 * (Moved from tenant-host, where it ran against the CRM tables; the host here is in memory.)
 */
class RetryKeepsIdempotencyKeysTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void aFirstDeliveryRetriedAfterTheHostFailed_sendsTheSameKeysAgain() {
        UUID integration = BookingDb.integration(db.dataSource());
        List<String> createKeys = new CopyOnWriteArrayList<>();
        AtomicBoolean loseReply = new AtomicBoolean(true);
        var host = new TestHost() {
            @Override
            public String create(HostCall call, TaskDraft draft) {
                createKeys.add(call.idempotencyKey());
                String id = super.create(call, draft);
                if (loseReply.getAndSet(false)) {
                    throw new IllegalStateException("the reply was lost after the task was created");
                }
                return id;
            }
        };

        assertThrows(IllegalStateException.class,
                () -> BookingDb.process(db.dataSource(), host.asServices(), integration, "invitee.created.basic.json"));
        ProcessingResult retried = BookingDb.process(db.dataSource(), host.asServices(), integration, "invitee.created.basic.json");

        assertEquals(ProcessingResult.PROCESSED, retried);
        assertEquals(2, createKeys.size(), createKeys.toString());
        assertEquals(createKeys.get(0), createKeys.get(1));
    }
}
