package io.calbridge.calendly.internal.crypto;

import static io.calbridge.calendly.internal.crypto.Fixtures.insertIntegration;
import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static io.calbridge.calendly.internal.crypto.Fixtures.newTenant;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_TENANT_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException.Reason;
import io.calbridge.testing.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TenantKeyringTest {
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
    void sealedSecret_opensForTheSameTenantPurposeAndRow() {
        String tenant = newTenant();
        UUID row = insertIntegration(db, tenant);

        byte[] sealed = keyring.seal(tenant, Purpose.REFRESH_TOKEN, row, Secret.of("refresh-123"));

        assertEquals("refresh-123", keyring.open(tenant, Purpose.REFRESH_TOKEN, row, sealed).reveal());
        assertEquals(1, sealed[0], "format version");
        assertEquals(5 + 5 + 12 + "refresh-123".length() + 16, sealed.length);
    }

    @Test
    void aDataKey_staysCachedWhileUsed_andExpiresOnlyAfterItsIdleTime() {
        var clock = io.calbridge.testing.TestClock.atNow();
        var cached = TenantKeyring.create(db, masterKey, java.util.List.of(), clock, null,
                new TenantKeyring.Options(100, java.time.Duration.ofMinutes(5), 10, 10));
        String tenant = newTenant();
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        cached.sealPersonal(tenant, "f", "r", body);
        for (int i = 0; i < 3; i++) {
            clock.advance(java.time.Duration.ofMinutes(4)); // 12 minutes after loading, never 5 idle
            cached.sealPersonal(tenant, "f", "r", body);
        }
        assertEquals(1, cached.dataKeyCacheStats().missCount(), "loaded once while in use");

        clock.advance(java.time.Duration.ofMinutes(6));
        cached.sealPersonal(tenant, "f", "r", body);
        assertEquals(2, cached.dataKeyCacheStats().missCount(), "reloaded after 6 idle minutes");
    }

    @Test
    void sealingTwice_givesDifferentCiphertexts() {
        String tenant = newTenant();
        UUID row = UUID.randomUUID();

        byte[] a = keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of("same"));
        byte[] b = keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of("same"));

        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void ciphertextFromAnotherTenant_failsToOpen() {
        String tenantA = newTenant();
        String tenantB = newTenant();
        UUID rowA = insertIntegration(db, tenantA);
        UUID rowB = insertIntegration(db, tenantB);
        keyring.seal(tenantB, Purpose.CLIENT_SECRET, rowB, Secret.of("b's own secret")); // B has a key too
        storeClientSecret(rowA, keyring.seal(tenantA, Purpose.CLIENT_SECRET, rowA, Secret.of("secret of A")));

        // An attacker with write access copies A's ciphertext into B's row.
        storeClientSecret(rowB, clientSecret(rowA));

        var e = assertThrows(SecretUnavailableException.class,
                () -> keyring.open(tenantB, Purpose.CLIENT_SECRET, rowB, clientSecret(rowB)));
        assertEquals(Reason.TAMPERED, e.reason());
        assertTrue(e.getMessage().contains(tenantB), e.getMessage());
        assertFalse(e.getMessage().contains("secret of A"));
    }

    @Test
    void ciphertextFromAnotherTenantWithTheSameRowId_failsToOpen() {
        String tenantA = newTenant();
        String tenantB = newTenant();
        UUID row = UUID.randomUUID();
        keyring.seal(tenantB, Purpose.ACCESS_TOKEN, row, Secret.of("b"));

        byte[] ofA = keyring.seal(tenantA, Purpose.ACCESS_TOKEN, row, Secret.of("a"));

        var e = assertThrows(SecretUnavailableException.class, () -> keyring.open(tenantB, Purpose.ACCESS_TOKEN, row, ofA));
        assertEquals(Reason.TAMPERED, e.reason());
    }

    @Test
    void ciphertextForATenantWithoutAnyKey_failsToOpen() {
        String tenantA = newTenant();
        UUID row = UUID.randomUUID();
        byte[] ofA = keyring.seal(tenantA, Purpose.ACCESS_TOKEN, row, Secret.of("a"));

        var e = assertThrows(SecretUnavailableException.class, () -> keyring.open(newTenant(), Purpose.ACCESS_TOKEN, row, ofA));
        assertEquals(Reason.TAMPERED, e.reason());
    }

    @Test
    void ciphertextFromAnotherRowOfTheSameTenant_failsToOpen() {
        String tenant = newTenant();
        UUID row1 = insertIntegration(db, tenant);
        UUID row2 = insertIntegration(db, tenant);
        storeClientSecret(row1, keyring.seal(tenant, Purpose.CLIENT_SECRET, row1, Secret.of("first app's secret")));
        storeClientSecret(row2, keyring.seal(tenant, Purpose.CLIENT_SECRET, row2, Secret.of("second app's secret")));

        storeClientSecret(row2, clientSecret(row1));

        var e = assertThrows(SecretUnavailableException.class,
                () -> keyring.open(tenant, Purpose.CLIENT_SECRET, row2, clientSecret(row2)));
        assertEquals(Reason.TAMPERED, e.reason());
    }

    @Test
    void ciphertextFromAnotherColumn_failsToOpen() {
        String tenant = newTenant();
        UUID row = insertIntegration(db, tenant);
        db.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC, keyring.seal(tenant, Purpose.REFRESH_TOKEN, row, Secret.of("refresh")))
                .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();

        // The refresh token copied into the access-token column (long-lived token passed off as a short one).
        db.dsl().update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();
        byte[] accessColumn = db.dsl().select(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).fetchOne(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC);

        var e = assertThrows(SecretUnavailableException.class, () -> keyring.open(tenant, Purpose.ACCESS_TOKEN, row, accessColumn));
        assertEquals(Reason.TAMPERED, e.reason());
        assertEquals("refresh", keyring.open(tenant, Purpose.REFRESH_TOKEN, row, accessColumn).reveal(), "same bytes, right column");
    }

    @Test
    void flippedCiphertextByte_failsToOpen() {
        String tenant = newTenant();
        UUID row = UUID.randomUUID();
        byte[] sealed = keyring.seal(tenant, Purpose.SIGNING_KEY, row, Secret.of("signing key"));

        sealed[sealed.length - 20] ^= 1;

        var e = assertThrows(SecretUnavailableException.class, () -> keyring.open(tenant, Purpose.SIGNING_KEY, row, sealed));
        assertEquals(Reason.TAMPERED, e.reason());
    }

    @Test
    void alteredGenerationInTheHeader_failsToOpen() {
        String tenant = newTenant();
        UUID row = UUID.randomUUID();
        byte[] sealed = keyring.seal(tenant, Purpose.SIGNING_KEY, row, Secret.of("signing key"));

        sealed[4] = 0; // generation 1 -> 0: still "older than the cached key", so only the AAD can catch it

        var e = assertThrows(SecretUnavailableException.class, () -> keyring.open(tenant, Purpose.SIGNING_KEY, row, sealed));
        assertEquals(Reason.TAMPERED, e.reason());
    }

    @Test
    void truncatedOrForeignBytes_failToOpen() {
        String tenant = newTenant();
        UUID row = UUID.randomUUID();
        byte[] sealed = keyring.seal(tenant, Purpose.SIGNING_KEY, row, Secret.of("signing key"));

        for (byte[] junk : new byte[][] {new byte[0], java.util.Arrays.copyOf(sealed, 20),
                "plaintext that was never sealed at all".getBytes(), java.util.Arrays.copyOf(sealed, sealed.length - 1)}) {
            var e = assertThrows(SecretUnavailableException.class, () -> keyring.open(tenant, Purpose.SIGNING_KEY, row, junk));
            assertEquals(Reason.TAMPERED, e.reason());
        }
    }

    @Test
    void wrappedDataKeyMovedToAnotherTenant_failsToOpen() {
        String tenantA = newTenant();
        String tenantB = newTenant();
        UUID row = UUID.randomUUID();
        byte[] ofB = keyring.seal(tenantB, Purpose.ACCESS_TOKEN, row, Secret.of("b"));
        keyring.seal(tenantA, Purpose.ACCESS_TOKEN, row, Secret.of("a"));

        byte[] wrappedOfA = db.dsl().select(CALENDLY_TENANT_KEY.WRAPPED_KEYSET).from(CALENDLY_TENANT_KEY)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantA)).fetchOne(CALENDLY_TENANT_KEY.WRAPPED_KEYSET);
        db.dsl().update(CALENDLY_TENANT_KEY).set(CALENDLY_TENANT_KEY.WRAPPED_KEYSET, wrappedOfA)
                .where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenantB)).execute();
        TenantKeyring freshNode = Fixtures.keyring(database.dataSource(), masterKey);

        var e = assertThrows(SecretUnavailableException.class, () -> freshNode.open(tenantB, Purpose.ACCESS_TOKEN, row, ofB));
        assertEquals(Reason.TAMPERED, e.reason());
        assertTrue(e.getMessage().contains("data key of tenant " + tenantB), e.getMessage());
    }

    @Test
    void anotherNode_opensWhatThisNodeSealed() {
        String tenant = newTenant();
        UUID row = UUID.randomUUID();
        byte[] sealed = keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of("token"));

        try (var pool = database.newPool(2)) {
            TenantKeyring otherNode = Fixtures.keyring(pool, masterKey);

            assertEquals("token", otherNode.open(tenant, Purpose.ACCESS_TOKEN, row, sealed).reveal());
        }
    }

    @Test
    void secretsNeverPrint() {
        String tenant = newTenant();
        UUID row = UUID.randomUUID();
        Secret opened = keyring.open(tenant, Purpose.ACCESS_TOKEN, row,
                keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of("visible-token")));

        assertEquals("***", opened.toString());
        assertNotEquals(-1, masterKey.toString().indexOf("tink:"));
        assertFalse(masterKey.toString().contains("value"), masterKey.toString());
    }

    private static void storeClientSecret(UUID row, byte[] sealed) {
        db.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC, sealed)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();
    }

    private static byte[] clientSecret(UUID row) {
        return db.dsl().select(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).fetchOne(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC);
    }
}
