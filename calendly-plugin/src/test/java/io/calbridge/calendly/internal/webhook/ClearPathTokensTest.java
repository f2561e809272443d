package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.db.calendly.tables.records.CalendlyIntegrationRecord;
import io.calbridge.testing.TestDatabase;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The startup conversion of path tokens an earlier version stored in clear. */
class ClearPathTokensTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    private final Db db = new Db(database.dataSource());
    private final TenantKeyring keyring = WebhookHarness.keyring(db, Clock.systemUTC());
    private final ClearPathTokens conversion = new ClearPathTokens(db, keyring);

    @Test
    void aClearToken_isSealedForItsRow_andTheClearColumnEmptied_once() {
        String tenant = "t-" + UUID.randomUUID();
        String token = WebhookPathTokens.newToken();
        UUID id = legacyRow(tenant, token);

        assertEquals(1, conversion.sealAll());

        CalendlyIntegrationRecord row = row(id);
        assertNull(row.getWebhookPathToken());
        assertEquals(token, keyring.open(tenant, Purpose.WEBHOOK_PATH_TOKEN, id, row.getWebhookPathTokenEnc()).reveal());
        assertArrayEquals(WebhookPathTokens.sha256(token), row.getWebhookPathTokenSha256(), "still routed by the same hash");
        assertEquals(0, conversion.sealAll(), "nothing left to do on the next start");
    }

    @Test
    void aClearTokenOfAForgottenTenant_isEmptied_withNothingSealed_andNothingThrown() {
        String tenant = "t-" + UUID.randomUUID();
        String token = WebhookPathTokens.newToken();
        UUID id = legacyRow(tenant, token);
        keyring.seal(tenant, Purpose.SIGNING_KEY, id, Secret.of("its other secrets")); // the tenant has a data key
        keyring.forgetTenant(tenant);

        conversion.sealAll();

        CalendlyIntegrationRecord row = row(id);
        assertNull(row.getWebhookPathToken());
        assertNull(row.getWebhookPathTokenEnc());
    }

    /** A row as the previous version wrote it: the token in clear only (the database adds its hash). */
    private UUID legacyRow(String tenant, String token) {
        UUID id = UUID.randomUUID();
        db.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, tenant)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PLATFORM_APP")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN, token)
                .execute();
        return id;
    }

    private CalendlyIntegrationRecord row(UUID id) {
        return db.dsl().selectFrom(CALENDLY_INTEGRATION).where(CALENDLY_INTEGRATION.ID.eq(id)).fetchSingle();
    }
}
