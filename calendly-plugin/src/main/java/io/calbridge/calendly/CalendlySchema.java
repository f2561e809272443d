package io.calbridge.calendly;

import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * The plugin's tables ({@code calendly_*}) and the one way to create and upgrade them.
 *
 * <p>The plugin applies its migrations itself when Javalin starts ({@link CalendlyConfig#migrate},
 * the default). A host that migrates at deploy time instead, with an account that may create tables,
 * sets {@code migrate = false} and calls {@link #migrate} there.
 *
 * <p>The migrations are a Flyway set of their own with its own history table, {@value #HISTORY_TABLE},
 * so they never touch the host's own Flyway set or its history. A schema that already holds the
 * host's tables is baselined at version 0, so every plugin migration still runs in it. The plugin's
 * tables have no foreign key into the host's. Concurrent calls from several nodes are safe: Flyway
 * serialises them with a lock and the first one applies the migrations.
 */
public final class CalendlySchema {
    /** The Flyway history table of the plugin's migrations. */
    public static final String HISTORY_TABLE = "calendly_schema_history";
    /**
     * Where the migrations are in the plugin's jar: a folder whose name is no Java package, so that
     * on the module path the scripts stay readable for Flyway (resources in a module's packages are
     * encapsulated).
     */
    static final String LOCATION = "classpath:db/calendly-plugin";

    private CalendlySchema() {
    }

    /**
     * Applies the plugin's pending migrations.
     *
     * @param dataSource a PostgreSQL data source whose user may create tables
     * @param schema     the schema to migrate (created when missing), or {@code null} for the
     *                   connection's current schema
     * @return how many migrations ran now; 0 when the schema was up to date
     * @throws org.flywaydb.core.api.FlywayException when a migration fails (nothing of the failed
     *                                               migration stays: PostgreSQL DDL is transactional)
     */
    public static int migrate(DataSource dataSource, String schema) {
        return flyway(dataSource, schema).migrate().migrationsExecuted;
    }

    /**
     * Where the plugin's tables stand, without changing anything (for a host's health check).
     *
     * @param dataSource a PostgreSQL data source
     * @param schema     the schema to look at, or {@code null} for the connection's current schema
     * @return the applied version and how many migrations are pending
     */
    public static Status status(DataSource dataSource, String schema) {
        MigrationInfoService info = flyway(dataSource, schema).info();
        var current = info.current();
        return new Status(current == null ? null : current.getVersion().toString(), info.pending().length);
    }

    /**
     * Where a schema's plugin tables stand.
     *
     * @param currentVersion the last applied migration's version, or {@code null} when none was applied
     * @param pending        how many migrations of this plugin version have not been applied yet
     */
    public record Status(String currentVersion, int pending) {
        /**
         * Whether the tables are what this plugin version needs.
         *
         * @return true when some migration was applied and none is pending
         */
        public boolean upToDate() {
            return currentVersion != null && pending == 0;
        }
    }

    private static Flyway flyway(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        var config = Flyway.configure(CalendlySchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
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
