package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        HostConfig production = HostConfig.load(Map.of("DEMO", "false", "CALBRIDGE_MASTER_KEY", "{}",
                "JWT_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret",
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

    @Test
    void calendly_demoUsesItsInProcessSandbox_productionTheRealCalendly() {
        HostConfig demo = HostConfig.load(Map.of());
        HostConfig production = HostConfig.load(Map.of("DEMO", "false", "CALBRIDGE_MASTER_KEY", "{}"));

        assertTrue(demo.sandbox());
        assertFalse(production.sandbox());
        assertEquals(HostConfig.CALENDLY_API, production.calendly().apiBaseUrl());
        assertEquals(HostConfig.CALENDLY_AUTH, production.calendly().authBaseUrl());
        assertFalse(production.calendly().platformApp());
        assertTrue(production.describe().contains("calendly=api=https://api.calendly.com auth=https://auth.calendly.com"
                + " platformApp=none"), production.describe());
    }

    @Test
    void calendly_aSharedSandboxWithThePlatformAppFromFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("client_secret"), "client-s3cret-value\n");
        Files.writeString(dir.resolve("signing_key"), "signing-s3cret-value");

        HostConfig config = HostConfig.load(Map.of(
                "CALENDLY_API_BASE_URL", "http://localhost:8089/",
                "CALENDLY_AUTH_BASE_URL", "http://localhost:8089",
                "CALENDLY_CLIENT_ID", "the-client-id",
                "CALENDLY_CLIENT_SECRET_FILE", dir.resolve("client_secret").toString(),
                "CALENDLY_WEBHOOK_SIGNING_KEY_FILE", dir.resolve("signing_key").toString()));

        assertFalse(config.sandbox(), "a configured Calendly turns the in-process sandbox off");
        assertEquals(URI.create("http://localhost:8089"), config.calendly().apiBaseUrl());
        assertEquals("the-client-id", config.calendly().clientId());
        assertEquals("client-s3cret-value", config.calendly().clientSecret());
        assertEquals("signing-s3cret-value", config.calendly().webhookSigningKey());
        assertTrue(config.describe().contains("platformApp=client_id the-client-id, client secret <set>, webhook signing key <set>"),
                config.describe());
    }

    @Test
    void secretsNeverShowInTheDescriptionNorInToString(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("operator"), "operator-token-s3cret-0123456789abcdef");
        Map<String, String> env = Map.of(
                "DATABASE_URL", "postgres://app:db-s3cret@db.internal/crm",
                "DATABASE_PASSWORD", "other-db-s3cret",
                "JWT_SECRET", "jwt-s3cret-jwt-s3cret-jwt-s3cret-jwt",
                "CALBRIDGE_MASTER_KEY", "master-s3cret",
                "CALENDLY_CLIENT_ID", "visible-client-id",
                "CALENDLY_CLIENT_SECRET", "client-s3cret",
                "CALENDLY_WEBHOOK_SIGNING_KEY", "signing-s3cret",
                "OPERATOR_TOKEN_FILE", dir.resolve("operator").toString());

        HostConfig config = HostConfig.load(env);

        for (String shown : List.of(config.describe(), config.toString(), config.calendly().toString())) {
            assertFalse(shown.contains("s3cret"), shown);
        }
        assertTrue(config.describe().contains("operatorToken=<set>"), config.describe());
        assertTrue(config.describe().contains("visible-client-id"), config.describe());
        assertEquals("operator-token-s3cret-0123456789abcdef", config.operatorToken());
    }

    @Test
    void anyKeyMayComeFromAFile_butNotFromBothPlaces(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("jwt"), "from-a-file-from-a-file-from-a-file-x\n");
        Files.writeString(dir.resolve("empty"), "\n");

        assertEquals("from-a-file-from-a-file-from-a-file-x",
                HostConfig.load(Map.of("JWT_SECRET_FILE", dir.resolve("jwt").toString())).jwtSecret());
        assertEquals("Both JWT_SECRET and JWT_SECRET_FILE are set: set only one of them", assertThrows(IllegalArgumentException.class,
                () -> HostConfig.load(Map.of("JWT_SECRET", "x", "JWT_SECRET_FILE", dir.resolve("jwt").toString()))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostConfig.load(Map.of("CALENDLY_CLIENT_SECRET_FILE",
                dir.resolve("missing").toString(), "CALENDLY_CLIENT_ID", "id"))).getMessage()
                .startsWith("CALENDLY_CLIENT_SECRET_FILE names " + dir.resolve("missing") + ", which cannot be read"));
        assertEquals("DATABASE_PASSWORD_FILE names " + dir.resolve("empty") + ", which is empty", assertThrows(
                IllegalArgumentException.class, () -> HostConfig.load(Map.of("DATABASE_PASSWORD_FILE",
                        dir.resolve("empty").toString()))).getMessage());
    }

    @Test
    void impossibleCombinationsAreRefusedWithWhatToDo() {
        assertTrue(message(Map.of("SANDBOX", "true", "CALENDLY_API_BASE_URL", "http://localhost:8089"))
                .startsWith("SANDBOX=true starts an in-process Calendly sandbox"));
        assertTrue(message(Map.of("CALENDLY_CLIENT_ID", "id")).startsWith("CALENDLY_CLIENT_SECRET (or CALENDLY_CLIENT_SECRET_FILE)"
                + " is required with CALENDLY_CLIENT_ID"));
        assertTrue(message(Map.of("CALENDLY_WEBHOOK_SIGNING_KEY", "k")).startsWith("CALENDLY_WEBHOOK_SIGNING_KEY belongs to"));
        assertEquals("CALENDLY_API_BASE_URL must be an absolute http(s) URL such as https://api.calendly.com, got 'api.calendly.com'",
                message(Map.of("CALENDLY_API_BASE_URL", "api.calendly.com")));
        assertTrue(message(Map.of("DEMO", "false")).startsWith("CALBRIDGE_MASTER_KEY or CALBRIDGE_MASTER_KEY_FILE is required"
                + " outside demo mode"), "production never falls back to a development master key");
        assertTrue(message(Map.of("OPERATOR_TOKEN", "short")).startsWith("OPERATOR_TOKEN must be at least 32 characters"));
        assertEquals("LOG_FORMAT must be text or json, got 'xml'", message(Map.of("LOG_FORMAT", "xml")));
        assertEquals("DEMO must be true or false, got 'yes'", message(Map.of("DEMO", "yes")));
    }

    @Test
    void aTypoInTheConfigFileIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("host.properties");
        Files.writeString(file, "PORT=8080\nCALENDLY_CLIENT_SECRT=x\nOPERATOR_TOKEN_FILE=/run/secrets/operator\n");

        String message = message(Map.of("CALBRIDGE_CONFIG", file.toString()));

        assertTrue(message.startsWith("CALBRIDGE_CONFIG file " + file + " has unknown keys [CALENDLY_CLIENT_SECRT]"), message);
    }

    private static String message(Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> HostConfig.load(env)).getMessage();
    }
}
