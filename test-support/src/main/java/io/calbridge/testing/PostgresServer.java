package io.calbridge.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the tests' PostgreSQL comes from, decided once per JVM, in this order:
 * <ol>
 *   <li>{@code CALBRIDGE_TEST_DATABASE_URL} (a JDBC URL; user and password in it or in
 *       {@code CALBRIDGE_TEST_DATABASE_USER} / {@code CALBRIDGE_TEST_DATABASE_PASSWORD});</li>
 *   <li>the server at 127.0.0.1:5432, database {@code test}, user {@code postgres}, when it answers;</li>
 *   <li>a Testcontainers PostgreSQL when Docker is available.</li>
 * </ol>
 * With none of these, the first test fails with a message that says what to provide.
 *
 * @param origin where this server came from, for failure messages
 */
public record PostgresServer(String jdbcUrl, String user, String password, String origin) {
    public static final String URL_ENV = "CALBRIDGE_TEST_DATABASE_URL";
    private static final String USER_ENV = "CALBRIDGE_TEST_DATABASE_USER";
    private static final String PASSWORD_ENV = "CALBRIDGE_TEST_DATABASE_PASSWORD";
    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private static volatile PostgresServer instance;

    public static PostgresServer get() {
        PostgresServer server = instance;
        if (server == null) {
            synchronized (PostgresServer.class) {
                server = instance;
                if (server == null) {
                    server = locate();
                    instance = server;
                }
            }
        }
        return server;
    }

    private static PostgresServer locate() {
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            return new PostgresServer(url, System.getenv(USER_ENV), System.getenv(PASSWORD_ENV), URL_ENV);
        }
        if (answers("127.0.0.1", 5432)) {
            return new PostgresServer(LOCAL_URL, "postgres", null, "local server at 127.0.0.1:5432");
        }
        if (DockerPostgres.dockerAvailable()) {
            return DockerPostgres.start();
        }
        throw new IllegalStateException("No PostgreSQL for the tests. Set " + URL_ENV
                + " to a JDBC URL, start a server at 127.0.0.1:5432 (database 'test', user 'postgres'; on Debian: "
                + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or make Docker available "
                + "for Testcontainers.");
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** Without the password: failure messages and logs may print a server. */
    @Override
    public String toString() {
        return "PostgresServer[jdbcUrl=" + jdbcUrl + ", user=" + user + ", origin=" + origin + "]";
    }
}
