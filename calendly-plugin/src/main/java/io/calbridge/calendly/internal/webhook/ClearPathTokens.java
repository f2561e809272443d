package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.SecretBox;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import java.util.UUID;
import org.jooq.Record3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the webhook path tokens an earlier version stored in clear ({@code webhook_path_token}: rows
 * from before V10, or written by a node of that version during a rolling upgrade) and empties that
 * column. SQL cannot seal, so this runs when the plugin starts. The database computed those rows'
 * hashes (V10), so they route before, during and after.
 */
final class ClearPathTokens {
    private static final Logger log = LoggerFactory.getLogger(ClearPathTokens.class);
    private static final io.calbridge.db.calendly.tables.CalendlyIntegration I = CALENDLY_INTEGRATION;

    private final Db db;
    private final SecretBox secrets;

    ClearPathTokens(Db db, SecretBox secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    /** Returns how many rows this node converted; a row it cannot convert now stays as it is, for the next start. */
    int sealAll() {
        int sealed = 0;
        for (Record3<UUID, String, String> row : db.dsl().select(I.ID, I.TENANT_ID, I.WEBHOOK_PATH_TOKEN).from(I)
                .where(I.WEBHOOK_PATH_TOKEN.isNotNull()).fetch()) {
            try {
                sealed += seal(row.value1(), row.value2(), row.value3());
            } catch (SecretUnavailableException e) {
                log.warn("The webhook path token of Calendly integration {} stays in clear until the plugin starts again:"
                        + " the data key of its tenant cannot be used ({})", row.value1(), e.reason());
            }
        }
        if (sealed > 0) {
            log.info("Sealed the webhook path tokens of {} Calendly integration(s) an earlier version stored in clear", sealed);
        }
        return sealed;
    }

    private int seal(UUID id, String tenantId, String token) {
        byte[] enc;
        try {
            enc = secrets.seal(tenantId, Purpose.WEBHOOK_PATH_TOKEN, id, Secret.of(token));
        } catch (SecretUnavailableException e) {
            if (e.reason() != SecretUnavailableException.Reason.TENANT_SHREDDED) {
                throw e;
            }
            enc = null; // a forgotten tenant: nothing can be sealed for it, and its URL leads nowhere any more
        }
        byte[] sealed = enc;
        // Only if the row still holds that token: another node starting at the same time may have done it.
        return db.tx(dsl -> dsl.update(I)
                .set(I.WEBHOOK_PATH_TOKEN, (String) null)
                .set(I.WEBHOOK_PATH_TOKEN_ENC, sealed)
                .where(I.ID.eq(id).and(I.WEBHOOK_PATH_TOKEN.eq(token)))
                .execute());
    }
}
