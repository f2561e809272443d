package io.calbridge.host;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.host.demo.DemoCalendly;
import io.calbridge.host.demo.DemoData;
import io.calbridge.host.security.JwtKey;
import io.calbridge.host.security.PasswordHasher;
import io.calbridge.host.security.SecuritySettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts tenant-host: configuration, database (embedded unless DATABASE_URL), migrations, web app. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        HostConfig config;
        try {
            config = HostConfig.load(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("tenant-host: " + e.getMessage());
            System.exit(2);
            return;
        }
        if ("json".equalsIgnoreCase(config.logFormat())) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("starting tenant-host {}: {}", version(), config.describe());
        MasterKey masterKey;
        try {
            masterKey = masterKey(config);
        } catch (IllegalArgumentException e) {
            System.err.println("tenant-host: " + e.getMessage());
            System.exit(2);
            return;
        }

        EmbeddedDatabase embedded = null;
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tenant-host");
        pool.setMaximumPoolSize(10);
        if (config.databaseUrl() == null) {
            embedded = EmbeddedDatabase.start(config.dataDir());
            pool.setJdbcUrl(embedded.jdbcUrl());
            pool.setUsername("postgres");
        } else {
            JdbcUrls.Parsed parsed = JdbcUrls.parse(config.databaseUrl(), config.databaseUser(), config.databasePassword());
            pool.setJdbcUrl(parsed.jdbcUrl());
            pool.setUsername(parsed.user());
            pool.setPassword(parsed.password());
        }
        HikariDataSource dataSource = new HikariDataSource(pool);
        int pluginMigrations = CalendlySchema.migrate(dataSource, null);
        int hostMigrations = HostSchema.migrate(dataSource, null);
        log.info("migrations: calendly {} applied (now at {}), host {} applied (now at {})",
                pluginMigrations, CalendlySchema.status(dataSource, null).currentVersion(),
                hostMigrations, HostSchema.status(dataSource, null).currentVersion());

        if (config.demo()) {
            boolean seeded = DemoData.seedIfEmpty(HostDsl.using(dataSource), new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS));
            log.info("demo mode{}: sign in at {}/login as {}", seeded ? " (demo tenants and users created)" : "",
                    config.publicBaseUrl(), DemoData.describe());
        }
        SecuritySettings security;
        try {
            security = SecuritySettings.defaults(config.publicBaseUrl())
                    .withJwtKey(JwtKey.load(config.jwtSecret(), config.dataDir(), config.demo()))
                    .withJwtTtl(config.jwtTtl())
                    .withSessionIdle(config.sessionIdle());
        } catch (IllegalArgumentException e) {
            System.err.println("tenant-host: " + e.getMessage());
            System.exit(2);
            return;
        }
        DemoCalendly demo = config.sandbox()
                ? DemoCalendly.start(config.sandboxPort(), config.publicBaseUrl(), false)
                : null;
        if (demo != null) {
            // The connect form posts to the sandbox's consent page.
            security = security.withFormActionOrigins(java.util.List.of(demo.baseUrl()));
        }
        HostApp app = new HostApp(dataSource, security, masterKey, version(), plugin -> {
            if (demo != null) {
                plugin.calendlyApiBaseUrl = demo.baseUrl();
                plugin.calendlyAuthBaseUrl = demo.baseUrl();
                plugin.platformClientId = demo.platformApp().clientId();
                plugin.platformClientSecret = demo.platformApp().clientSecret();
                plugin.platformSigningKey = demo.platformApp().signingKey();
            }
        }, (c, s) -> {
            if (demo != null) {
                c.appData(DemoCalendly.BOOKING_PAGE, java.util.Optional.of(demo.bookingPage()));
            }
        }).start(config.port());
        if (demo != null) {
            log.info("demo Calendly: book meetings at {}; personal access token for the 'personal token' mode: "
                    + "see {}/_sandbox", demo.bookingPage(), demo.baseUrl());
        }
        log.info("tenant-host is up on http://localhost:{} (health: /health)", app.port());

        EmbeddedDatabase finalEmbedded = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Each step runs even when an earlier one fails: the embedded PostgreSQL must never outlive us.
            quietly(log, "web server", app::stop);
            if (demo != null) {
                quietly(log, "Calendly sandbox", demo::close);
            }
            quietly(log, "connection pool", dataSource::close);
            if (finalEmbedded != null) {
                quietly(log, "embedded PostgreSQL", finalEmbedded::close);
            }
        }, "tenant-host-shutdown"));
    }

    /** The configured master key, or a development key kept in DATA_DIR (the plugin logs a loud warning). */
    static MasterKey masterKey(HostConfig config) {
        if (config.masterKey() != null || config.masterKeyFile() != null) {
            java.util.Map<String, String> values = new java.util.HashMap<>();
            if (config.masterKey() != null) {
                values.put(MasterKeys.ENV_KEYSET, config.masterKey());
            }
            if (config.masterKeyFile() != null) {
                values.put(MasterKeys.ENV_KEYSET_FILE, config.masterKeyFile());
            }
            return MasterKeys.fromEnvironment(values);
        }
        return MasterKeys.development(config.dataDir().resolve("dev-master-key.json"));
    }

    interface Step {
        void run() throws Exception;
    }

    private static void quietly(Logger log, String what, Step step) {
        try {
            step.run();
        } catch (Exception | Error e) {
            log.warn("{} did not stop cleanly: {}", what, e.toString());
        }
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/tenant-host-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
