package io.calbridge.host;

import io.calbridge.db.Migrations;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/** What {@code GET /health} reports: database reachable, migrations applied, version. */
final class Health {
    private final DataSource dataSource;
    private final String version;

    Health(DataSource dataSource, String version) {
        this.dataSource = dataSource;
        this.version = version;
    }

    record Report(boolean up, Map<String, Object> body) {
    }

    Report check() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version);
        Map<String, Object> database = new LinkedHashMap<>();
        boolean up = true;
        long started = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            up = c.isValid(2);
            database.put("reachable", up);
            database.put("server", c.getMetaData().getDatabaseProductVersion());
        } catch (Exception e) {
            up = false;
            database.put("reachable", false);
            database.put("error", e.getClass().getSimpleName() + ": " + JdbcUrls.mask(String.valueOf(e.getMessage())));
        }
        database.put("latency_ms", (System.nanoTime() - started) / 1_000_000);
        body.put("database", database);
        if (up) {
            Map<String, Object> migrations = new LinkedHashMap<>();
            for (Migrations set : Migrations.values()) {
                MigrationInfoService info = set.flyway(dataSource, null).info();
                MigrationInfo current = info.current();
                int pending = info.pending().length;
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("current", current == null ? null : current.getVersion().toString());
                state.put("pending", pending);
                migrations.put(set.name().toLowerCase(java.util.Locale.ROOT), state);
                up &= pending == 0 && current != null;
            }
            body.put("migrations", migrations);
        }
        body.put("status", up ? "UP" : "DOWN");
        return new Report(up, body);
    }
}
