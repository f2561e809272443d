package io.calbridge.calendly.internal.crypto;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_OAUTH_STATE;

import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Rows and keys the crypto tests share. */
final class Fixtures {
    private Fixtures() {
    }

    static MasterKey newMasterKey() {
        return MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
    }

    static String newTenant() {
        return "tenant-" + UUID.randomUUID();
    }

    static TenantKeyring keyring(DataSource dataSource, MasterKey key, MasterKey... previous) {
        return TenantKeyring.create(new Db(dataSource), key, List.of(previous), java.time.Clock.systemUTC(), null);
    }

    /** A bare calendly_integration row of the tenant; returns its id. */
    static UUID insertIntegration(Db db, String tenantId) {
        UUID id = UUID.randomUUID();
        db.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, tenantId)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "TENANT_APP")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .execute();
        return id;
    }

    /** A calendly_oauth_state row whose PKCE verifier is sealed for the state row; returns its id. */
    static UUID insertOauthState(Db db, TenantKeyring keyring, String tenantId, UUID integrationId, String verifier) {
        UUID id = UUID.randomUUID();
        db.dsl().insertInto(CALENDLY_OAUTH_STATE)
                .set(CALENDLY_OAUTH_STATE.ID, id)
                .set(CALENDLY_OAUTH_STATE.STATE_HASH, UUID.randomUUID().toString().getBytes())
                .set(CALENDLY_OAUTH_STATE.TENANT_ID, tenantId)
                .set(CALENDLY_OAUTH_STATE.USER_ID, "user-1")
                .set(CALENDLY_OAUTH_STATE.INTEGRATION_ID, integrationId)
                .set(CALENDLY_OAUTH_STATE.PKCE_VERIFIER_ENC,
                        keyring.seal(tenantId, Purpose.PKCE_VERIFIER, id, io.calbridge.calendly.internal.common.Secret.of(verifier)))
                .set(CALENDLY_OAUTH_STATE.EXPIRES_AT, OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(10))
                .execute();
        return id;
    }
}
