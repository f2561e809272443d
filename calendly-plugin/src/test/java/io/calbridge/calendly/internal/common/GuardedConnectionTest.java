package io.calbridge.calendly.internal.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

class GuardedConnectionTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.empty();

    @Test
    void everyWayToEndOrRedirectTheTransaction_throwsAndLeavesItOpen() throws SQLException {
        try (Connection plugin = db.dataSource().getConnection()) {
            plugin.setAutoCommit(false);
            GuardedConnection guard = GuardedConnection.of(plugin);
            try (Statement s = guard.createStatement()) {
                s.execute("create temporary table scratch (n int) on commit drop");
                s.execute("insert into scratch values (1)");
            }

            List<Executable> refused = List.of(guard::commit, guard::rollback, () -> guard.setAutoCommit(true),
                    () -> guard.abort(Runnable::run), () -> guard.setSchema("public"),
                    () -> guard.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE),
                    () -> guard.setReadOnly(true), () -> guard.setNetworkTimeout(Runnable::run, 1),
                    () -> guard.setClientInfo("ApplicationName", "host"));
            for (Executable call : refused) {
                assertThrows(SQLException.class, call);
            }
            guard.setAutoCommit(false); // already so: allowed
            guard.close();

            assertFalse(guard.isClosed());
            assertFalse(plugin.isClosed());
            assertFalse(plugin.getAutoCommit());
            try (Statement s = guard.createStatement(); var rs = s.executeQuery("select count(*) from scratch")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "still the same open transaction");
            }
            plugin.rollback();
            plugin.setAutoCommit(true);
        }
    }

    @Test
    void savepointsWork_soAHostMayUndoPartOfItsOwnWork() throws SQLException {
        try (Connection plugin = db.dataSource().getConnection()) {
            plugin.setAutoCommit(false);
            GuardedConnection guard = GuardedConnection.of(plugin);
            try (Statement s = guard.createStatement()) {
                s.execute("create temporary table scratch (n int) on commit drop");
                s.execute("insert into scratch values (1)");
                var savepoint = guard.setSavepoint();
                s.execute("insert into scratch values (2)");
                guard.rollback(savepoint);
                try (var rs = s.executeQuery("select count(*) from scratch")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1));
                }
            }
            plugin.rollback();
            plugin.setAutoCommit(true);
        }
    }

    @Test
    void afterTheTransactionEnded_theGuardIsClosedAndUnusable() throws SQLException {
        try (Connection plugin = db.dataSource().getConnection()) {
            GuardedConnection guard = GuardedConnection.of(plugin);

            guard.end();

            assertTrue(guard.isClosed());
            assertFalse(guard.isValid(1));
            assertThrows(SQLException.class, guard::createStatement);
            assertThrows(SQLException.class, () -> guard.prepareStatement("select 1"));
            assertThrows(SQLException.class, guard::getAutoCommit);
            assertThrows(SQLException.class, guard::setSavepoint);
            assertThrows(SQLException.class, guard::commit);
            assertFalse(plugin.isClosed(), "the plugin's own connection is untouched");
        }
    }

    @Test
    void unwrappingToAConnection_givesTheGuardNeverTheRawConnection() throws SQLException {
        try (Connection plugin = db.dataSource().getConnection()) {
            GuardedConnection guard = GuardedConnection.of(plugin);

            assertSame(guard, guard.unwrap(Connection.class));
            assertTrue(guard.isWrapperFor(Connection.class));
        }
    }
}
