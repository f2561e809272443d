package io.calbridge.calendly.internal.crypto;

import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.security.GeneralSecurityException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starting with a missing or wrong master key fails with what to set. One schema per scenario. */
class MasterKeyStartupTest {
    @RegisterExtension
    static final TestDatabase unknownKeyDb = TestDatabase.migratedBy(CalendlySchema::migrate);
    @RegisterExtension
    static final TestDatabase impostorDb = TestDatabase.migratedBy(CalendlySchema::migrate);
    @RegisterExtension
    static final TestDatabase inPlaceDb = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void startingWithAnotherMasterKeyThanTheOneThatWrappedTheDataKeys_failsSayingWhatToSet() {
        MasterKey used = newMasterKey();
        Fixtures.keyring(unknownKeyDb.dataSource(), used).seal("t", Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("x"));
        MasterKey other = newMasterKey();

        var e = assertThrows(IllegalStateException.class, () -> Fixtures.keyring(unknownKeyDb.dataSource(), other));

        assertEquals("The database holds tenant data keys wrapped by master key(s) [" + used.id() + "], which are not configured "
                + "(configured: [" + other.id() + "]). Set masterKey (CALBRIDGE_MASTER_KEY / CALBRIDGE_MASTER_KEY_FILE / "
                + "MasterKeys.fromKms) to that key, or add it to previousMasterKeys while a master-key rotation finishes.", e.getMessage());
        // With the right key configured as a previous one, it starts.
        Fixtures.keyring(unknownKeyDb.dataSource(), other, used);
    }

    @Test
    void keyMaterialThatDoesNotMatchItsId_failsAtStart() {
        MasterKey used = newMasterKey();
        Fixtures.keyring(impostorDb.dataSource(), used).seal("t", Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("x"));
        MasterKey other = newMasterKey();
        MasterKey impostor = new MasterKey() {
            @Override
            public String id() {
                return used.id();
            }

            @Override
            public Aead aead() {
                return other.aead();
            }
        };

        var e = assertThrows(IllegalStateException.class, () -> Fixtures.keyring(impostorDb.dataSource(), impostor));

        assertTrue(e.getMessage().contains("does not open the data key it is recorded to have wrapped")
                && e.getMessage().contains("CALBRIDGE_MASTER_KEY"), e.getMessage());
    }

    @Test
    void brokenMasterKey_failsAtStart() {
        MasterKey broken = new MasterKey() {
            @Override
            public String id() {
                return "kms:unreachable";
            }

            @Override
            public Aead aead() {
                return new Aead() {
                    @Override
                    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                        throw new GeneralSecurityException("KMS said AccessDenied");
                    }

                    @Override
                    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                        throw new GeneralSecurityException("KMS said AccessDenied");
                    }
                };
            }
        };

        var e = assertThrows(IllegalStateException.class, () -> Fixtures.keyring(unknownKeyDb.dataSource(), broken));

        assertTrue(e.getMessage().contains("does not work") && e.getMessage().contains("AccessDenied")
                && e.getMessage().contains("KMS key URI"), e.getMessage());
    }

    @Test
    void masterKeysetRotatedInPlace_stillOpensWhatItsOlderPrimaryWrapped() throws Exception {
        KeysetHandle v1 = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        MasterKey before = MasterKeys.fromKeysetJson(TinkJsonProtoKeysetFormat.serializeKeyset(v1, InsecureSecretKeyAccess.get()));
        UUID row = UUID.randomUUID();
        byte[] sealed = Fixtures.keyring(inPlaceDb.dataSource(), before).seal("t", Purpose.REFRESH_TOKEN, row, Secret.of("r"));
        KeysetHandle v2 = KeysetHandle.newBuilder(v1)
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                .build();

        MasterKey after = MasterKeys.fromKeysetJson(TinkJsonProtoKeysetFormat.serializeKeyset(v2, InsecureSecretKeyAccess.get()));

        assertNotEquals(before.id(), after.id());
        assertTrue(after.readableIds().contains(before.id()));
        assertEquals("r", Fixtures.keyring(inPlaceDb.dataSource(), after).open("t", Purpose.REFRESH_TOKEN, row, sealed).reveal());
    }
}
