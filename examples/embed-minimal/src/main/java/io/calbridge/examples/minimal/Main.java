package io.calbridge.examples.minimal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.OAuthAppSpec;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.javalin.Javalin;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the example with one command ({@code examples/embed-minimal/run.sh}): PostgreSQL from
 * {@code DATABASE_URL} or an embedded one (data in {@code .embed-minimal-data/}), a local Calendly
 * (the sandbox) on {@code SANDBOX_PORT}, and the app on {@code PORT}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "7080"));
        int sandboxPort = Integer.parseInt(System.getenv().getOrDefault("SANDBOX_PORT", "7081"));
        String publicBaseUrl = System.getenv().getOrDefault("PUBLIC_BASE_URL", "http://localhost:" + port);
        Path dataDir = Path.of(System.getenv().getOrDefault("DATA_DIR", ".embed-minimal-data")).toAbsolutePath();
        Files.createDirectories(dataDir);

        HikariConfig pool = new HikariConfig();
        pool.setMaximumPoolSize(10);
        String databaseUrl = System.getenv().getOrDefault("DATABASE_URL", "");
        pool.setJdbcUrl(databaseUrl.isBlank() ? embeddedPostgres(dataDir.resolve("pg")) : databaseUrl);
        HikariDataSource dataSource = new HikariDataSource(pool);
        MinimalApp.migrate(dataSource);
        DemoSeed.Seeded seeded = DemoSeed.seedIfEmpty(dataSource);

        // A local Calendly: an organisation, its owner (same email as the app's admin), an event type,
        // and the app's OAuth app. Approval is automatic, so "Connect Calendly" completes at once.
        CalendlySandbox sandbox = CalendlySandbox.start(SandboxOptions.defaults().port(sandboxPort).autoApprove(true));
        SandboxUser owner = sandbox.createUser(sandbox.createOrganization("Acme (Calendly)", Plan.STANDARD),
                "Ada Admin", seeded.adminEmail(), Role.OWNER, "Europe/Warsaw");
        sandbox.createEventType(owner, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        SandboxApp app = sandbox.createOAuthApp(OAuthAppSpec.of("embed-minimal",
                List.of(publicBaseUrl + "/settings/calendly/callback")).defaultUser(owner));

        // The app reads its settings from the environment; the demo adds the sandbox's URLs, its OAuth
        // app and, unless a master key is configured, a development key kept in the data folder.
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PUBLIC_BASE_URL", publicBaseUrl);
        env.put("CALENDLY_API_BASE_URL", sandbox.baseUrl());
        env.put("CALENDLY_AUTH_BASE_URL", sandbox.baseUrl());
        env.put("CALENDLY_CLIENT_ID", app.clientId());
        env.put("CALENDLY_CLIENT_SECRET", app.clientSecret());
        if (!env.containsKey(MasterKeys.ENV_KEYSET) && !env.containsKey(MasterKeys.ENV_KEYSET_FILE)) {
            Path devKey = dataDir.resolve("dev-master-key.json");
            MasterKeys.development(devKey);
            env.put(MasterKeys.ENV_KEYSET_FILE, devKey.toString());
        }
        Javalin javalin = MinimalApp.create(dataSource, env).start(port);
        System.out.printf("%nembed-minimal is up: open %s and sign in with the token %s%n"
                        + "then press \"Connect Calendly\", book a meeting at %s/_sandbox, and reload the page.%n"
                        + "(a personal access token for the other connect form: %s)%n%n",
                publicBaseUrl, seeded.adminToken(), sandbox.baseUrl(), sandbox.createPersonalAccessToken(owner));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            javalin.stop();
            sandbox.close();
            dataSource.close();
        }));
    }

    /** A PostgreSQL with its data in {@code dataDir}, kept between runs; it stops in its own shutdown hook. */
    private static String embeddedPostgres(Path dataDir) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start()
                .getJdbcUrl("postgres", "postgres");
    }
}
