package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;

import io.calbridge.calendly.internal.common.Db;

/**
 * Applies a delivery the way booking processing must: its effect is recorded in the effect ledger,
 * idempotently, so processing it twice leaves one effect. {@code pauseMillis} after recording keeps the
 * delivery "in flight" (effect applied, row not yet DONE), the window a crash must survive.
 */
final class LedgerProcessor implements DeliveryProcessor {
    private final Db db;
    private final long pauseMillis;

    LedgerProcessor(Db db, long pauseMillis) {
        this.db = db;
        this.pauseMillis = pauseMillis;
    }

    static String effectKey(long inboxId) {
        return "crash-test-effect:" + inboxId;
    }

    @Override
    public ProcessingResult process(StoredDelivery delivery) throws Exception {
        db.dsl().insertInto(CALENDLY_EFFECT_LEDGER)
                .set(CALENDLY_EFFECT_LEDGER.TENANT_ID, delivery.tenantId())
                .set(CALENDLY_EFFECT_LEDGER.EFFECT_KEY, effectKey(delivery.inboxId()))
                .set(CALENDLY_EFFECT_LEDGER.RESULT, "applied")
                .onConflictDoNothing()
                .execute();
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis); // the in-flight window itself is what the crash test needs: no condition to wait for
        }
        return ProcessingResult.PROCESSED;
    }
}
