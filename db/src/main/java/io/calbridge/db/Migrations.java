package io.calbridge.db;

import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The two independent migration sets and the one way to apply them, used by production code
 * and tests alike.
 *
 * <p>Each set keeps its own schema-history table, so a host that embeds the plugin applies only
 * {@link #CALENDLY} into a database that already holds its own tables, and the reference host
 * applies {@link #HOST} beside it. Both baseline an existing non-empty schema at version 0, which
 * means every migration of the set still runs.
 */
public enum Migrations {
    /** The plugin's tables (prefixed {@code calendly_}). */
    CALENDLY("classpath:db/calendly", "calendly_schema_history"),
    /** tenant-host's own tables: tenants, users, contacts, lists, tags, tasks, activity. */
    HOST("classpath:db/host", "host_schema_history");

    private final String location;
    private final String historyTable;

    Migrations(String location, String historyTable) {
        this.location = location;
        this.historyTable = historyTable;
    }

    public String location() {
        return location;
    }

    public String historyTable() {
        return historyTable;
    }

    /**
     * Applies this set to {@code schema} (created if missing) of {@code dataSource}.
     *
     * @param schema the schema to migrate, or {@code null} for the connection's current schema
     */
    public MigrateResult migrate(DataSource dataSource, String schema) {
        return flyway(dataSource, schema).migrate();
    }

    /** The Flyway instance for this set, for callers that want {@code info()} or {@code validate()}. */
    public Flyway flyway(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        var config = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location)
                .table(historyTable)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .validateMigrationNaming(true);
        if (schema != null) {
            config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        return config.load();
    }

    /** Applies the plugin's set and then the host's set. */
    public static void migrateAll(DataSource dataSource, String schema) {
        for (Migrations set : values()) {
            set.migrate(dataSource, schema);
        }
    }
}
