package io.calbridge.host;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.CalendlySchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What {@code /health}, {@code /health/ready} and {@code /health/live} report, answered within
 * {@link #DEADLINE} whatever the database does.
 *
 * <p>The database is checked on fresh connections with short connect and socket timeouts (not
 * through the application's pool, which waits up to its connection timeout while PostgreSQL is gone
 * and backs off before it reconnects), so an outage shows at once and so does the recovery. One
 * check runs at a time; concurrent requests share it, and a request whose check outlasts the
 * deadline answers "down" without waiting for it.
 */
final class Health implements AutoCloseable {
    /** The longest a health request waits for the database. */
    static final Duration DEADLINE = Duration.ofMillis(1000);
    /** Timeouts of the check's own connections (seconds, pgjdbc's unit). */
    private static final int CONNECT_TIMEOUT_SECONDS = 1;
    private static final int SOCKET_TIMEOUT_SECONDS = 2;
    /** How long an "everything applied" answer from Flyway is used before it is refreshed. */
    private static final Duration MIGRATIONS_RECHECK = Duration.ofMinutes(1);

    private final DataSource probe;
    private final String version;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tenant-host-health");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tenant-host-health-migrations");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<CompletableFuture<DatabaseState>> running = new AtomicReference<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile MigrationsState lastMigrations;

    Health(DataSource dataSource, String version) {
        this.probe = probeDataSource(dataSource);
        this.version = version;
        try {
            refreshMigrations(); // now, while the node starts, rather than in its first probe
        } catch (RuntimeException e) {
            // not reachable now: probes will say so
        }
    }

    /**
     * @param up     whether the node may serve
     * @param reason why not, or null when up
     * @param body   the JSON answer
     */
    record Report(boolean up, String reason, Map<String, Object> body) {
    }

    /** What the database looked like at one check. */
    record DatabaseState(boolean reachable, String error, String server, long latencyMs,
                         Map<String, Map<String, Object>> migrations, boolean migrated) {
        static DatabaseState unreachable(String error, long latencyMs) {
            return new DatabaseState(false, error, null, latencyMs, Map.of(), false);
        }
    }

    /** The process runs and serves HTTP; nothing else is checked (a database outage must not restart it). */
    static Report live() {
        return new Report(true, null, Map.of("status", "UP"));
    }

    /** Ready for traffic: the database answers and every migration set is applied. */
    Report ready() {
        String reason = reasonDown(database());
        return new Report(reason == null, reason, status(reason));
    }

    /**
     * The health report: status and reason for everyone; for operators also the version, the
     * database server and latency and each migration set's version.
     */
    Report report(boolean operator) {
        DatabaseState db = database();
        String reason = reasonDown(db);
        Map<String, Object> body = status(reason);
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("reachable", db.reachable());
        body.put("database", database);
        body.put("migrations", db.reachable() ? (db.migrated() ? "applied" : "pending") : "unknown");
        if (operator) {
            body.put("version", version);
            if (db.server() != null) {
                database.put("server", db.server());
            }
            if (db.error() != null) {
                database.put("error", db.error());
            }
            database.put("latency_ms", db.latencyMs());
            if (db.reachable()) {
                body.put("migrations", db.migrations());
            }
        }
        return new Report(reason == null, reason, body);
    }

    /** {@code {"status":"UP"}}, or {@code {"status":"DOWN","reason":...}}. */
    private static Map<String, Object> status(String reasonDown) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reasonDown == null ? "UP" : "DOWN");
        if (reasonDown != null) {
            body.put("reason", reasonDown);
        }
        return body;
    }

    private static String reasonDown(DatabaseState db) {
        if (!db.reachable()) {
            return "database unreachable: " + db.error();
        }
        return db.migrated() ? null : "database migrations are not all applied";
    }

    /** The state of one check, shared by concurrent callers, or "unreachable" once the deadline passes. */
    DatabaseState database() {
        try {
            return check().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return DatabaseState.unreachable("no answer within " + DEADLINE.toMillis() + " ms", DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DatabaseState.unreachable("interrupted", 0);
        } catch (ExecutionException e) {
            return DatabaseState.unreachable(describe(e.getCause()), 0);
        }
    }

    /** Starts a check unless one is running, so the first health request does not pay for Flyway's start. */
    void warmUp() {
        check();
    }

    private CompletableFuture<DatabaseState> check() {
        CompletableFuture<DatabaseState> check = running.get();
        if (check != null && !check.isDone()) {
            return check;
        }
        CompletableFuture<DatabaseState> mine = new CompletableFuture<>();
        if (!running.compareAndSet(check, mine)) {
            return running.get();
        }
        try {
            checker.execute(() -> mine.complete(checkNow()));
        } catch (RejectedExecutionException e) {
            mine.complete(DatabaseState.unreachable("the node is stopping", 0));
        }
        return mine;
    }

    private DatabaseState checkNow() {
        long started = System.nanoTime();
        try {
            String server;
            try (Connection c = probe.getConnection()) {
                server = c.getMetaData().getDatabaseProductVersion();
            }
            MigrationsState sets = lastMigrations;
            if (sets == null || !sets.migrated()) {
                sets = refreshMigrations();
            } else if (System.nanoTime() - sets.checkedAtNanos() > MIGRATIONS_RECHECK.toNanos()) {
                refreshInBackground();
            }
            return new DatabaseState(true, null, server, millisSince(started), sets.sets(), sets.migrated());
        } catch (Exception e) {
            // Flyway wraps the driver's exception; any failure here means "not usable now", never a 500.
            return DatabaseState.unreachable(describe(e), millisSince(started));
        }
    }

    private record MigrationsState(Map<String, Map<String, Object>> sets, boolean migrated, long checkedAtNanos) {
    }

    /**
     * Flyway's view of both sets. It reads the history tables and scans the classpath, too slow for
     * every probe on a busy machine; applied migrations stay applied, so once everything is, probes
     * use the last answer and a refresh runs beside them every {@link #MIGRATIONS_RECHECK}.
     */
    private MigrationsState refreshMigrations() {
        Map<String, CalendlySchema.Status> statuses = new LinkedHashMap<>();
        statuses.put("calendly", CalendlySchema.status(probe, null));
        statuses.put("host", HostSchema.status(probe, null));
        Map<String, Map<String, Object>> sets = new LinkedHashMap<>();
        boolean migrated = true;
        for (Map.Entry<String, CalendlySchema.Status> set : statuses.entrySet()) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("current", set.getValue().currentVersion());
            state.put("pending", set.getValue().pending());
            sets.put(set.getKey(), state);
            migrated &= set.getValue().upToDate();
        }
        MigrationsState fresh = new MigrationsState(sets, migrated, System.nanoTime());
        lastMigrations = fresh;
        return fresh;
    }

    private void refreshInBackground() {
        if (refreshing.compareAndSet(false, true)) {
            try {
                refresher.execute(() -> {
                    try {
                        refreshMigrations();
                    } catch (RuntimeException e) {
                        // the next probe sees the database's state itself
                    } finally {
                        refreshing.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                refreshing.set(false);
            }
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** The innermost cause, which names what failed (connection refused, timeout, authentication). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return JdbcUrls.mask(message);
    }

    /**
     * A data source of fresh, short-timeout connections to the pool's database. A pool configured
     * without a JDBC URL (or any other data source) is used as it is; the deadline still applies.
     */
    private static DataSource probeDataSource(DataSource dataSource) {
        if (!(dataSource instanceof HikariDataSource pool) || pool.getJdbcUrl() == null) {
            return dataSource;
        }
        PGSimpleDataSource direct = new PGSimpleDataSource();
        direct.setUrl(pool.getJdbcUrl());
        try {
            for (String name : pool.getDataSourceProperties().stringPropertyNames()) {
                direct.setProperty(name, pool.getDataSourceProperties().getProperty(name));
            }
        } catch (SQLException e) {
            return dataSource; // a property pgjdbc does not know: let the pool's own connections speak
        }
        if (pool.getUsername() != null) {
            direct.setUser(pool.getUsername());
        }
        if (pool.getPassword() != null) {
            direct.setPassword(pool.getPassword());
        }
        if (pool.getSchema() != null) {
            direct.setCurrentSchema(pool.getSchema());
        }
        direct.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        direct.setLoginTimeout(SOCKET_TIMEOUT_SECONDS);
        direct.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        direct.setApplicationName("tenant-host health");
        return direct;
    }

    @Override
    public void close() {
        checker.shutdownNow();
        refresher.shutdownNow();
    }
}
