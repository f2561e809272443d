package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostConfigTest {

    @Test
    void defaultsRunTheDemoWithAnEmbeddedDatabase() {
        HostConfig config = HostConfig.load(Map.of());
        assertEquals(7070, config.port());
        assertNull(config.databaseUrl());
        assertEquals("http://localhost:7070", config.publicBaseUrl().toString());
        assertTrue(config.sandbox());
    }

    @Test
    void environmentOverridesTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("host.properties");
        Files.writeString(file, "PORT=8080\nSANDBOX=false\n");
        HostConfig config = HostConfig.load(Map.of("CALBRIDGE_CONFIG", file.toString(), "PORT", "9090"));
        assertEquals(9090, config.port());
        assertFalse(config.sandbox());
    }

    @Test
    void securityDefaults_demoModeWithDevelopmentJwtSecret_andTheSecretIsNeverDescribed() {
        HostConfig defaults = HostConfig.load(Map.of());
        HostConfig production = HostConfig.load(Map.of("DEMO", "false", "JWT_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret",
                "JWT_TTL_MINUTES", "5", "SESSION_IDLE_MINUTES", "30"));

        assertTrue(defaults.demo());
        assertNull(defaults.jwtSecret());
        assertEquals(java.time.Duration.ofMinutes(15), defaults.jwtTtl());
        assertEquals(java.time.Duration.ofHours(2), defaults.sessionIdle());
        assertTrue(defaults.describe().contains("jwtSecret=<development>"), defaults.describe());
        assertFalse(production.demo());
        assertEquals(java.time.Duration.ofMinutes(5), production.jwtTtl());
        assertEquals(java.time.Duration.ofMinutes(30), production.sessionIdle());
        assertFalse(production.describe().contains("s3cret"), production.describe());
        assertTrue(production.describe().contains("jwtSecret=<set>"));
        var e = assertThrows(IllegalArgumentException.class, () -> HostConfig.load(Map.of("JWT_TTL_MINUTES", "0")));
        assertEquals("JWT_TTL_MINUTES must be at least 1, got 0", e.getMessage());
    }

    @Test
    void aBadNumberIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> HostConfig.load(Map.of("PORT", "seventy")));
        assertEquals("PORT must be a number, got 'seventy'", e.getMessage());
    }

    @Test
    void databaseUrlsOfBothFormsBecomeJdbcAndPasswordsAreMasked() {
        var parsed = JdbcUrls.parse("postgres://app:s3cret@db.internal:6543/crm?sslmode=require", null, null);
        assertEquals("jdbc:postgresql://db.internal:6543/crm?sslmode=require", parsed.jdbcUrl());
        assertEquals("app", parsed.user());
        assertEquals("s3cret", parsed.password());
        String described = HostConfig.load(Map.of("DATABASE_URL", "postgres://app:s3cret@db.internal/crm")).describe();
        assertFalse(described.contains("s3cret"), described);
    }
}
