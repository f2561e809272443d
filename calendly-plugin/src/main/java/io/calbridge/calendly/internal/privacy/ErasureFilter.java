package io.calbridge.calendly.internal.privacy;

import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.webhook.DeliveryProcessor;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * In front of the booking processor: a delivery that names a person the tenant erased is handled as
 * the tenant chose. With {@code IGNORE} it is not processed (no booking row, no contact) and its body
 * is purged at once; with {@code NEW_CONTACT} it goes on like anyone's. Costs nothing for a tenant that
 * never erased anyone (no parse, a cached lookup).
 */
record ErasureFilter(DeliveryProcessor next, Erasure erasure, Db db, Clock clock) implements DeliveryProcessor {
    @Override
    public ProcessingResult process(StoredDelivery delivery) throws Exception {
        if (!ignores(erasure, delivery)) {
            return next.process(delivery);
        }
        purge(delivery);
        return ProcessingResult.IGNORED;
    }

    @Override
    public boolean batches() {
        return next.batches();
    }

    /** The admitted deliveries go on together; each ignored one is purged on its own (rare). */
    @Override
    public List<ProcessingResult> processAll(List<StoredDelivery> deliveries) throws Exception {
        List<StoredDelivery> admitted = new ArrayList<>(deliveries.size());
        for (StoredDelivery d : deliveries) {
            if (!ignores(erasure, d)) {
                admitted.add(d);
            }
        }
        List<ProcessingResult> applied = admitted.isEmpty() ? List.of() : next.processAll(admitted);
        return DeliveryProcessor.rejoin(deliveries, admitted, applied, d -> {
            purge(d);
            return ProcessingResult.IGNORED;
        });
    }

    private void purge(StoredDelivery delivery) {
        db.txRun(dsl -> dsl.update(CALENDLY_WEBHOOK_INBOX)
                .setNull(CALENDLY_WEBHOOK_INBOX.RAW_BODY)
                .set(CALENDLY_WEBHOOK_INBOX.BODY_PURGED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                .where(CALENDLY_WEBHOOK_INBOX.ID.eq(delivery.inboxId()))
                .execute());
    }

    /** Whether the body names a person the tenant erased and chose to ignore from then on. */
    static boolean ignores(Erasure erasure, StoredDelivery delivery) {
        ErasedPeople.Known known = erasure.erased().known(delivery.tenantId());
        if (known.erased().isEmpty() || known.privacy().afterErasure() == TenantPrivacy.AfterErasure.NEW_CONTACT) {
            return false;
        }
        return erasure.erased().isErased(delivery.tenantId(), known, emailOf(delivery.rawBody()));
    }

    /** The invitee's e-mail, or the first e-mail answer of a routing-form submission; null if none. */
    static String emailOf(byte[] body) {
        JsonNode payload;
        try {
            payload = Json.mapper().readTree(body).path("payload");
        } catch (IOException e) {
            return null;
        }
        JsonNode email = payload.path("email");
        if (email.isTextual()) {
            return email.asText();
        }
        for (JsonNode qa : payload.path("questions_and_answers")) {
            String answer = qa.path("answer").asText("");
            if (answer.strip().matches("[^@\\s]+@[^@\\s]+")) {
                return answer.strip();
            }
        }
        return null;
    }
}
