package io.calbridge.host;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * tenant-host's configuration: environment variables, optionally overlaid on a properties file
 * named by {@code CALBRIDGE_CONFIG} (environment wins). Every key is listed in the README's
 * configuration table.
 */
public record HostConfig(
        int port,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        Path dataDir,
        URI publicBaseUrl,
        boolean sandbox,
        int sandboxPort,
        String masterKey,
        String masterKeyFile,
        String logFormat,
        boolean demo,
        String jwtSecret,
        Duration jwtTtl,
        Duration sessionIdle) {

    public static HostConfig load(Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        String file = env.get("CALBRIDGE_CONFIG");
        if (file != null && !file.isBlank()) {
            values.putAll(readProperties(Path.of(file)));
        }
        values.putAll(env);
        int port = intValue(values, "PORT", 7070);
        String publicBase = values.getOrDefault("PUBLIC_BASE_URL", "http://localhost:" + port);
        return new HostConfig(
                port,
                blankToNull(values.get("DATABASE_URL")),
                blankToNull(values.get("DATABASE_USER")),
                blankToNull(values.get("DATABASE_PASSWORD")),
                Path.of(values.getOrDefault("DATA_DIR", ".demo-data")).toAbsolutePath(),
                URI.create(publicBase),
                Boolean.parseBoolean(values.getOrDefault("SANDBOX", "true")),
                intValue(values, "SANDBOX_PORT", 7071),
                blankToNull(values.get("CALBRIDGE_MASTER_KEY")),
                blankToNull(values.get("CALBRIDGE_MASTER_KEY_FILE")),
                values.getOrDefault("LOG_FORMAT", "text"),
                Boolean.parseBoolean(values.getOrDefault("DEMO", "true")),
                blankToNull(values.get("JWT_SECRET")),
                Duration.ofMinutes(positive(values, "JWT_TTL_MINUTES", 15)),
                Duration.ofMinutes(positive(values, "SESSION_IDLE_MINUTES", 120)));
    }

    private static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("CALBRIDGE_CONFIG names " + file + ", which cannot be read: " + e.getMessage());
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.forEach((k, v) -> map.put(k.toString(), v.toString()));
        return map;
    }

    private static int intValue(Map<String, String> values, String key, int fallback) {
        String raw = values.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + raw + "'");
        }
    }

    private static int positive(Map<String, String> values, String key, int fallback) {
        int value = intValue(values, key, fallback);
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, got " + value);
        }
        return value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** The configuration as it may be logged: passwords and keys masked. */
    public String describe() {
        return "port=" + port
                + " database=" + (databaseUrl == null ? "embedded (" + dataDir.resolve("pg") + ")" : JdbcUrls.mask(databaseUrl))
                + " publicBaseUrl=" + publicBaseUrl
                + " sandbox=" + (sandbox ? "on:" + sandboxPort : "off")
                + " masterKey=" + (masterKey != null || masterKeyFile != null ? "<set>" : "<development>")
                + " demo=" + demo
                + " jwtSecret=" + (jwtSecret != null ? "<set>" : demo ? "<development>" : "<missing>")
                + " jwtTtl=" + jwtTtl.toMinutes() + "m"
                + " sessionIdle=" + sessionIdle.toMinutes() + "m";
    }
}
