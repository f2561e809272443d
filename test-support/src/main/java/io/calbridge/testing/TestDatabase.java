package io.calbridge.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.db.Migrations;
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
 * static final TestDatabase db = TestDatabase.withAllMigrations();
 * }</pre>
 *
 * Migrations are applied by {@link Migrations}, the same code production uses.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final Migrations[] sets;
    private String schema;
    private HikariDataSource dataSource;

    private TestDatabase(Migrations... sets) {
        this.sets = sets;
    }

    /** Plugin and host tables, as tenant-host runs. */
    public static TestDatabase withAllMigrations() {
        return new TestDatabase(Migrations.CALENDLY, Migrations.HOST);
    }

    /** Only the plugin's tables, as an embedding host runs. */
    public static TestDatabase withPluginMigrations() {
        return new TestDatabase(Migrations.CALENDLY);
    }

    /** An empty schema: the test applies what it wants. */
    public static TestDatabase empty() {
        return new TestDatabase();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String owner = context.getTestClass().map(Class::getSimpleName).orElse("test");
        schema = newSchemaName(owner);
        createSchema(schema);
        dataSource = dataSource(schema, 8);
        for (Migrations set : sets) {
            set.migrate(dataSource, schema);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
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

    /** The test server's JDBC URL opening {@code schema}. */
    public static String withSchemaUrl(String schema) {
        return withSchema(PostgresServer.get().jdbcUrl(), schema);
    }

    static String withSchema(String jdbcUrl, String schema) {
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
