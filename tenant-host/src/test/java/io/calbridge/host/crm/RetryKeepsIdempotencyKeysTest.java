package io.calbridge.host.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a new booking chain got a random id, and the chain id is part of every idempotency key,
 * so the retry of a rolled-back first delivery sent new keys. A host outside the plugin's database
 * (whose effects the rollback cannot undo) then created a second task when its first reply was lost.
 */
class RetryKeepsIdempotencyKeysTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    @Test
    void aFirstDeliveryRetriedAfterTheHostFailed_sendsTheSameKeysAgain() {
        HostServices crm = Crm.hostServices(db.dataSource());
        List<String> createKeys = new CopyOnWriteArrayList<>();
        AtomicBoolean loseReply = new AtomicBoolean(true);
        Tasks tasks = new Tasks() {
            @Override
            public String create(HostCall call, TaskDraft draft) {
                createKeys.add(call.idempotencyKey());
                String id = crm.tasks().create(call, draft);
                if (loseReply.getAndSet(false)) {
                    throw new IllegalStateException("the reply was lost after the task was created");
                }
                return id;
            }

            @Override
            public void reschedule(HostCall call, String taskId, TaskDraft draft) {
                crm.tasks().reschedule(call, taskId, draft);
            }

            @Override
            public void cancel(HostCall call, String taskId) {
                crm.tasks().cancel(call, taskId);
            }

            @Override
            public void complete(HostCall call, String taskId) {
                crm.tasks().complete(call, taskId);
            }

            @Override
            public void reopen(HostCall call, String taskId) {
                crm.tasks().reopen(call, taskId);
            }
        };
        Harness h = new Harness(db.dataSource(), new HostServices(crm.contacts(), crm.mailingLists(), tasks,
                crm.teamMembers(), crm.notifications(), crm.tenants()));
        TestTenant t = h.tenant("UTC");

        assertThrows(IllegalStateException.class, () -> h.fixture(t, "invitee.created.basic.json"));
        ProcessingResult retried = h.fixture(t, "invitee.created.basic.json");

        assertEquals(ProcessingResult.PROCESSED, retried);
        assertEquals(2, createKeys.size(), createKeys.toString());
        assertEquals(createKeys.get(0), createKeys.get(1));
    }
}
