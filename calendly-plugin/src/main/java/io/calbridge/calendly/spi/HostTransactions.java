package io.calbridge.calendly.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Runs a host's statements for one {@link HostCall} in the right transaction, so that a host whose
 * tables are in a relational database never writes this logic itself.
 *
 * <ul>
 *   <li>When the call carries the plugin's transaction ({@link HostCall#transaction()}: the host's
 *       tables are in the plugin's database), the work runs on that connection. The host's rows, the
 *       idempotency key it records and the plugin's own bookkeeping then commit or roll back
 *       together: a failed delivery leaves nothing behind, and its retry starts clean. The helper
 *       neither commits nor closes it, and the connection itself refuses to be committed, rolled
 *       back or switched to auto-commit (it throws {@link SQLException}); closing it does nothing.</li>
 *   <li>Otherwise (a settings picker, a notification outside a booking) the work runs in a short
 *       transaction of the host's own on {@code dataSource}: committed when the work returns, rolled
 *       back when it throws.</li>
 * </ul>
 *
 * <pre>{@code
 * HostTransactions tx = HostTransactions.using(dataSource);   // the host's pool; one per host
 *
 * public void updateStatus(HostCall call, String contactId, String status) {
 *     tx.run(call, connection -> {
 *         try (var s = connection.prepareStatement("update contact set status = ? where tenant = ? and id = ?")) {
 *             ...
 *         }
 *         return null;
 *     });
 * }
 * }</pre>
 *
 * <p>A host whose tables live in another database ignores the plugin's transaction: it uses
 * {@link #ownTransaction} and relies on {@link HostCall#idempotencyKey()}, which a retry repeats.
 * A host on another service over HTTP needs neither (see {@code docs/host-interfaces.md}).
 *
 * <p>Errors: {@link UnknownReferenceException} and every other runtime exception of the work pass
 * through unchanged; an {@link SQLException} becomes an {@link IllegalStateException} (with it as the
 * cause), which the plugin treats like any failure other than an unknown reference: it rolls back
 * and retries the delivery later. Thread-safe: one instance serves every worker thread.
 */
public final class HostTransactions {
    private final DataSource dataSource;
    private final boolean joinPluginTransaction;

    private HostTransactions(DataSource dataSource, boolean joinPluginTransaction) {
        this.dataSource = dataSource;
        this.joinPluginTransaction = joinPluginTransaction;
    }

    /**
     * Statements in the plugin's transaction when a call carries one, else in a transaction of the
     * host's own: for a host whose tables are in the plugin's database.
     *
     * @param dataSource the host's own pool, for calls without the plugin's transaction; never null
     * @return a helper to share between the host's interface implementations
     */
    public static HostTransactions using(DataSource dataSource) {
        return new HostTransactions(Objects.requireNonNull(dataSource, "dataSource"), true);
    }

    /**
     * Statements always in a transaction of the host's own on {@code dataSource}, ignoring the
     * plugin's: for a host whose tables are in another database. Exactly-once then rests on the
     * idempotency key, which the host records in the same transaction as its rows.
     *
     * @param dataSource the host's own pool; never null
     * @return a helper to share between the host's interface implementations
     */
    public static HostTransactions ownTransaction(DataSource dataSource) {
        return new HostTransactions(Objects.requireNonNull(dataSource, "dataSource"), false);
    }

    /** Statements of one host call, on the connection {@link #run} hands in. */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * Runs the call's statements.
         *
         * @param connection in a transaction; never commit, roll back or close it
         * @return the call's result, possibly null
         * @throws SQLException when a statement fails: the transaction rolls back
         */
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in the plugin's transaction or in one of the host's own (see the class
     * description for which), and returns its result.
     *
     * @param call the host call whose statements these are
     * @param work the statements
     * @param <T>  the result type
     * @return what {@code work} returned
     * @throws IllegalStateException when a statement failed with an {@link SQLException}
     */
    public <T> T run(HostCall call, Work<T> work) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(work, "work");
        try {
            if (joinPluginTransaction && call.connection() != null) {
                return work.apply(call.connection());
            }
            return inOwnTransaction(work);
        } catch (SQLException e) {
            throw new IllegalStateException("host database error: " + e.getMessage(), e);
        }
    }

    private <T> T inOwnTransaction(Work<T> work) throws SQLException {
        try (Connection own = dataSource.getConnection()) {
            boolean autoCommit = own.getAutoCommit();
            own.setAutoCommit(false);
            try {
                T result = work.apply(own);
                own.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(own, e);
                throw e;
            } finally {
                own.setAutoCommit(autoCommit);
            }
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailed) {
            cause.addSuppressed(rollbackFailed);
        }
    }
}
