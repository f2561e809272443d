package io.calbridge.examples.crm;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.examples.crm.host.ExternalCrmHost;
import io.calbridge.examples.crm.service.CrmService;
import io.calbridge.examples.crm.service.CrmStore;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.javalin.Javalin;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Runs the example with one command ({@code examples/external-crm/run.sh}): the CRM service on
 * {@code CRM_PORT} (7091), a local Calendly on {@code SANDBOX_PORT} (7092), PostgreSQL for the
 * plugin's tables ({@code DATABASE_URL} or embedded), and the host on {@code PORT} (7090).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "7090"));
        int crmPort = Integer.parseInt(System.getenv().getOrDefault("CRM_PORT", "7091"));
        int sandboxPort = Integer.parseInt(System.getenv().getOrDefault("SANDBOX_PORT", "7092"));
        String publicBaseUrl = System.getenv().getOrDefault("PUBLIC_BASE_URL", "http://localhost:" + port);
        Path dataDir = Path.of(System.getenv().getOrDefault("DATA_DIR", ".external-crm-data")).toAbsolutePath();
        Files.createDirectories(dataDir);

        CrmStore store = new CrmStore();
        store.addAccount("acme", "Europe/Warsaw", List.of("Newsletter"), List.of("calendly", "vip"));
        store.addMember("acme", "ada@acme.test", "Ada Admin");
        CrmService crm = new CrmService(store).start(crmPort);

        HikariConfig pool = new HikariConfig();
        pool.setMaximumPoolSize(10);
        String databaseUrl = System.getenv().getOrDefault("DATABASE_URL", "");
        pool.setJdbcUrl(databaseUrl.isBlank() ? embeddedPostgres(dataDir.resolve("pg")) : databaseUrl);
        HikariDataSource dataSource = new HikariDataSource(pool);

        CalendlySandbox sandbox = CalendlySandbox.start(SandboxOptions.defaults().port(sandboxPort));
        SandboxUser ada = sandbox.createUser(sandbox.createOrganization("Acme (Calendly)", Plan.STANDARD), "Ada Admin",
                "ada@acme.test", Role.OWNER, "Europe/Warsaw");
        sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));

        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String apiKey = HexFormat.of().formatHex(random);
        Javalin host = ExternalCrmHost.create(dataSource, publicBaseUrl,
                MasterKeys.development(dataDir.resolve("dev-master-key.json")), "http://localhost:" + crm.port(),
                Map.of(apiKey, new HostSecurity.Caller("acme", "ada", true)), c -> {
                    c.calendlyApiBaseUrl = sandbox.baseUrl();
                    c.calendlyAuthBaseUrl = sandbox.baseUrl();
                }).start(port);
        System.out.printf("""

                external-crm is up. Connect the account "acme" to Calendly with a personal access token:
                  curl -H 'X-Api-Key: %s' -H 'Accept: application/json' -H 'Content-Type: application/json' \\
                       -d '{"mode":"personal_token","personal_token":"%s"}' %s/settings/calendly/connect
                book a meeting at %s/_sandbox, then look at the CRM: %s/accounts/acme/contacts and .../tasks

                """, apiKey, sandbox.createPersonalAccessToken(ada), publicBaseUrl, sandbox.baseUrl(),
                "http://localhost:" + crm.port());

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.stop();
            crm.stop();
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
