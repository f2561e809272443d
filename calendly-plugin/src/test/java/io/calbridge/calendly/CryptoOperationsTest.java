package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The master key as the host configures it, and the crypto operations the host gets. */
class CryptoOperationsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    @RegisterExtension
    static final TestDatabase otherDb = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void registeringWithoutAMasterKey_failsSayingWhatToSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.security = io.calbridge.calendly.TestSecurity.NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
        }));

        assertTrue(e.getMessage().startsWith("masterKey is required"), e.getMessage());
        assertTrue(e.getMessage().contains("CALBRIDGE_MASTER_KEY") && e.getMessage().contains("MasterKeys.fromEnvironment()"), e.getMessage());
    }

    @Test
    void startingWithTheWrongMasterKey_failsWithAMessageNamingTheMissingKey() {
        MasterKey used = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
        TenantKeyring.create(new Db(otherDb.dataSource()), used, List.of(), Clock.systemUTC(), null)
                .seal("t1", Purpose.CLIENT_SECRET, UUID.randomUUID(), Secret.of("s"));

        Throwable failure = assertThrows(Throwable.class, () -> {
            Javalin app = Javalin.create(config -> config.registerPlugin(new CalendlyPlugin(c -> {
                c.publicBaseUrl = "https://app.example.com";
                c.dataSource = otherDb.dataSource();
                c.security = io.calbridge.calendly.TestSecurity.NOBODY;
                c.host = io.calbridge.calendly.TestHost.services();
                c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
            })));
            app.start(0).stop();
        });

        String messages = "";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages += t.getMessage() + "\n";
        }
        assertTrue(messages.contains("wrapped by master key(s) [" + used.id() + "]") && messages.contains("CALBRIDGE_MASTER_KEY"), messages);
    }

    @Test
    void operations_rotateTheMasterKey_rotateAndForgetTenants_andShowCacheStats() {
        var kms = new FakeKmsClient();
        MasterKey first = MasterKeys.fromKms(kms, "fake-kms://first");
        Javalin app = Javalin.create(config -> config.registerPlugin(new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.security = io.calbridge.calendly.TestSecurity.NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
            c.masterKey = first;
        })));
        try {
            app.start(0);
            CalendlyOperations ops = app.unsafe.appDataManager.get(CalendlyPlugin.OPERATIONS);
            TenantKeyring keyring = TenantKeyring.create(new Db(db.dataSource()), first, List.of(), Clock.systemUTC(), null);
            UUID row = UUID.randomUUID();
            byte[] sealed = keyring.seal("tenant-a", Purpose.ACCESS_TOKEN, row, Secret.of("token"));
            keyring.seal("tenant-b", Purpose.ACCESS_TOKEN, row, Secret.of("token"));
            int kmsCallsBefore = kms.calls.get();
            for (int i = 0; i < 50; i++) {
                keyring.open("tenant-a", Purpose.ACCESS_TOKEN, row, keyring.seal("tenant-a", Purpose.ACCESS_TOKEN, row, Secret.of("t" + i)));
            }
            assertEquals(kmsCallsBefore, kms.calls.get(), "the KMS is not asked per secret");

            RotationProgress rotated = ops.rotateMasterKey(MasterKeys.fromKms(kms, "fake-kms://second"));
            ops.rotateTenantKey("tenant-a");
            ops.forgetTenant("tenant-b");

            assertEquals(RotationProgress.Status.DONE, rotated.status());
            assertEquals(2, rotated.rewrapped());
            assertEquals("kms:fake-kms://second", rotated.toKekId());
            assertEquals(rotated, ops.masterKeyRotation().orElseThrow());
            var refused = assertThrows(IllegalStateException.class, () -> ops.rotateTenantKey("tenant-b"));
            assertTrue(refused.getMessage().contains("tenant-b were destroyed on"), refused.getMessage());
            TenantKeyring afterRotation = TenantKeyring.create(new Db(db.dataSource()),
                    MasterKeys.fromKms(kms, "fake-kms://second"), List.of(), Clock.systemUTC(), null);
            assertEquals("token", afterRotation.open("tenant-a", Purpose.ACCESS_TOKEN, row, sealed).reveal());
            assertTrue(ops.dataKeyCacheStats().requestCount() >= 0);
            assertEquals(0, ops.accessTokenCacheStats().hitCount());
        } finally {
            app.stop();
        }
    }
}
