package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.SecretBox;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/** Integrations as the connect flow leaves them, written straight into calendly_integration. */
final class TestIntegrations {
    record TestIntegration(UUID id, String tenantId, String token, Secret key) {
    }

    private final Db db;
    private final SecretBox box;

    TestIntegrations(Db db, SecretBox box) {
        this.db = db;
        this.box = box;
    }

    TestIntegration create(String tenantId, String mode, Secret key, String userUri, String orgUri) {
        UUID id = UUID.randomUUID();
        String token = WebhookPathTokens.newToken();
        db.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, tenantId)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, mode)
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(token, null))
                .set(CALENDLY_INTEGRATION.CALENDLY_USER_URI, userUri)
                .set(CALENDLY_INTEGRATION.CALENDLY_ORGANIZATION_URI, orgUri)
                .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, key == null ? null : box.seal(tenantId, Purpose.SIGNING_KEY, id, key))
                .execute();
        return new TestIntegration(id, tenantId, token, key);
    }

    TestIntegration create(String tenantId, Secret key) {
        return create(tenantId, "TENANT_APP", key, "https://api.calendly.com/users/" + UUID.randomUUID(), null);
    }

    /** A new current key; the old one keeps verifying until {@code previousUntil}. */
    TestIntegration rotate(TestIntegration integration, Secret newKey, Instant previousUntil) {
        db.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, box.seal(integration.tenantId(), Purpose.SIGNING_KEY, integration.id(), newKey))
                .set(CALENDLY_INTEGRATION.PREVIOUS_SIGNING_KEY_ENC,
                        box.seal(integration.tenantId(), Purpose.PREVIOUS_SIGNING_KEY, integration.id(), integration.key()))
                .set(CALENDLY_INTEGRATION.PREVIOUS_SIGNING_KEY_UNTIL, previousUntil.atOffset(ZoneOffset.UTC))
                .where(CALENDLY_INTEGRATION.ID.eq(integration.id()))
                .execute();
        return new TestIntegration(integration.id(), integration.tenantId(), integration.token(), newKey);
    }

    void setStatus(TestIntegration integration, String status) {
        db.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.STATUS, status)
                .where(CALENDLY_INTEGRATION.ID.eq(integration.id()))
                .execute();
    }
}
