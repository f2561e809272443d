package io.calbridge.examples.minimal;

import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.ContactMeetingsUi;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The app's own pages and API, which existed before the plugin: a home page with the workspace's
 * contacts, tasks and notes, a login form, and {@code GET /api/contacts}. The Calendly parts are a
 * link to the plugin's settings UI ({@code /calendly}) and, on a contact's page
 * ({@code /contacts/{id}}), the plugin's section of that contact's Calendly meetings
 * ({@link ContactMeetingsUi}: cancel, no-shows, single-use links), mounted with two lines.
 */
record HomePage(Users users, DataSource dataSource) {
    void register(RoutesConfig routes) {
        routes.get("/", this::home);
        routes.get("/contacts/{id}", this::contact);
        routes.post("/login", ctx -> {
            String token = ctx.formParam("token");
            if (users.byToken(token).isEmpty()) {
                ctx.status(HttpStatus.UNAUTHORIZED).html(page("<p>Unknown token.</p>" + LOGIN_FORM));
                return;
            }
            ctx.cookie(new Cookie(Users.COOKIE, token, "/", -1, false, true, null, SameSite.LAX));
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        });
        routes.post("/logout", ctx -> {
            ctx.removeCookie(Users.COOKIE, "/");
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        });
        routes.get("/api/contacts", ctx -> {
            Users.User user = users.current(ctx).orElse(null);
            if (user == null) {
                ctx.status(HttpStatus.UNAUTHORIZED).json(Map.of("error", "sign in"));
                return;
            }
            ctx.json(rows("select id, email, name, stage, tags::text as tags, owner_id from contacts"
                    + " where workspace_id = ? order by id", user.workspaceId()));
        });
    }

    private static final String LOGIN_FORM = """
            <form method="post" action="/login"><label>API token <input name="token" size="40"></label>
            <button>Sign in</button></form>""";

    private void home(Context ctx) {
        Users.User user = users.current(ctx).orElse(null);
        if (user == null) {
            ctx.html(page("<h1>Sign in</h1>" + LOGIN_FORM));
            return;
        }
        StringBuilder html = new StringBuilder("<h1>" + esc(user.name()) + "'s workspace</h1>");
        String outcome = ctx.queryParam("calendly");
        if (outcome != null) {
            html.append("<p><b>Calendly: ").append(esc(outcome)).append(' ')
                    .append(esc(ctx.queryParamMap().getOrDefault("reason", List.of("")).get(0))).append("</b></p>");
        }
        html.append("""
                <form method="post" action="/logout"><button>Sign out</button></form>
                <p><a href="/calendly" id="calendly-settings">Calendly settings</a></p>
                """);
        html.append(table("Contacts", rows("select email, name, stage, tags::text as tags from contacts where workspace_id = ? order by id",
                user.workspaceId())));
        List<Map<String, Object>> contacts = rows("select id, name, email from contacts where workspace_id = ? order by id",
                user.workspaceId());
        if (!contacts.isEmpty()) {
            html.append("<ul id=\"contact-pages\">");
            contacts.forEach(c -> html.append("<li><a href=\"/contacts/").append(c.get("id")).append("\">")
                    .append(esc(String.valueOf(c.get("name") == null ? c.get("email") : c.get("name")))).append("</a></li>"));
            html.append("</ul>");
        }
        html.append(table("Tasks", rows("select title, due_at::text as due, state from tasks where workspace_id = ? order by id",
                user.workspaceId())));
        html.append(table("Notes", rows("select occurred_at::text as at, kind, body from notes where workspace_id = ? order by id desc limit 50",
                user.workspaceId())));
        ctx.html(page(html.toString()));
    }

    /** A contact's page: the app's facts, then the plugin's Calendly section (its forms come back here). */
    private void contact(Context ctx) {
        Users.User user = users.current(ctx).orElse(null);
        if (user == null) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        String id = ctx.pathParam("id");
        Map<String, Object> contact = rows("select id::text as id, name, email, stage from contacts where workspace_id = ? order by id",
                user.workspaceId()).stream().filter(c -> c.get("id").equals(id)).findFirst().orElse(null);
        if (contact == null) {
            ctx.status(HttpStatus.NOT_FOUND).html(page("<p>No such contact.</p>"));
            return;
        }
        ContactMeetingsUi calendly = ctx.appData(CalendlyPlugin.CONTACT_MEETINGS_UI);
        String body = "<p><a href=\"/\">Back</a></p><h1>" + esc(String.valueOf(contact.get("name"))) + "</h1><p>"
                + esc(String.valueOf(contact.get("email"))) + " · " + esc(String.valueOf(contact.get("stage"))) + "</p>"
                + calendly.render(ctx, id, "/contacts/" + id);
        ctx.html(page(calendly.head(), body));
    }

    private List<Map<String, Object>> rows(String sql, long workspaceId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, workspaceId);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read: " + e.getMessage(), e);
        }
    }

    private static String table(String title, List<Map<String, Object>> rows) {
        StringBuilder html = new StringBuilder("<h2>" + title + "</h2>");
        if (rows.isEmpty()) {
            return html.append("<p>none yet</p>").toString();
        }
        html.append("<table border=1 cellpadding=4><tr>");
        rows.get(0).keySet().forEach(k -> html.append("<th>").append(esc(k)).append("</th>"));
        html.append("</tr>");
        for (Map<String, Object> row : rows) {
            html.append("<tr>");
            row.values().forEach(v -> html.append("<td>").append(esc(String.valueOf(v))).append("</td>"));
            html.append("</tr>");
        }
        return html.append("</table>").toString();
    }

    private static String page(String body) {
        return page("", body);
    }

    private static String page(String head, String body) {
        return "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\">"
                + "<title>embed-minimal</title>" + head + "<body style=\"font-family:sans-serif\">" + body + "</body></html>";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
