package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class MasterKeysTest {
    @TempDir
    Path dir;

    @Test
    void environmentWithoutAKey_failsSayingWhatToSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeys.fromEnvironment(Map.<String, String>of()));

        assertTrue(e.getMessage().contains("CALBRIDGE_MASTER_KEY ") && e.getMessage().contains("CALBRIDGE_MASTER_KEY_FILE"), e.getMessage());
        assertTrue(e.getMessage().contains("tinkey create-keyset --key-template AES256_GCM"), e.getMessage());
    }

    @Test
    void environmentWithBothVariables_isRefused() {
        var env = Map.of("CALBRIDGE_MASTER_KEY", MasterKeys.newKeysetJson(), "CALBRIDGE_MASTER_KEY_FILE", "/x.json");

        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeys.fromEnvironment(env));

        assertTrue(e.getMessage().startsWith("Both CALBRIDGE_MASTER_KEY and CALBRIDGE_MASTER_KEY_FILE are set"), e.getMessage());
    }

    @Test
    void keysetInTheVariable_givesAWorkingKeyWithAStableId() throws Exception {
        String json = MasterKeys.newKeysetJson();

        MasterKey first = MasterKeys.fromEnvironment(Map.of("CALBRIDGE_MASTER_KEY", json));
        MasterKey second = MasterKeys.fromEnvironment(Map.of("CALBRIDGE_MASTER_KEY", "\n" + json + "\n"));

        assertEquals(first.id(), second.id());
        assertTrue(first.id().matches("tink:\\d+"), first.id());
        byte[] wrapped = first.aead().encrypt("dek".getBytes(), "aad".getBytes());
        assertArrayEquals("dek".getBytes(), second.aead().decrypt(wrapped, "aad".getBytes()));
        assertNotEquals(first.id(), MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson()).id());
        assertFalse(first.toString().contains(json.substring(10, 40)), first.toString());
    }

    @Test
    void keysetFileNamedByTheVariable_isRead() throws Exception {
        String json = MasterKeys.newKeysetJson();
        Path file = Files.writeString(dir.resolve("kek.json"), json);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        MasterKey key = MasterKeys.fromEnvironment(Map.of("CALBRIDGE_MASTER_KEY_FILE", file.toString()));

        assertEquals(MasterKeys.fromKeysetJson(json).id(), key.id());
    }

    /** Regression (issue 13): a master key file its group or everyone could read was used without a word. */
    @Test
    void keysetFileOthersMayRead_isRefusedSayingHowToFixIt() throws Exception {
        String json = MasterKeys.newKeysetJson();
        Path file = Files.writeString(dir.resolve("shared-kek.json"), json);
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "r--r--r--")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));

            var e = assertThrows(IllegalArgumentException.class, () -> MasterKeys.fromKeysetFile(file), mode);

            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(mode)
                    && e.getMessage().contains("chmod 600"), e.getMessage());
            assertFalse(e.getMessage().contains(json.substring(10, 40)), "never the key itself");
        }
        for (String mode : List.of("rw-------", "r--------")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            assertEquals(MasterKeys.fromKeysetJson(json).id(), MasterKeys.fromKeysetFile(file).id(), mode);
        }
    }

    @Test
    void missingFile_failsNamingThePath() {
        Path missing = dir.resolve("nope.json");

        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeys.fromKeysetFile(missing));

        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("CALBRIDGE_MASTER_KEY_FILE"), e.getMessage());
    }

    @Test
    void junkKeyset_failsWithoutEchoingTheInput() {
        String junk = "{\"primaryKeyId\": 1, \"key\": \"TOPSECRET-looking-material\"}";

        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeys.fromKeysetJson(junk));

        assertTrue(e.getMessage().contains("not a valid Tink JSON keyset"), e.getMessage());
        assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
        assertEquals(null, e.getCause(), "the parser's message may quote the input");
    }

    @Test
    void keysetOfAnotherPrimitive_isRefused() throws Exception {
        MacConfig.register();
        String macKeyset = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_128BITTAG), InsecureSecretKeyAccess.get());

        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeys.fromKeysetJson(macKeyset));

        assertTrue(e.getMessage().contains("not an AEAD keyset"), e.getMessage());
    }

    @Test
    void developmentKey_isCreatedOwnerOnly_reusedAfterwards_andWarnedAboutLoudly() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(MasterKeys.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            Path file = dir.resolve("dev/master-key.json");

            MasterKey created = MasterKeys.development(file);
            MasterKey reused = MasterKeys.development(file);

            assertEquals(created.id(), reused.id());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(2, captured.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("DEVELOPMENT MASTER KEY IN USE"))
                    .count());
            assertFalse(captured.list.get(0).getFormattedMessage().contains(Files.readString(file).substring(20, 60)));
        } finally {
            logger.detachAppender(captured);
        }
    }

    @Test
    void kmsKey_isIdentifiedByItsUri() throws Exception {
        var kms = new FakeKmsClient();

        MasterKey key = MasterKeys.fromKms(kms, "fake-kms://calbridge-kek");

        assertEquals("kms:fake-kms://calbridge-kek", key.id());
        byte[] wrapped = key.aead().encrypt("dek".getBytes(), "aad".getBytes());
        assertArrayEquals("dek".getBytes(), MasterKeys.fromKms(kms, "fake-kms://calbridge-kek").aead().decrypt(wrapped, "aad".getBytes()));
    }

    @Test
    void kmsClientForAnotherKms_isRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeys.fromKms(new FakeKmsClient(), "aws-kms://arn:aws:kms:eu-west-1:1:key/x"));

        assertTrue(e.getMessage().contains("does not support the key URI aws-kms://"), e.getMessage());
    }
}
