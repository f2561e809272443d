package io.calbridge.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class its own freshly migrated schema on a real PostgreSQL (see
 * {@link PostgresServer} for where the server comes from), so test classes never see each other's
 * rows and can run in parallel. The schema is dropped after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
 * }</pre>
 *
 * Each module hands in the migrations it owns, applied by the same code production uses; this
 * module knows no schema, so every module's tests can use it.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    /** One module's migrations, e.g. {@code CalendlySchema::migrate}. */
    @FunctionalInterface
    public interface Migration {
        /** Applies the migrations to {@code schema} of {@code dataSource}. */
        void migrate(DataSource dataSource, String schema) throws Exception;
    }

    private final Migration[] migrations;
    private String schema;
    private HikariDataSource dataSource;

    private TestDatabase(Migration... migrations) {
        this.migrations = migrations.clone();
    }

    /** A schema migrated by {@code migrations}, in this order (the plugin's before a host's). */
    public static TestDatabase migratedBy(Migration... migrations) {
        return new TestDatabase(migrations);
    }

    /** An empty schema: the test applies what it wants. */
    public static TestDatabase empty() {
        return new TestDatabase();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getTestClass().map(Class::getSimpleName).orElse("test"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    /**
     * Creates and migrates the schema: what {@code beforeAll} does, for test engines that do not run
     * Jupiter extensions (jqwik's properties). Pair with {@link #stop()}.
     */
    public void start(String owner) throws Exception {
        schema = newSchemaName(owner);
        createSchema(schema);
        dataSource = dataSource(schema, 8);
        for (Migration migration : migrations) {
            migration.migrate(dataSource, schema);
        }
    }

    /** Closes the pool and drops the schema. */
    public void stop() throws Exception {
        if (dataSource != null) {
            dataSource.close();
        }
        if (schema != null) {
            dropSchema(schema);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String schema() {
        return schema;
    }

    /** The JDBC URL that opens this class's schema, for code that builds its own pool. */
    public String jdbcUrl() {
        return withSchema(PostgresServer.get().jdbcUrl(), schema);
    }

    /** A proxy in front of this class's server, switched on; close it after the test. */
    public TcpProxy newProxy() throws java.io.IOException {
        java.net.URI target = java.net.URI.create(jdbcUrl().substring("jdbc:".length()));
        return new TcpProxy(target.getHost(), target.getPort());
    }

    /** {@link #jdbcUrl()} through {@code proxy}: same database and schema, the proxy's address. */
    public String jdbcUrlVia(TcpProxy proxy) {
        java.net.URI target = java.net.URI.create(jdbcUrl().substring("jdbc:".length()));
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getRawPath() + "?" + target.getRawQuery();
    }

    public PostgresServer server() {
        return PostgresServer.get();
    }

    /** A new pool on this class's schema (the caller closes it); used to model separate nodes. */
    public HikariDataSource newPool(int size) {
        return dataSource(schema, size);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == DataSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return dataSource;
    }

    static String newSchemaName(String owner) {
        String base = owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (base.length() > 30) {
            base = base.substring(0, 30);
        }
        return "t_" + base + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Creates a fresh empty schema on the test server and returns its name. */
    public static String createFreshSchema(String owner) throws SQLException {
        String name = newSchemaName(owner);
        createSchema(name);
        return name;
    }

    private static void createSchema(String name) throws SQLException {
        try (Connection c = PostgresServer.get().connect(); Statement s = c.createStatement()) {
            s.execute("create schema " + name); // name is generated above: [a-z0-9_] only
        } catch (SQLException e) {
            throw new SQLException("Cannot create a test schema on " + PostgresServer.get().origin()
                    + ": " + e.getMessage(), e);
        }
    }

    public static void dropSchema(String name) throws SQLException {
        try (Connection c = PostgresServer.get().connect(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + name + " cascade");
        }
    }

    /** A small pool on {@code schema} of the test server (one of {@link #createFreshSchema}); the caller closes it. */
    public static HikariDataSource openSchema(String schema) {
        return dataSource(schema, 2);
    }

    private static HikariDataSource dataSource(String schema, int size) {
        PostgresServer server = PostgresServer.get();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withSchema(server.jdbcUrl(), schema));
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName("test-" + schema);
        return new HikariDataSource(config);
    }

    static String withSchema(String jdbcUrl, String schema) {
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
