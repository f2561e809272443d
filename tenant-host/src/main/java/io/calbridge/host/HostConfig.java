package io.calbridge.host;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * tenant-host's configuration: environment variables, optionally overlaid on a properties file
 * named by {@code CALBRIDGE_CONFIG} (environment wins). Every key is listed in the README's
 * configuration table. Any key {@code K} may instead be given as {@code K_FILE}, the path of a file
 * holding the value (container and Kubernetes secrets); {@code CALBRIDGE_MASTER_KEY_FILE} is read by
 * {@code MasterKeys} itself.
 *
 * <p>{@link #toString()} is {@link #describe()}: secrets never show.
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
        Duration sessionIdle,
        Calendly calendly,
        String operatorToken) {

    /** Real Calendly's API and OAuth server: the defaults outside the in-process sandbox. */
    public static final URI CALENDLY_API = URI.create("https://api.calendly.com");
    public static final URI CALENDLY_AUTH = URI.create("https://auth.calendly.com");
    static final int MIN_OPERATOR_TOKEN_LENGTH = 32;
    static final String FILE_SUFFIX = "_FILE";

    /** Every key tenant-host reads (each may also be given as {@code KEY_FILE}). */
    public static final Set<String> KEYS = Set.of("CALBRIDGE_CONFIG", "PORT", "PUBLIC_BASE_URL", "DATABASE_URL",
            "DATABASE_USER", "DATABASE_PASSWORD", "DATA_DIR", "SANDBOX", "SANDBOX_PORT", "CALBRIDGE_MASTER_KEY",
            "CALBRIDGE_MASTER_KEY_FILE", "LOG_FORMAT", "DEMO", "JWT_SECRET", "JWT_TTL_MINUTES", "SESSION_IDLE_MINUTES",
            "CALENDLY_API_BASE_URL", "CALENDLY_AUTH_BASE_URL", "CALENDLY_CLIENT_ID", "CALENDLY_CLIENT_SECRET",
            "CALENDLY_WEBHOOK_SIGNING_KEY", "OPERATOR_TOKEN");

    /**
     * Which Calendly the plugin talks to (ignored while the in-process sandbox runs: it brings its own).
     *
     * @param clientId         the platform OAuth app's client id, or null (then tenants cannot use the
     *                         one-click {@code platform_app} mode)
     * @param clientSecret     its client secret, with {@code clientId}
     * @param webhookSigningKey its webhook signing key, or null
     */
    public record Calendly(URI apiBaseUrl, URI authBaseUrl, String clientId, String clientSecret,
                           String webhookSigningKey) {
        public boolean platformApp() {
            return clientId != null;
        }

        @Override
        public String toString() {
            return "api=" + apiBaseUrl + " auth=" + authBaseUrl + " platformApp="
                    + (clientId == null ? "none" : "client_id " + clientId + ", client secret <set>, webhook signing key "
                    + (webhookSigningKey == null ? "<none>" : "<set>"));
        }
    }

    public static HostConfig load(Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        String file = env.get("CALBRIDGE_CONFIG");
        if (file != null && !file.isBlank()) {
            values.putAll(readProperties(Path.of(file.strip())));
        }
        values.putAll(env);
        readFileValues(values);
        int port = intValue(values, "PORT", 7070);
        String publicBase = values.getOrDefault("PUBLIC_BASE_URL", "http://localhost:" + port);
        boolean demo = booleanValue(values, "DEMO", true);
        String masterKey = blankToNull(values.get("CALBRIDGE_MASTER_KEY"));
        String masterKeyFile = blankToNull(values.get("CALBRIDGE_MASTER_KEY_FILE"));
        if (!demo && masterKey == null && masterKeyFile == null) {
            throw new IllegalArgumentException("CALBRIDGE_MASTER_KEY or CALBRIDGE_MASTER_KEY_FILE is required outside demo"
                    + " mode (DEMO=false): the Tink AEAD keyset that protects every tenant's Calendly secrets; create one"
                    + " with: java -jar tenant-host.jar new-master-key");
        }
        Calendly calendly = calendly(values);
        boolean externalCalendly = blankToNull(values.get("CALENDLY_API_BASE_URL")) != null
                || blankToNull(values.get("CALENDLY_AUTH_BASE_URL")) != null || calendly.platformApp();
        boolean sandbox = booleanValue(values, "SANDBOX", demo && !externalCalendly);
        if (sandbox && externalCalendly) {
            throw new IllegalArgumentException("SANDBOX=true starts an in-process Calendly sandbox with its own OAuth app, "
                    + "but CALENDLY_API_BASE_URL, CALENDLY_AUTH_BASE_URL or CALENDLY_CLIENT_ID are set too: set SANDBOX=false "
                    + "to use that Calendly, or remove them");
        }
        String logFormat = values.getOrDefault("LOG_FORMAT", "text").strip().toLowerCase(Locale.ROOT);
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new IllegalArgumentException("LOG_FORMAT must be text or json, got '" + values.get("LOG_FORMAT") + "'");
        }
        String operatorToken = blankToNull(values.get("OPERATOR_TOKEN"));
        if (operatorToken != null && operatorToken.length() < MIN_OPERATOR_TOKEN_LENGTH) {
            throw new IllegalArgumentException("OPERATOR_TOKEN must be at least " + MIN_OPERATOR_TOKEN_LENGTH
                    + " characters, got " + operatorToken.length() + "; generate one with: openssl rand -hex 32");
        }
        return new HostConfig(
                port,
                blankToNull(values.get("DATABASE_URL")),
                blankToNull(values.get("DATABASE_USER")),
                blankToNull(values.get("DATABASE_PASSWORD")),
                Path.of(values.getOrDefault("DATA_DIR", ".demo-data")).toAbsolutePath(),
                URI.create(publicBase),
                sandbox,
                intValue(values, "SANDBOX_PORT", 7071),
                masterKey,
                masterKeyFile,
                logFormat,
                demo,
                blankToNull(values.get("JWT_SECRET")),
                Duration.ofMinutes(positive(values, "JWT_TTL_MINUTES", 15)),
                Duration.ofMinutes(positive(values, "SESSION_IDLE_MINUTES", 120)),
                calendly,
                operatorToken);
    }

    private static Calendly calendly(Map<String, String> values) {
        URI api = url(values, "CALENDLY_API_BASE_URL", CALENDLY_API);
        URI auth = url(values, "CALENDLY_AUTH_BASE_URL", CALENDLY_AUTH);
        String clientId = blankToNull(values.get("CALENDLY_CLIENT_ID"));
        String clientSecret = blankToNull(values.get("CALENDLY_CLIENT_SECRET"));
        String signingKey = blankToNull(values.get("CALENDLY_WEBHOOK_SIGNING_KEY"));
        if ((clientId == null) != (clientSecret == null)) {
            throw new IllegalArgumentException(clientId == null
                    ? "CALENDLY_CLIENT_ID is required with CALENDLY_CLIENT_SECRET: the client id of the platform's Calendly OAuth app"
                    : "CALENDLY_CLIENT_SECRET (or CALENDLY_CLIENT_SECRET_FILE) is required with CALENDLY_CLIENT_ID: the client"
                            + " secret of the platform's Calendly OAuth app");
        }
        if (signingKey != null && clientId == null) {
            throw new IllegalArgumentException("CALENDLY_WEBHOOK_SIGNING_KEY belongs to the platform OAuth app: set "
                    + "CALENDLY_CLIENT_ID and CALENDLY_CLIENT_SECRET too");
        }
        return new Calendly(api, auth, clientId, clientSecret, signingKey);
    }

    /** {@code K_FILE=/path} becomes {@code K=<the file's content>}; setting both is refused. */
    private static void readFileValues(Map<String, String> values) {
        for (String key : new TreeSet<>(values.keySet())) {
            if (!key.endsWith(FILE_SUFFIX) || key.equals("CALBRIDGE_MASTER_KEY_FILE")) {
                continue;
            }
            String target = key.substring(0, key.length() - FILE_SUFFIX.length());
            String path = blankToNull(values.get(key));
            if (!KEYS.contains(target) || path == null) {
                continue;
            }
            if (blankToNull(values.get(target)) != null) {
                throw new IllegalArgumentException("Both " + target + " and " + key + " are set: set only one of them");
            }
            String content;
            try {
                content = Files.readString(Path.of(path), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(key + " names " + path + ", which cannot be read: " + e);
            }
            if (content.isEmpty()) {
                throw new IllegalArgumentException(key + " names " + path + ", which is empty");
            }
            values.put(target, content);
        }
    }

    private static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("CALBRIDGE_CONFIG names " + file + ", which cannot be read: " + e.getMessage());
        }
        Map<String, String> map = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        props.forEach((k, v) -> {
            String key = k.toString();
            String base = key.endsWith(FILE_SUFFIX) ? key.substring(0, key.length() - FILE_SUFFIX.length()) : key;
            if (!KEYS.contains(key) && !KEYS.contains(base)) {
                unknown.add(key);
            }
            map.put(key, v.toString());
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("CALBRIDGE_CONFIG file " + file + " has unknown keys " + unknown
                    + " (known: " + new TreeSet<>(KEYS) + ", each also as KEY_FILE)");
        }
        return map;
    }

    private static URI url(Map<String, String> values, String key, URI fallback) {
        String raw = blankToNull(values.get(key));
        if (raw == null) {
            return fallback;
        }
        try {
            URI uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be an absolute http(s) URL such as " + fallback + ", got '" + raw + "'");
    }

    private static boolean booleanValue(Map<String, String> values, String key, boolean fallback) {
        String raw = blankToNull(values.get(key));
        if (raw == null) {
            return fallback;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + raw + "'");
        };
    }

    private static int intValue(Map<String, String> values, String key, int fallback) {
        String raw = blankToNull(values.get(key));
        if (raw == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw);
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

    /** The configuration as it may be logged: passwords, keys and tokens masked. */
    public String describe() {
        return "port=" + port
                + " database=" + (databaseUrl == null ? "embedded (" + dataDir.resolve("pg") + ")" : JdbcUrls.mask(databaseUrl))
                + (databasePassword != null ? " databasePassword=<set>" : "")
                + " publicBaseUrl=" + publicBaseUrl
                + " calendly=" + (sandbox ? "in-process sandbox on port " + sandboxPort : calendly.toString())
                + " masterKey=" + (masterKey != null || masterKeyFile != null ? "<set>" : "<development>")
                + " demo=" + demo
                + " jwtSecret=" + (jwtSecret != null ? "<set>" : demo ? "<development>" : "<missing>")
                + " jwtTtl=" + jwtTtl.toMinutes() + "m"
                + " sessionIdle=" + sessionIdle.toMinutes() + "m"
                + " operatorToken=" + (operatorToken != null ? "<set>" : "<none: /metrics closed>")
                + " logFormat=" + logFormat;
    }

    @Override
    public String toString() {
        return describe();
    }
}
