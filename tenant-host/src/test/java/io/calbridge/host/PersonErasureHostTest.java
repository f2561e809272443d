package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17 through tenant-host: an operator erases one person of Acme; afterwards no table, the
 * plugin's or the host's, holds that e-mail or name readably, the host's contact, tasks and activity
 * of the person are gone, and the other invitee's are untouched.
 */
class PersonErasureHostTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();
    static final String JANE = "jane.erased@example.com";
    static final String JOHN = "john.kept@example.com";

    @Test
    void operatorErasesAPerson_noTraceInPluginOrHostTables_otherInviteeUntouched() throws Exception {
        DemoTenants demo = new DemoTenants(db.dataSource());
        try (CalendlySandbox sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true))) {
            var org = sandbox.createOrganization("Acme on Calendly", Plan.STANDARD);
            SandboxUser ada = sandbox.createUser(org, "Ada Host", "ada@acme.test", Role.OWNER, "Europe/Warsaw");
            SandboxEventType intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            int port = Ports.free();
            String base = "http://127.0.0.1:" + port;
            HostApp app = new HostApp(db.dataSource(), DemoTenants.settings(base), OperatorAccess.token("operator-secret"),
                    TestKeys.MASTER, "test", plugin -> {
                        plugin.calendlyApiBaseUrl = sandbox.baseUrl();
                        plugin.calendlyAuthBaseUrl = sandbox.baseUrl();
                        plugin.syncPollInterval = Duration.ofMillis(200); // the sweep asked for below starts at once
                    }, (config, security) -> {
                    }).start(port);
            try {
                String admin = JSON.readTree(post(base + "/api/token", "{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}",
                        null).body()).get("access_token").asText();
                HttpResponse<String> connected = post(base + "/settings/calendly/connect",
                        "{\"mode\":\"personal_token\",\"personal_token\":\"" + sandbox.createPersonalAccessToken(ada) + "\"}", admin);
                assertTrue(connected.statusCode() / 100 == 2, connected.body());
                sandbox.book(BookingRequest.of(intro, "Jane Erased", JANE, Instant.now().plus(Duration.ofDays(2))));
                sandbox.book(BookingRequest.of(intro, "John Kept", JOHN, Instant.now().plus(Duration.ofDays(3))));
                DSLContext dsl = demo.dsl;
                eventually("both contacts with their tasks").until(() -> tasks(dsl, JANE) == 1 && tasks(dsl, JOHN) == 1);
                assertEquals(2, dsl.fetchCount(DSL.table(DSL.name("calendly_booking"))));

                HttpResponse<String> refused = post(base + "/operator/tenants/" + demo.acme + "/erasures",
                        "{\"email\":\"" + JANE + "\"}", "not-the-operator");
                assertEquals(401, refused.statusCode(), refused.body());
                HttpResponse<String> erased = post(base + "/operator/tenants/" + demo.acme + "/erasures",
                        "{\"email\":\"" + JANE + "\"}", "operator-secret");

                assertEquals(200, erased.statusCode(), erased.body());
                JsonNode report = JSON.readTree(erased.body());
                assertEquals(1, report.get("bookings").asInt(), erased.body());
                assertEquals(1, report.get("hostContacts").asInt(), erased.body());
                assertEquals(1, report.get("hostTasks").asInt(), erased.body());
                List<String> traces = new ArrayList<>();
                for (String needle : List.of(JANE, "jane erased")) {
                    traces.addAll(rowsContaining(dsl, needle));
                }
                assertEquals(List.of(), traces, "no table holds Jane readably");
                assertEquals(0, dsl.fetchCount(CONTACT, CONTACT.EMAIL.equalIgnoreCase(JANE)));
                assertEquals(1, tasks(dsl, JOHN), "John's contact and task are untouched");
                assertEquals(1, dsl.fetchCount(DSL.table(DSL.name("calendly_booking"))), "John's booking stays");
                assertTrue(!rowsContaining(dsl, JOHN).isEmpty(), "the search finds what is there in clear (John's contact)");

                // Jane's meeting is still at Calendly (no deletion asked): a sweep must not bring her back.
                String integration = JSON.readTree(connected.body()).get("integration_id").asText();
                String sync = base + "/settings/calendly/" + integration + "/sync";
                // "Check now" asks for nothing while another job (the import after connect) is still there.
                eventually("the import after connect").until(() -> {
                    JsonNode status = syncStatus(sync, admin);
                    return status.path("last_import").isObject() && !status.path("job").isObject();
                });
                HttpResponse<String> check = post(sync + "/check", "", admin);
                assertEquals(202, check.statusCode(), check.body());
                assertTrue(JSON.readTree(check.body()).get("requested").asBoolean(), check.body());
                eventually("the sweep").until(() -> syncStatus(sync, admin).path("last_sweep").isObject());
                assertEquals(0, dsl.fetchCount(CONTACT, CONTACT.EMAIL.equalIgnoreCase(JANE)), "the sweep ignored the erased person");
                assertEquals(List.of(), rowsContaining(dsl, JANE));
                assertEquals(1, dsl.fetchCount(DSL.table(DSL.name("calendly_booking"))), "only John's booking");
            } finally {
                app.stop();
            }
        }
    }

    /** "table: row" for every row of every table of the schema whose text (bytea as UTF-8) contains the needle. */
    private static List<String> rowsContaining(DSLContext dsl, String needle) {
        List<String> found = new ArrayList<>();
        List<String> tables = dsl.fetch("select table_name from information_schema.tables where table_schema = current_schema()"
                + " and table_type = 'BASE TABLE'").getValues(0, String.class);
        for (String table : tables) {
            for (var row : dsl.selectFrom(DSL.table(DSL.name(table))).fetch()) {
                StringBuilder text = new StringBuilder();
                for (Object v : row.intoArray()) {
                    text.append(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v)).append('|');
                }
                if (text.toString().toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT))) {
                    found.add(table);
                }
            }
        }
        return found;
    }

    private static JsonNode syncStatus(String url, String bearer) {
        try {
            var request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json")
                    .header("Authorization", "Bearer " + bearer).GET().build();
            return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).path("status");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int tasks(DSLContext dsl, String email) {
        return dsl.fetchCount(DSL.select(TASK.ID).from(TASK).join(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(CONTACT.EMAIL.equalIgnoreCase(email)));
    }

    private static HttpResponse<String> post(String url, String json, String bearer) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
