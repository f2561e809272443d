package io.calbridge.examples.minimal;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.sandbox.Booking;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Canceler;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example as a user runs it: its own schema, the plugin's migrations beside it, a tenant
 * connecting Calendly (the sandbox, over HTTP) with a personal access token, and bookings that end
 * up in the app's own tables.
 */
class EmbedMinimalTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.empty();

    private static final HttpClient http = HttpClient.newHttpClient();
    private static CalendlySandbox sandbox;
    private static Javalin app;
    private static String base;
    private static DemoSeed.Seeded acme;
    private static String memberToken;
    private static SandboxUser ada;
    private static SandboxEventType intro;

    @BeforeAll
    static void start() throws Exception {
        MinimalApp.migrate(db.dataSource());
        try (Connection c = db.dataSource().getConnection()) {
            acme = DemoSeed.createWorkspace(c, "Acme", "America/New_York", "ada@acme.test", "Ada Admin");
            memberToken = single(c, "select api_token from users where workspace_id = ? and not is_admin", acme.workspaceId());
        }
        sandbox = CalendlySandbox.start(SandboxOptions.defaults());
        ada = sandbox.createUser(sandbox.createOrganization("Acme", Plan.STANDARD), "Ada Host", "ada@acme.test",
                Role.OWNER, "UTC");
        intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        app = MinimalApp.create(db.dataSource(), Map.of("PUBLIC_BASE_URL", base,
                MasterKeys.ENV_KEYSET, MasterKeys.newKeysetJson(),
                "CALENDLY_API_BASE_URL", sandbox.baseUrl(),
                "CALENDLY_AUTH_BASE_URL", sandbox.baseUrl())).start(port);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aBookingBecomesAContactTaskAndNote_inTheAppsOwnTables_andACancellationCancelsTheTask() throws Exception {
        HttpResponse<String> connected = connect(acme.adminToken(), sandbox.createPersonalAccessToken(ada));
        assertEquals(200, connected.statusCode(), connected.body());
        assertTrue(connected.body().contains("\"state\":\"active\""), connected.body());

        Instant start = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        Booking booking = sandbox.book(BookingRequest.of(intro, "Jane Doe", "Jane@Example.com", start)
                .timezone("Europe/Berlin").textReminderNumber("+1 555-0100"));

        Map<String, Object> contact = eventually("the contact").until(() -> row(
                "select id, email, name, phone, stage, owner_id from contacts where workspace_id = ?", acme.workspaceId()), java.util.Objects::nonNull);
        assertEquals("Jane@Example.com", contact.get("email"));
        assertEquals("Jane Doe", contact.get("name"));
        assertEquals("+1 555-0100", contact.get("phone"));
        assertEquals("lead", contact.get("stage"));
        long adaUserId = (Long) row("select id from users where workspace_id = ? and is_admin", acme.workspaceId()).get("id");
        assertEquals(adaUserId, contact.get("owner_id"), "the Calendly host is the app's user with the same email");
        Map<String, Object> task = eventually("the task").until(() -> row(
                "select title, state, contact_id, owner_id, due_at from tasks where workspace_id = ?", acme.workspaceId()), java.util.Objects::nonNull);
        assertEquals("Intro call with Jane Doe", task.get("title"));
        assertEquals("open", task.get("state"));
        assertEquals(contact.get("id"), task.get("contact_id"));
        assertEquals(adaUserId, task.get("owner_id"));
        assertEquals(start, ((java.sql.Timestamp) task.get("due_at")).toInstant());
        eventually("the booked note")
                .until(() -> row("select kind from notes where workspace_id = ? and kind = 'calendly.booked'",
                acme.workspaceId()), java.util.Objects::nonNull);

        sandbox.cancel(booking.inviteeUri(), Canceler.INVITEE, "Can't make it");

        eventually("the canceled task").until(() -> row("select id from tasks where workspace_id = ? and state = 'canceled'",
                acme.workspaceId()), java.util.Objects::nonNull);
        assertEquals(1, rows("select id from contacts where workspace_id = ?", acme.workspaceId()).size());
        assertEquals(1, rows("select id from tasks where workspace_id = ?", acme.workspaceId()).size());
    }

    @Test
    void theSchemaHoldsTheAppsTablesAndThePluginsTables_andNothingOfTenantHost() throws Exception {
        List<Map<String, Object>> tables = rows("select table_name from information_schema.tables where table_schema = "
                + "(select current_schema()) and ? > 0", 1);
        TreeSet<String> names = new TreeSet<>();
        tables.forEach(t -> names.add((String) t.get("table_name")));

        TreeSet<String> app = new TreeSet<>(names);
        app.removeIf(n -> n.startsWith("calendly_"));
        assertEquals(new TreeSet<>(List.of("applied_keys", "contacts", "flyway_schema_history", "notes", "tasks", "users",
                "workspace")), app);
        assertTrue(names.contains(CalendlySchema.HISTORY_TABLE), names.toString());
        assertTrue(names.contains("calendly_integration"), names.toString());
    }

    @Test
    void connectingNeedsASignedInAdminOfTheWorkspace() throws Exception {
        HttpResponse<String> anonymous = connect(null, "pat");
        HttpResponse<String> member = connect(memberToken, "pat");
        HttpResponse<String> forged = connect("not-a-token", "pat");

        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(403, member.statusCode(), member.body());
        assertEquals(401, forged.statusCode(), forged.body());
    }

    private static HttpResponse<String> connect(String apiToken, String pat) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/settings/calendly/connect"))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"mode\":\"personal_token\",\"personal_token\":\"" + pat + "\"}"));
        if (apiToken != null) {
            request.header("Authorization", "Bearer " + apiToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> row(String sql, long param) {
        List<Map<String, Object>> rows = rows(sql, param);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static List<Map<String, Object>> rows(String sql, long param) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, param);
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String single(Connection c, String sql, long param) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, param);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

}
