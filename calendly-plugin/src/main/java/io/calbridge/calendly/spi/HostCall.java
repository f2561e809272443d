package io.calbridge.calendly.spi;

import java.sql.Connection;
import java.util.Objects;
import java.util.Optional;

/**
 * What the plugin hands to every host-interface call: whose data, how to recognise a retry, and,
 * when there is one, the plugin's open transaction.
 *
 * <p><b>Idempotency.</b> {@link #idempotencyKey()} is set on every call that changes something. The
 * plugin derives it from the booking and the effect, so a retry of the same effect (after a crash, a
 * rolled-back transaction or a timed-out remote call) carries the same key. The host must apply a
 * key at most once per tenant: a second call with a key it has already applied returns the first
 * call's result and changes nothing. Keys are at most 200 characters of printable ASCII. Read-only
 * calls carry {@code null}.
 *
 * <p><b>Transaction.</b> {@link #transaction()} is the JDBC connection of the plugin's current
 * transaction, or empty when the plugin has none (validation, pickers). A host whose tables live in
 * the same database should run its statements on it, so that its effects commit or roll back
 * together with the plugin's own bookkeeping; {@link HostTransactions} does that, and opens a
 * transaction of the host's own when there is none. The connection the plugin hands over cannot end
 * its transaction: {@code commit}, {@code rollback}, {@code setAutoCommit(true)} and changes of
 * schema, isolation or read-only mode throw {@link java.sql.SQLException}, {@code close} does
 * nothing, and once the plugin's transaction is over every use throws. A host on another database
 * or service ignores it and relies on the key.
 *
 * @param tenantId       the host's own tenant id, exactly as the host gave it to the plugin; never null
 * @param idempotencyKey unique per intended effect and tenant; null for reads
 * @param connection     the plugin's open transaction, or null
 */
public record HostCall(String tenantId, String idempotencyKey, Connection connection) {
    /**
     * Checks that the tenant is there.
     *
     * @param tenantId       the host's own tenant id; never null
     * @param idempotencyKey unique per intended effect and tenant; null for reads
     * @param connection     the plugin's open transaction, or null
     * @throws NullPointerException when {@code tenantId} is null
     */
    public HostCall {
        Objects.requireNonNull(tenantId, "tenantId");
    }

    /**
     * A read outside any transaction.
     *
     * @param tenantId the host's own tenant id; never null
     * @return a call without key and transaction
     */
    public static HostCall read(String tenantId) {
        return new HostCall(tenantId, null, null);
    }

    /**
     * A change, carrying its key, inside the given transaction.
     *
     * @param tenantId       the host's own tenant id; never null
     * @param idempotencyKey the effect's key; never null
     * @param transaction    the plugin's open transaction, or null when there is none
     * @return a call that carries the key
     */
    public static HostCall effect(String tenantId, String idempotencyKey, Connection transaction) {
        return new HostCall(tenantId, Objects.requireNonNull(idempotencyKey, "idempotencyKey"), transaction);
    }

    /**
     * The plugin's open transaction, when the call runs inside one (see the class description for
     * what the host may do with it).
     *
     * @return the connection, or empty
     */
    public Optional<Connection> transaction() {
        return Optional.ofNullable(connection);
    }

    @Override
    public String toString() {
        return "HostCall[tenant=" + tenantId + ", key=" + idempotencyKey + ", inTransaction=" + (connection != null) + "]";
    }
}
