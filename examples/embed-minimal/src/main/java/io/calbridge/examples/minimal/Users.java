package io.calbridge.examples.minimal;

import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The app's own login, as it was before the plugin: each user has an API token, sent as
 * {@code Authorization: Bearer <token>} by API clients or kept in the {@value #COOKIE} cookie by
 * browsers (HttpOnly, SameSite=Lax). Deliberately simple; a real app has sessions, passwords or SSO.
 */
final class Users {
    static final String COOKIE = "app_session";

    /** A signed-in user of one workspace. */
    record User(long id, long workspaceId, String email, String name, boolean admin) {
    }

    private final DataSource dataSource;

    Users(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Who sends this request, judged by the Authorization header when there is one, else the cookie. */
    Optional<User> current(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            return header.startsWith("Bearer ") ? byToken(header.substring("Bearer ".length()).strip()) : Optional.empty();
        }
        return byToken(ctx.cookie(COOKIE));
    }

    Optional<User> byToken(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "select id, workspace_id, email, name, is_admin from users where api_token = ?")) {
            s.setString(1, token);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next()
                        ? Optional.of(new User(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getBoolean(5)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users: " + e.getMessage(), e);
        }
    }
}
