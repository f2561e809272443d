package io.calbridge.calendly.internal.common;

import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.jooq.tools.jdbc.DefaultConnection;

/**
 * The plugin's transaction as the host sees it in {@code HostCall.transaction()}: every statement
 * runs on the plugin's connection, but nothing the host does through it can end or redirect the
 * transaction. {@code commit}, {@code rollback}, {@code setAutoCommit(true)}, {@code abort} and the
 * session settings the plugin relies on (schema, isolation, read-only, client info, network timeout)
 * throw; {@code close} does nothing, so a host's try-with-resources is harmless; savepoints work.
 *
 * <p>The plugin {@link #end() ends} the guard when its transaction is over: from then on the guard
 * reports itself closed and every use throws, so a host that kept it cannot reach a connection that
 * is back in the pool serving someone else. Not thread-safe beyond what the connection itself is:
 * one worker thread uses it.
 *
 * <p>Every other method is jOOQ's {@link DefaultConnection}: it hands the call to
 * {@link #getDelegate()}, which checks that the transaction is still live. That method is public, so
 * a host that casts the guard to {@code DefaultConnection} on purpose gets the raw connection, as one
 * that reflects into any wrapper would: the guard stops mistakes, and {@link #unwrap} (what libraries
 * call to reach a driver's connection) never hands the raw connection out.
 */
public final class GuardedConnection extends DefaultConnection {
    private static final String SQLSTATE_INVALID_TRANSACTION_STATE = "25000";

    private volatile boolean ended;

    private GuardedConnection(Connection delegate) {
        super(delegate);
    }

    /** Guards {@code connection}, which must be in a transaction the caller commits or rolls back itself. */
    public static GuardedConnection of(Connection connection) {
        return new GuardedConnection(Objects.requireNonNull(connection, "connection"));
    }

    /** The plugin's transaction is over: every later use of this guard throws. */
    public void end() {
        ended = true;
    }

    /**
     * The plugin's connection while its transaction lasts; after that it throws the {@link SQLException}
     * "ended". {@code DefaultConnection} declares no exception here, but every method of it that calls
     * this one declares {@code SQLException}, so the host gets the checked exception JDBC promises.
     */
    @Override
    public Connection getDelegate() {
        if (ended) {
            throw Unchecked.<RuntimeException>asIs(new SQLException("This connection was the Calendly plugin's"
                    + " transaction, which has ended: use it only during the host call that handed it over",
                    SQLSTATE_INVALID_TRANSACTION_STATE));
        }
        return super.getDelegate();
    }

    /** Why the host may not {@code what}; once the transaction has ended, that it has (thrown here). */
    private SQLException owned(String what) {
        getDelegate();
        return new SQLException("The Calendly plugin owns this transaction and commits or rolls it back itself: the host"
                + " must not " + what + " (see HostCall.transaction())", SQLSTATE_INVALID_TRANSACTION_STATE);
    }

    @Override
    public void commit() throws SQLException {
        throw owned("commit it");
    }

    @Override
    public void rollback() throws SQLException {
        throw owned("roll it back (throw an exception instead: the plugin then rolls back and retries later)");
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        if (autoCommit) {
            throw owned("switch on auto-commit");
        }
        getDelegate().setAutoCommit(false);
    }

    /** Does nothing: the plugin closes its connection when its transaction is over. */
    @Override
    public void close() {
    }

    @Override
    public boolean isClosed() throws SQLException {
        return ended || super.getDelegate().isClosed();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        return !ended && super.getDelegate().isValid(timeout);
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        throw owned("abort it");
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        throw owned("change its schema");
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        throw owned("change its isolation level");
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        throw owned("make it read-only");
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        throw owned("change its network timeout");
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        throw new SQLClientInfoException("The Calendly plugin's connection keeps its client info", Map.of());
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        throw new SQLClientInfoException("The Calendly plugin's connection keeps its client info", Map.of());
    }

    /** This guard for {@code Connection} (never the raw connection behind it), else the driver's own interfaces. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return getDelegate().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || getDelegate().isWrapperFor(iface);
    }

    /** Does nothing, as {@code Connection}'s default: the plugin marks its own request boundaries. */
    @Override
    public void beginRequest() {
    }

    /** Does nothing, as {@code Connection}'s default: the plugin marks its own request boundaries. */
    @Override
    public void endRequest() {
    }

    /** Throws a checked exception from a method that does not declare it (see {@link #getDelegate()}). */
    private static final class Unchecked {
        @SuppressWarnings("unchecked")
        static <E extends Throwable> E asIs(Throwable checked) throws E {
            throw (E) checked;
        }
    }
}
