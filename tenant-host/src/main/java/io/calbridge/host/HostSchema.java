package io.calbridge.host;

import io.calbridge.calendly.CalendlySchema;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * tenant-host's own tables (tenants, users, contacts, lists, tags, tasks, activity): a Flyway set
 * beside the plugin's, with its own history table, applied by production and tests alike.
 */
public final class HostSchema {
    /** The Flyway history table of tenant-host's migrations. */
    public static final String HISTORY_TABLE = "host_schema_history";

    private HostSchema() {
    }

    /**
     * Applies tenant-host's pending migrations to {@code schema} (created if missing; {@code null}
     * for the connection's current schema) and returns how many ran.
     */
    public static int migrate(DataSource dataSource, String schema) {
        return flyway(dataSource, schema).migrate().migrationsExecuted;
    }

    /** The plugin's set, then tenant-host's: everything tenant-host runs on. */
    public static void migrateAll(DataSource dataSource, String schema) {
        CalendlySchema.migrate(dataSource, schema);
        migrate(dataSource, schema);
    }

    /** Where tenant-host's tables stand, in the shape of the plugin's {@link CalendlySchema#status}. */
    public static CalendlySchema.Status status(DataSource dataSource, String schema) {
        var info = flyway(dataSource, schema).info();
        var current = info.current();
        return new CalendlySchema.Status(current == null ? null : current.getVersion().toString(), info.pending().length);
    }

    private static Flyway flyway(DataSource dataSource, String schema) {
        var config = Flyway.configure(HostSchema.class.getClassLoader())
                .dataSource(Objects.requireNonNull(dataSource, "dataSource"))
                .locations("classpath:db/host")
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .validateMigrationNaming(true);
        if (schema != null) {
            config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        return config.load();
    }
}
