package io.calbridge.calendly.internal.webhook;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The host's pool as the receive path sees it: a connection is waited for at most {@code timeout}, not
 * the pool's own timeout (HikariCP's default is 30 s, longer than Calendly waits for an answer). With
 * HikariCP this is the pool's per-call limit ({@code HikariPool.getConnection(long)}, the pool is
 * reached through its MXBean, no reflection); other pools keep their own timeout, and only
 * {@link DatabaseCircuit} shortens the wait once the database is known to be down.
 */
final class ShortCheckout implements DataSource {
    private final DataSource pool;
    private final long timeoutMillis;

    private ShortCheckout(DataSource pool, Duration timeout) {
        this.pool = pool;
        this.timeoutMillis = timeout.toMillis();
    }

    /** The pool itself unless it is a HikariCP pool (HikariCP is an optional dependency of the plugin). */
    static DataSource of(DataSource pool, Duration timeout) {
        return HIKARI_PRESENT && Hikari.isHikari(pool) ? new ShortCheckout(pool, timeout) : pool;
    }

    private static final boolean HIKARI_PRESENT = ModuleLayer.boot().findModule("com.zaxxer.hikari").isPresent()
            || ShortCheckout.class.getClassLoader().getResource("com/zaxxer/hikari/HikariDataSource.class") != null;

    @Override
    public Connection getConnection() throws SQLException {
        return Hikari.connection(pool, timeoutMillis);
    }

    /** Loaded only when HikariCP is present. */
    private static final class Hikari {
        static boolean isHikari(DataSource pool) {
            return pool instanceof HikariDataSource;
        }

        static Connection connection(DataSource pool, long timeoutMillis) throws SQLException {
            HikariPoolMXBean running = ((HikariDataSource) pool).getHikariPoolMXBean(); // null until the pool has started
            if (running instanceof HikariPool hikariPool) {
                return hikariPool.getConnection(timeoutMillis);
            }
            return pool.getConnection();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return pool.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(pool) ? iface.cast(pool) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(pool) || pool.isWrapperFor(iface);
    }
}
