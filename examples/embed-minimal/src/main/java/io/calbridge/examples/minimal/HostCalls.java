package io.calbridge.examples.minimal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.UnknownReferenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What every host interface of the app shares: the workspace and the app's ids in a call, the
 * idempotency keys the app records (in the plugin's transaction, through {@link
 * io.calbridge.calendly.spi.HostTransactions}), membership, JSON.
 */
final class HostCalls {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private HostCalls() {
    }

    /**
     * Claims the call's idempotency key for its workspace. Empty the first time (apply the effect,
     * then {@link #remember} its result if it has one); the stored result when the key was applied
     * before, and then the caller changes nothing.
     */
    static Optional<Applied> claim(Connection c, HostCall call) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "insert into applied_keys (workspace_id, key) values (?, ?) on conflict do nothing")) {
            insert.setLong(1, workspace(call));
            insert.setString(2, call.idempotencyKey());
            if (insert.executeUpdate() == 1) {
                return Optional.empty();
            }
        }
        try (PreparedStatement select = c.prepareStatement(
                "select result from applied_keys where workspace_id = ? and key = ?")) {
            select.setLong(1, workspace(call));
            select.setString(2, call.idempotencyKey());
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return Optional.of(new Applied(rs.getString(1)));
            }
        }
    }

    /** A key that was applied before, with the result the first call returned (or null). */
    record Applied(String result) {
    }

    static void remember(Connection c, HostCall call, String result) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "update applied_keys set result = ? where workspace_id = ? and key = ?")) {
            update.setString(1, result);
            update.setLong(2, workspace(call));
            update.setString(3, call.idempotencyKey());
            update.executeUpdate();
        }
    }

    /** The plugin's tenant id is the workspace id, as the app's HostSecurity handed it over. */
    static long workspace(HostCall call) {
        return Long.parseLong(call.tenantId());
    }

    /** One of the app's numeric ids, or UnknownReferenceException when it cannot name anything here. */
    static long id(String id, UnknownReferenceException.Kind kind) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException | NullPointerException e) {
            throw new UnknownReferenceException(kind, id);
        }
    }

    /** Whether the user is a member of the call's workspace (the app's idea of a team). */
    static boolean isMember(Connection c, HostCall call, long userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select 1 from users where id = ? and workspace_id = ?")) {
            s.setLong(1, userId);
            s.setLong(2, workspace(call));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Reads one row of a result. */
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * The one row {@code sql} finds in the call's workspace (its first parameter) for an e-mail (its
     * second, matched in any case), or empty.
     */
    static <T> Optional<T> findByEmail(Connection c, HostCall call, String sql, String email, Row<T> row)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, workspace(call));
            s.setString(2, email);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
            }
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON-friendly: " + e.getOriginalMessage(), e);
        }
    }
}
