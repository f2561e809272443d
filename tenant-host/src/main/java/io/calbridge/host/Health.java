package io.calbridge.host;

import io.calbridge.calendly.CalendlySchema;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

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
            for (var set : java.util.List.of(Map.entry("calendly", CalendlySchema.status(dataSource, null)),
                    Map.entry("host", HostSchema.status(dataSource, null)))) {
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("current", set.getValue().currentVersion());
                state.put("pending", set.getValue().pending());
                migrations.put(set.getKey(), state);
                up &= set.getValue().upToDate();
            }
            body.put("migrations", migrations);
        }
        body.put("status", up ? "UP" : "DOWN");
        return new Report(up, body);
    }
}
