package io.calbridge.calendly.internal.crypto;

import static io.calbridge.calendly.internal.crypto.Fixtures.insertIntegration;
import static io.calbridge.calendly.internal.crypto.Fixtures.insertOauthState;
import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static io.calbridge.calendly.internal.crypto.Fixtures.newTenant;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_OAUTH_STATE;
import static io.calbridge.db.calendly.Tables.CALENDLY_TENANT_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException.Reason;
import io.calbridge.db.calendly.tables.records.CalendlyIntegrationRecord;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jooq.TableField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TenantKeyRotationTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    static MasterKey masterKey;
    static TenantKeyring keyring;
    static Db db;

    @BeforeAll
    static void setUp() {
        db = new Db(database.dataSource());
        masterKey = newMasterKey();
        keyring = Fixtures.keyring(database.dataSource(), masterKey);
    }

    @Test
    void rotatedTenantKey_reencryptsEverySecretOfTheTenant_andEverythingStillOpens() {
        String tenant = newTenant();
        UUID row = insertIntegration(db, tenant);
        Map<TableField<CalendlyIntegrationRecord, byte[]>, Purpose> columns = new LinkedHashMap<>();
        columns.put(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC, Purpose.CLIENT_SECRET);
        columns.put(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, Purpose.ACCESS_TOKEN);
        columns.put(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC, Purpose.REFRESH_TOKEN);
        columns.put(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, Purpose.SIGNING_KEY);
        columns.put(CALENDLY_INTEGRATION.PREVIOUS_SIGNING_KEY_ENC, Purpose.PREVIOUS_SIGNING_KEY);
        columns.put(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_ENC, Purpose.WEBHOOK_PATH_TOKEN);
        Map<TableField<CalendlyIntegrationRecord, byte[]>, byte[]> before = new LinkedHashMap<>();
        columns.forEach((column, purpose) -> {
            byte[] sealed = keyring.seal(tenant, purpose, row, Secret.of(purpose + "-value"));
            before.put(column, sealed);
            db.dsl().update(CALENDLY_INTEGRATION).set(column, sealed).where(CALENDLY_INTEGRATION.ID.eq(row)).execute();
        });
        UUID state = insertOauthState(db, keyring, tenant, row, "pkce-verifier");
        String otherTenant = newTenant();
        UUID otherRow = insertIntegration(db, otherTenant);
        byte[] othersSecret = keyring.seal(otherTenant, Purpose.CLIENT_SECRET, otherRow, Secret.of("other"));
        db.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC, othersSecret)
                .where(CALENDLY_INTEGRATION.ID.eq(otherRow)).execute();
        keyring.accessTokens().put(tenant, row, Secret.of("cached"), Instant.now().plus(Duration.ofHours(1)));

        try (var pool = database.newPool(2)) {
            // Another node that cached the tenant's generation-1 key before the rotation.
            TenantKeyring staleNode = Fixtures.keyring(pool, masterKey);
            staleNode.open(tenant, Purpose.CLIENT_SECRET, row, before.get(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC));

            TenantKeyRotation result = keyring.rotation().rotateTenantKey(tenant);

            assertEquals(new TenantKeyRotation(tenant, 2, 7, 0), result);
            assertEquals(2, db.dsl().select(CALENDLY_TENANT_KEY.DEK_GENERATION).from(CALENDLY_TENANT_KEY)
                    .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenant)).fetchOne(CALENDLY_TENANT_KEY.DEK_GENERATION));
            CalendlyIntegrationRecord after = db.dsl().selectFrom(CALENDLY_INTEGRATION).where(CALENDLY_INTEGRATION.ID.eq(row)).fetchOne();
            columns.forEach((column, purpose) -> {
                byte[] now = after.get(column);
                assertEquals(2, CiphertextFormat.generation(now), column.getName());
                assertFalse(Arrays.equals(before.get(column), now), column.getName());
                assertEquals(purpose + "-value", keyring.open(tenant, purpose, row, now).reveal());
                assertEquals(purpose + "-value", staleNode.open(tenant, purpose, row, now).reveal(), "stale node reloads the newer key");
                assertEquals(purpose + "-value", keyring.open(tenant, purpose, row, before.get(column)).reveal(),
                        "a copy sealed before the rotation (a read in flight) still opens");
            });
            byte[] pkce = db.dsl().select(CALENDLY_OAUTH_STATE.PKCE_VERIFIER_ENC).from(CALENDLY_OAUTH_STATE)
                    .where(CALENDLY_OAUTH_STATE.ID.eq(state)).fetchOne(CALENDLY_OAUTH_STATE.PKCE_VERIFIER_ENC);
            assertEquals(2, CiphertextFormat.generation(pkce));
            assertEquals("pkce-verifier", keyring.open(tenant, Purpose.PKCE_VERIFIER, state, pkce).reveal());
        }
        assertArrayEquals(othersSecret, db.dsl().select(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(otherRow)).fetchOne(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC), "other tenants untouched");
        assertTrue(keyring.accessTokens().get(row).isEmpty(), "the tenant's cached tokens were dropped");
    }

    @Test
    void rotatingTwice_keepsEveryGenerationReadable() {
        String tenant = newTenant();
        UUID row = insertIntegration(db, tenant);
        byte[] generation1 = keyring.seal(tenant, Purpose.REFRESH_TOKEN, row, Secret.of("r"));

        keyring.rotation().rotateTenantKey(tenant);
        byte[] generation2 = keyring.seal(tenant, Purpose.REFRESH_TOKEN, row, Secret.of("r2"));
        TenantKeyRotation third = keyring.rotation().rotateTenantKey(tenant);

        assertEquals(3, third.generation());
        assertEquals(2, CiphertextFormat.generation(generation2));
        TenantKeyring restarted = Fixtures.keyring(database.dataSource(), masterKey);
        assertEquals("r", restarted.open(tenant, Purpose.REFRESH_TOKEN, row, generation1).reveal());
        assertEquals("r2", restarted.open(tenant, Purpose.REFRESH_TOKEN, row, generation2).reveal());
    }

    @Test
    void aSecretThatDoesNotOpen_isLeftAsItWasAndCounted() {
        String tenant = newTenant();
        UUID row = insertIntegration(db, tenant);
        UUID elsewhere = UUID.randomUUID();
        byte[] misplaced = keyring.seal(tenant, Purpose.REFRESH_TOKEN, elsewhere, Secret.of("misplaced"));
        db.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC, misplaced)
                .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of("ok")))
                .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();

        TenantKeyRotation result = keyring.rotation().rotateTenantKey(tenant);

        assertEquals(1, result.resealed());
        assertEquals(1, result.unreadable());
        assertArrayEquals(misplaced, db.dsl().select(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).fetchOne(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC));
    }

    @Test
    void personalAccessTokenInTheAccessTokenColumn_keepsItsPurpose() {
        String tenant = newTenant();
        UUID row = insertIntegration(db, tenant);
        db.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, keyring.seal(tenant, Purpose.PERSONAL_ACCESS_TOKEN, row, Secret.of("pat")))
                .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();

        assertEquals(1, keyring.rotation().rotateTenantKey(tenant).resealed());

        byte[] now = db.dsl().select(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).fetchOne(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC);
        assertEquals("pat", keyring.open(tenant, Purpose.PERSONAL_ACCESS_TOKEN, row, now).reveal());
    }

    @Test
    void rotatingAForgottenTenant_isRefused() {
        String tenant = newTenant();
        keyring.seal(tenant, Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("x"));
        keyring.forgetTenant(tenant);

        var e = assertThrows(SecretUnavailableException.class, () -> keyring.rotation().rotateTenantKey(tenant));
        assertEquals(Reason.TENANT_SHREDDED, e.reason());
    }

    @Test
    void rotatingATenantWithoutSecrets_doesNothing() {
        String tenant = newTenant();

        assertEquals(new TenantKeyRotation(tenant, 0, 0, 0), keyring.rotation().rotateTenantKey(tenant));
        assertEquals(0, db.dsl().fetchCount(CALENDLY_TENANT_KEY, CALENDLY_TENANT_KEY.TENANT_ID.eq(tenant)));
    }

}
