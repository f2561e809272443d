package io.calbridge.calendly.internal.crypto;

import io.calbridge.testing.TestClock;
import static io.calbridge.calendly.internal.crypto.Fixtures.insertIntegration;
import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static io.calbridge.calendly.internal.crypto.Fixtures.newTenant;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_TENANT_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException.Reason;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CryptoShreddingTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final TestClock clock = TestClock.fixed(Instant.parse("2025-06-01T08:30:00Z"));
    static MasterKey masterKey;
    static TenantKeyring keyring;
    static Db db;

    @BeforeAll
    static void setUp() {
        db = new Db(database.dataSource());
        masterKey = newMasterKey();
        keyring = TenantKeyring.create(db, masterKey, List.of(), clock, null);
    }

    @Test
    void forgottenTenant_secretsNeverOpenAgain_evenWithTheMasterKey() {
        String tenant = newTenant();
        UUID row = insertIntegration(db, tenant);
        byte[] sealed = keyring.seal(tenant, Purpose.REFRESH_TOKEN, row, Secret.of("refresh-of-gone-tenant"));
        db.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC, sealed)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();

        Instant forgottenAt = clock.instant();
        keyring.forgetTenant(tenant);

        var onThisNode = assertThrows(SecretUnavailableException.class,
                () -> keyring.open(tenant, Purpose.REFRESH_TOKEN, row, sealed));
        assertEquals(Reason.TENANT_SHREDDED, onThisNode.reason());
        assertEquals("The secrets of tenant " + tenant + " were destroyed on " + forgottenAt + " (its data key was shredded); "
                + "they can never be decrypted again", onThisNode.getMessage());

        // The ciphertext itself is erased too; a copy kept elsewhere (a backup, say) does not open on a
        // node started afterwards with the very same master key: nothing left to unwrap.
        assertNull(db.dsl().select(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC).from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(row)).fetchOne(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC));
        TenantKeyring restarted = TenantKeyring.create(db, masterKey, List.of(), clock, null);
        var afterRestart = assertThrows(SecretUnavailableException.class,
                () -> restarted.open(tenant, Purpose.REFRESH_TOKEN, row, sealed));
        assertEquals(Reason.TENANT_SHREDDED, afterRestart.reason());
        var keyRow = db.dsl().selectFrom(CALENDLY_TENANT_KEY).where(CALENDLY_TENANT_KEY.TENANT_ID.eq(tenant)).fetchOne();
        assertNull(keyRow.getWrappedKeyset(), "no copy of the data key remains, wrapped or not");
        assertEquals("SHREDDED", keyRow.getState());
    }

    @Test
    void forgettingOneTenant_leavesTheOthersReadable() {
        String gone = newTenant();
        String staying = newTenant();
        UUID row = UUID.randomUUID();
        keyring.seal(gone, Purpose.ACCESS_TOKEN, row, Secret.of("x"));
        byte[] ofStaying = keyring.seal(staying, Purpose.ACCESS_TOKEN, row, Secret.of("still here"));

        keyring.forgetTenant(gone);

        assertEquals("still here", keyring.open(staying, Purpose.ACCESS_TOKEN, row, ofStaying).reveal());
    }

    @Test
    void forgottenTenant_cannotStoreNewSecrets() {
        String tenant = newTenant();
        keyring.seal(tenant, Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("x"));
        keyring.forgetTenant(tenant);

        var e = assertThrows(SecretUnavailableException.class,
                () -> keyring.seal(tenant, Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("new")));
        assertEquals(Reason.TENANT_SHREDDED, e.reason());
    }

    @Test
    void forgettingATenantThatNeverStoredASecret_stillBlocksItForGood() {
        String tenant = newTenant();

        keyring.forgetTenant(tenant);

        var e = assertThrows(SecretUnavailableException.class,
                () -> keyring.seal(tenant, Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("new")));
        assertEquals(Reason.TENANT_SHREDDED, e.reason());
    }

    @Test
    void forgettingTwice_keepsTheFirstDate() {
        String tenant = newTenant();
        UUID row = UUID.randomUUID();
        byte[] sealed = keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of("x"));
        Instant first = clock.instant();
        keyring.forgetTenant(tenant);

        clock.advance(Duration.ofDays(3));
        keyring.forgetTenant(tenant);

        var e = assertThrows(SecretUnavailableException.class, () -> keyring.open(tenant, Purpose.ACCESS_TOKEN, row, sealed));
        assertTrue(e.getMessage().contains("destroyed on " + first + " "), e.getMessage());
    }

    @Test
    void forgettingATenant_dropsItsCachedTokensAndOnlyItsOwn() {
        String gone = newTenant();
        String staying = newTenant();
        UUID goneIntegration = UUID.randomUUID();
        UUID stayingIntegration = UUID.randomUUID();
        keyring.accessTokens().put(gone, goneIntegration, Secret.of("a"), clock.instant().plus(Duration.ofHours(1)));
        keyring.accessTokens().put(staying, stayingIntegration, Secret.of("b"), clock.instant().plus(Duration.ofHours(1)));

        keyring.forgetTenant(gone);

        assertTrue(keyring.accessTokens().get(goneIntegration).isEmpty());
        assertTrue(keyring.accessTokens().get(stayingIntegration).isPresent());
    }
}
