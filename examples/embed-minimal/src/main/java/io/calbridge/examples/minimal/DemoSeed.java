package io.calbridge.examples.minimal;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import javax.sql.DataSource;

/** A workspace with an admin and a member, created on the first start (later starts reuse them). */
public final class DemoSeed {
    private DemoSeed() {
    }

    /** The admin who signs in, and the workspace (the plugin's tenant id). */
    public record Seeded(long workspaceId, String adminEmail, String adminToken) {
    }

    public static Seeded seedIfEmpty(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "select w.id, u.email, u.api_token from workspace w join users u on u.workspace_id = w.id"
                            + " where u.is_admin order by w.id, u.id limit 1");
                 ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return new Seeded(rs.getLong(1), rs.getString(2), rs.getString(3));
                }
            }
            return createWorkspace(c, "Acme Coaching", "Europe/Warsaw", "ada@acme.test", "Ada Admin");
        }
    }

    /** A workspace with one admin and one member; returns the admin's login. */
    public static Seeded createWorkspace(Connection c, String name, String timeZone, String adminEmail, String adminName)
            throws SQLException {
        long workspace;
        try (PreparedStatement s = c.prepareStatement("insert into workspace (name, time_zone) values (?, ?) returning id")) {
            s.setString(1, name);
            s.setString(2, timeZone);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                workspace = rs.getLong(1);
            }
        }
        String token = newToken();
        addUser(c, workspace, adminEmail, adminName, true, token);
        addUser(c, workspace, "member+" + workspace + "@" + adminEmail.substring(adminEmail.indexOf('@') + 1),
                "A Member", false, newToken());
        return new Seeded(workspace, adminEmail, token);
    }

    private static void addUser(Connection c, long workspace, String email, String name, boolean admin, String token)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "insert into users (workspace_id, email, name, is_admin, api_token) values (?, ?, ?, ?, ?)")) {
            s.setLong(1, workspace);
            s.setString(2, email);
            s.setString(3, name);
            s.setBoolean(4, admin);
            s.setString(5, token);
            s.executeUpdate();
        }
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
