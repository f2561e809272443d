package io.calbridge.calendly.internal.common;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

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
 */
public final class GuardedConnection implements Connection {
    private static final String SQLSTATE_INVALID_TRANSACTION_STATE = "25000";

    private final Connection delegate;
    private volatile boolean ended;

    private GuardedConnection(Connection delegate) {
        this.delegate = delegate;
    }

    /** Guards {@code connection}, which must be in a transaction the caller commits or rolls back itself. */
    public static GuardedConnection of(Connection connection) {
        return new GuardedConnection(java.util.Objects.requireNonNull(connection, "connection"));
    }

    /** The plugin's transaction is over: every later use of this guard throws. */
    public void end() {
        ended = true;
    }

    private Connection live() throws SQLException {
        if (ended) {
            throw new SQLException("This connection was the Calendly plugin's transaction, which has ended: use it only"
                    + " during the host call that handed it over", SQLSTATE_INVALID_TRANSACTION_STATE);
        }
        return delegate;
    }

    private static SQLException owned(String what) {
        return new SQLException("The Calendly plugin owns this transaction and commits or rolls it back itself: the host"
                + " must not " + what + " (see HostCall.transaction())", SQLSTATE_INVALID_TRANSACTION_STATE);
    }

    @Override
    public void commit() throws SQLException {
        live();
        throw owned("commit it");
    }

    @Override
    public void rollback() throws SQLException {
        live();
        throw owned("roll it back (throw an exception instead: the plugin then rolls back and retries later)");
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        if (autoCommit) {
            live();
            throw owned("switch on auto-commit");
        }
        live().setAutoCommit(false);
    }

    /** Does nothing: the plugin closes its connection when its transaction is over. */
    @Override
    public void close() {
    }

    @Override
    public boolean isClosed() throws SQLException {
        return ended || delegate.isClosed();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        return !ended && delegate.isValid(timeout);
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        live();
        throw owned("abort it");
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        live();
        throw owned("change its schema");
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        live();
        throw owned("change its isolation level");
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        live();
        throw owned("make it read-only");
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        live();
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
        return live().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || live().isWrapperFor(iface);
    }

    @Override
    public Statement createStatement() throws SQLException {
        return live().createStatement();
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return live().prepareStatement(sql);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return live().prepareCall(sql);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return live().nativeSQL(sql);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return live().getAutoCommit();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return live().isReadOnly();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return live().getMetaData();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        live().setCatalog(catalog);
    }

    @Override
    public String getCatalog() throws SQLException {
        return live().getCatalog();
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return live().getTransactionIsolation();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return live().getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        live().clearWarnings();
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return live().createStatement(resultSetType, resultSetConcurrency);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return live().prepareStatement(sql, resultSetType, resultSetConcurrency);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return live().prepareCall(sql, resultSetType, resultSetConcurrency);
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return live().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        live().setTypeMap(map);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        live().setHoldability(holdability);
    }

    @Override
    public int getHoldability() throws SQLException {
        return live().getHoldability();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return live().setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return live().setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        live().rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        live().releaseSavepoint(savepoint);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return live().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return live().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return live().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return live().prepareStatement(sql, autoGeneratedKeys);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return live().prepareStatement(sql, columnIndexes);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return live().prepareStatement(sql, columnNames);
    }

    @Override
    public Clob createClob() throws SQLException {
        return live().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return live().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return live().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return live().createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return live().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return live().createStruct(typeName, attributes);
    }

    @Override
    public String getSchema() throws SQLException {
        return live().getSchema();
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return live().getNetworkTimeout();
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return live().getClientInfo();
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return live().getClientInfo(name);
    }
}
