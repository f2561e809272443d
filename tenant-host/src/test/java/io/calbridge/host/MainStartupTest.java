package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * tenant-host's start-up as {@code Main} runs it: health while migrations run; a start that fails
 * after it started things (a child JVM, as an operator runs it) exits non-zero with its message,
 * having stopped the embedded PostgreSQL, the sandbox and the port; and what it logs on the way
 * holds no secret.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MainStartupTest {
    @RegisterExtension
    static final TestDatabase migrating = TestDatabase.migratedBy(HostSchema::migrateAll);
    @RegisterExtension
    static final TestDatabase keyedElsewhere = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String MISMATCH = "which are not configured";

    @Test
    void whileMigrationsRun_readyIs503WithTheReason_liveIs200_thenTheAppTakesOverThePort(@TempDir Path dataDir) throws Exception {
        int port = Ports.free();
        Map<String, String> env = databaseEnv(migrating);
        env.putAll(Map.of("PORT", String.valueOf(port), "DEMO", "false", "DATA_DIR", dataDir.toString(),
                "CALBRIDGE_MASTER_KEY", MasterKeys.newKeysetJson(), "JWT_SECRET", "jwt-secret-of-the-startup-test-0123456789"));
        HostConfig config = HostConfig.load(env);
        CompletableFuture<Main.Running> started;
        try (Connection lock = migrating.dataSource().getConnection()) {
            // Flyway waits for this lock on its history table: the migrations "run" until we let go.
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table " + CalendlySchema.HISTORY_TABLE + " in access exclusive mode");
            started = CompletableFuture.supplyAsync(() -> {
                try {
                    return Main.start(config);
                } catch (Main.StartFailed e) {
                    throw new IllegalStateException(e);
                }
            });

            HttpResponse<String> ready = awaitAnswer(port, "/health/ready",
                    r -> r.body().contains("starting: applying database migrations"));
            assertEquals(503, ready.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"reason\":\"starting: applying database migrations\"}", ready.body());
            assertEquals(503, get(port, "/health").statusCode());
            assertEquals(200, get(port, "/health/live").statusCode());
            HttpResponse<String> page = get(port, "/app");
            assertEquals(503, page.statusCode());
            assertEquals("5", page.headers().firstValue("Retry-After").orElse(""));
            lock.rollback();
        }
        try (Main.Running running = started.get(120, TimeUnit.SECONDS)) {
            assertEquals(port, running.port());
            awaitAnswer(port, "/health/ready", r -> r.statusCode() == 200);
            assertEquals(3, get(port, "/app").statusCode() / 100, "the application serves now (a login redirect)");
        }
        assertFalse(listening(port), "stopping releases the port");
    }

    @Test
    void aMasterKeyThatWrappedNoneOfTheStoredKeys_exitsNonZero_andStopsTheEmbeddedDatabaseSandboxAndPort(@TempDir Path dataDir)
            throws Exception {
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(dataDir)) {
            connectCalendlyUnder(MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson()), embedded.dataSource());
        }
        int port = Ports.free();
        int sandboxPort = Ports.free();
        Map<String, String> env = new HashMap<>(Map.of("PORT", String.valueOf(port), "SANDBOX", "true",
                "SANDBOX_PORT", String.valueOf(sandboxPort), "DATA_DIR", dataDir.toString(),
                "CALBRIDGE_MASTER_KEY", MasterKeys.newKeysetJson()));

        Child child = runMain(env);

        assertEquals(Main.EXIT_START_FAILED, child.exitCode, child.output);
        assertTrue(child.output.contains(MISMATCH), child.output);
        assertTrue(child.output.contains("Calendly sandbox on http://127.0.0.1:" + sandboxPort), "the sandbox had started: "
                + child.output);
        assertFalse(Files.exists(dataDir.resolve("pg").resolve("postmaster.pid")), "the embedded PostgreSQL was stopped");
        assertFalse(listening(sandboxPort), "the sandbox's port is closed");
        assertFalse(listening(port), "tenant-host's port is closed");
    }

    @Test
    void aFailedStartWithAnExternalCalendly_logsItsSettingsWithoutASingleSecret(@TempDir Path dir) throws Exception {
        connectCalendlyUnder(MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson()), keyedElsewhere.dataSource());
        Path clientSecret = dir.resolve("client_secret");
        Files.writeString(clientSecret, "client-s3cret-from-a-file\n");
        String masterKey = MasterKeys.newKeysetJson();
        int port = Ports.free();
        Map<String, String> env = databaseEnv(keyedElsewhere);
        env.putAll(Map.of("PORT", String.valueOf(port), "DEMO", "false", "DATA_DIR", dir.toString(),
                "CALBRIDGE_MASTER_KEY", masterKey,
                "JWT_SECRET", "jwt-s3cret-jwt-s3cret-jwt-s3cret-jwt-s3cret",
                "OPERATOR_TOKEN", "operator-s3cret-operator-s3cret-operator",
                "CALENDLY_API_BASE_URL", "http://127.0.0.1:9",
                "CALENDLY_AUTH_BASE_URL", "http://127.0.0.1:9",
                "CALENDLY_CLIENT_ID", "visible-client-id"));
        env.put("CALENDLY_CLIENT_SECRET_FILE", clientSecret.toString());
        env.put("CALENDLY_WEBHOOK_SIGNING_KEY", "signing-s3cret");
        HostConfig config = HostConfig.load(env);

        String logged;
        Main.StartFailed failed;
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try {
            failed = assertThrows(Main.StartFailed.class, () -> Main.start(config));
        } finally {
            root.detachAppender(log);
            logged = log.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                    .collect(Collectors.joining("\n"));
        }

        assertEquals(Main.EXIT_START_FAILED, failed.exitCode);
        assertTrue(failed.getMessage().contains(MISMATCH), failed.getMessage());
        assertTrue(logged.contains("platformApp=client_id visible-client-id, client secret <set>, webhook signing key <set>"),
                logged);
        assertFalse(logged.contains("s3cret"), logged);
        JsonNode keyset = JSON.readTree(masterKey);
        assertFalse(logged.contains(keyset.at("/key/0/keyData/value").asText()), "the master key never shows");
        assertFalse(listening(port));
    }

    /**
     * A run of tenant-host with {@code key} as its master key in which Acme connected Calendly (the
     * sandbox): it leaves Acme's data key in the database wrapped by {@code key}.
     */
    private static void connectCalendlyUnder(MasterKey key, DataSource dataSource) throws Exception {
        HostSchema.migrateAll(dataSource, null);
        new SignedDeliveries(dataSource, key, plugin -> {
        }).close();
    }

    private static Map<String, String> databaseEnv(TestDatabase db) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        if (db.server().user() != null) {
            env.put("DATABASE_USER", db.server().user());
        }
        if (db.server().password() != null) {
            env.put("DATABASE_PASSWORD", db.server().password());
        }
        return env;
    }

    record Child(int exitCode, String output) {
    }

    /** {@code java io.calbridge.host.Main} with only {@code env} (and PATH/HOME) as its environment. */
    private static Child runMain(Map<String, String> env) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName()).redirectErrorStream(true);
        Map<String, String> childEnv = builder.environment();
        String path = childEnv.get("PATH");
        String home = childEnv.get("HOME");
        childEnv.clear();
        if (path != null) {
            childEnv.put("PATH", path);
        }
        if (home != null) {
            childEnv.put("HOME", home);
        }
        childEnv.putAll(env);
        Process process = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        try {
            boolean exited = process.waitFor(150, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("tenant-host kept running after its start failed:\n" + output.get(10, TimeUnit.SECONDS));
            }
            return new Child(process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
    }

    private static HttpResponse<String> awaitAnswer(int port, String path,
                                                   java.util.function.Predicate<HttpResponse<String>> wanted) {
        return eventually("a wanted answer on " + path).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .ignoreException(ConnectException.class) // not listening yet
                .until(() -> get(port, path), wanted);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

}
