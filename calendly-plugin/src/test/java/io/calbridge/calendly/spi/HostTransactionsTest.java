package io.calbridge.calendly.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.internal.common.GuardedConnection;
import io.calbridge.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A host's writes through {@link HostTransactions}: in the plugin's transaction when the call
 * carries one (they commit and roll back with it), else in a transaction of the host's own.
 */
class HostTransactionsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.empty();

    @BeforeAll
    static void hostTable() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create table host_row (tenant text not null, name text not null unique)");
        }
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("delete from host_row");
        }
    }

    @Test
    void inThePluginsTransaction_theHostsRowsCommitAndRollBackWithIt() throws SQLException {
        HostTransactions tx = HostTransactions.using(db.dataSource());

        inPluginTransaction(false, call -> tx.run(call, c -> insert(c, "rolled-back")));
        inPluginTransaction(true, call -> tx.run(call, c -> insert(c, "committed")));

        assertEquals(0, count("rolled-back"), "the plugin rolled back, so the host's row is gone too");
        assertEquals(1, count("committed"));
    }

    @Test
    void withoutThePluginsTransaction_theHostCommitsItsOwn() throws SQLException {
        HostTransactions tx = HostTransactions.using(db.dataSource());

        String result = tx.run(HostCall.effect("t1", "k1", null), c -> insert(c, "own"));

        assertEquals("inserted own", result);
        assertEquals(1, count("own"));
    }

    @Test
    void ownTransaction_ignoresThePluginsTransaction() throws SQLException {
        HostTransactions tx = HostTransactions.ownTransaction(db.dataSource());

        inPluginTransaction(false, call -> tx.run(call, c -> insert(c, "elsewhere")));

        assertEquals(1, count("elsewhere"), "committed in the host's own transaction although the plugin's rolled back");
    }

    @Test
    void aFailingCall_rollsBackItsOwnTransaction_andTheExceptionPassesUnchanged() throws SQLException {
        HostTransactions tx = HostTransactions.using(db.dataSource());
        var unknown = new UnknownReferenceException(UnknownReferenceException.Kind.CONTACT, "c-404");

        var thrown = assertThrows(UnknownReferenceException.class, () -> tx.run(HostCall.effect("t1", "k2", null), c -> {
            insert(c, "half");
            throw unknown;
        }));

        assertSame(unknown, thrown);
        assertEquals(0, count("half"));
    }

    @Test
    void aFailingStatement_becomesAnIllegalStateExceptionNamingTheCause() throws SQLException {
        HostTransactions tx = HostTransactions.using(db.dataSource());
        tx.run(HostCall.effect("t1", "k3", null), c -> insert(c, "once"));

        var thrown = assertThrows(IllegalStateException.class,
                () -> tx.run(HostCall.effect("t1", "k4", null), c -> insert(c, "once")));

        assertInstanceOf(SQLException.class, thrown.getCause());
        assertTrue(thrown.getMessage().contains("host_row_name_key"), thrown.getMessage());
        assertEquals(1, count("once"));
    }

    @Test
    void ownTransactionsReturnTheirConnections_evenWhenTheyFail() throws SQLException {
        try (HikariDataSource one = db.newPool(1)) {
            HostTransactions tx = HostTransactions.using(one);
            for (int i = 0; i < 20; i++) {
                int n = i;
                assertThrows(IllegalStateException.class, () -> tx.run(HostCall.read("t1"), c -> {
                    throw new SQLException("failure " + n);
                }));
                tx.run(HostCall.effect("t1", "k" + i, null), c -> insert(c, "row-" + n));
            }
        }
        assertEquals(20, countLike("row-%"));
    }

    @Test
    void theHostCannotEndThePluginsTransaction() throws SQLException {
        HostTransactions tx = HostTransactions.using(db.dataSource());

        inPluginTransaction(true, call -> {
            var commit = assertThrows(IllegalStateException.class, () -> tx.run(call, c -> {
                insert(c, "kept");
                c.commit();
                return null;
            }));
            assertTrue(commit.getMessage().contains("owns this transaction"), commit.getMessage());
            assertThrows(IllegalStateException.class, () -> tx.run(call, c -> {
                c.setAutoCommit(true);
                return null;
            }));
            tx.run(call, c -> {
                try (c) {
                    return insert(c, "after-close"); // closing does nothing to the plugin's connection
                }
            });
            return null;
        });

        assertEquals(1, count("kept"));
        assertEquals(1, count("after-close"));
    }

    @Test
    void aConnectionKeptPastTheCall_cannotBeUsedAfterThePluginsTransaction() throws SQLException {
        Connection[] kept = new Connection[1];

        inPluginTransaction(true, call -> {
            kept[0] = call.transaction().orElseThrow();
            return null;
        });

        assertTrue(kept[0].isClosed());
        var thrown = assertThrows(SQLException.class, () -> kept[0].prepareStatement("select 1"));
        assertTrue(thrown.getMessage().contains("has ended"), thrown.getMessage());
    }

    /** What the plugin's booking worker does: a transaction, a guarded connection for the host, commit or roll back. */
    private static void inPluginTransaction(boolean commit, java.util.function.Function<HostCall, Object> hostCalls)
            throws SQLException {
        try (Connection plugin = db.dataSource().getConnection()) {
            plugin.setAutoCommit(false);
            GuardedConnection forHost = GuardedConnection.of(plugin);
            try {
                hostCalls.apply(HostCall.effect("t1", "calendly:chain:effect", forHost));
            } finally {
                forHost.end();
            }
            if (commit) {
                plugin.commit();
            } else {
                plugin.rollback();
            }
            plugin.setAutoCommit(true);
        }
    }

    private static String insert(Connection c, String name) throws SQLException {
        try (var s = c.prepareStatement("insert into host_row (tenant, name) values ('t1', ?)")) {
            s.setString(1, name);
            s.executeUpdate();
        }
        return "inserted " + name;
    }

    private static int count(String name) throws SQLException {
        return countWhere("name = ?", name);
    }

    private static int countLike(String pattern) throws SQLException {
        return countWhere("name like ?", pattern);
    }

    private static int countWhere(String condition, String value) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             var s = c.prepareStatement("select count(*) from host_row where " + condition)) {
            s.setString(1, value);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
