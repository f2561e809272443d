package io.calbridge.host.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeyTest {
    @Test
    void developmentKey_isGeneratedOnceAndReusedAcrossRestarts(@TempDir Path dataDir) throws Exception {
        JwtKey first = JwtKey.load(null, dataDir, true);
        JwtKey second = JwtKey.load(null, dataDir, true);

        assertEquals(first, second);
        Path file = dataDir.resolve(JwtKey.DEV_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void configuredSecret_winsAndWritesNoFile(@TempDir Path dataDir) {
        JwtKey key = JwtKey.load("0123456789abcdef0123456789abcdef", dataDir, true);

        assertEquals(JwtKey.of("0123456789abcdef0123456789abcdef"), key);
        assertFalse(Files.exists(dataDir.resolve(JwtKey.DEV_FILE)));
    }

    @Test
    void outsideDemoMode_aSecretIsRequired(@TempDir Path dataDir) {
        var e = assertThrows(IllegalArgumentException.class, () -> JwtKey.load(null, dataDir, false));

        assertTrue(e.getMessage().startsWith("JWT_SECRET is required outside demo mode"), e.getMessage());
    }

    @Test
    void shortSecret_isRefusedWithTheFix() {
        var e = assertThrows(IllegalArgumentException.class, () -> JwtKey.of("too-short"));

        assertTrue(e.getMessage().contains("at least 32 bytes") && e.getMessage().contains("openssl rand"), e.getMessage());
    }

    @Test
    void keyNeverPrints() {
        JwtKey key = JwtKey.of("0123456789abcdef0123456789abcdef");

        assertEquals("***", key.toString());
        assertNotEquals(JwtKey.random(), JwtKey.random());
    }
}
