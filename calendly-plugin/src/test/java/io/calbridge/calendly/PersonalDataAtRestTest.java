package io.calbridge.calendly;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.testing.TestDatabase;
import io.calbridge.sandbox.CalendlySignatures;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, "done when": after every recorded fixture delivery went through a real plugin (signed,
 * received, stored, processed into the host), a dump of every plugin table holds none of the
 * fixtures' invitee names, e-mails, phone numbers or answers in clear; then forgetting the tenant
 * makes what is stored unreadable, and the webhook log says so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PersonalDataAtRestTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private DSLContext sql() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @Test
    void afterEveryFixtureDelivery_noPluginTableHoldsAnInviteesNameEmailOrPhoneInClear_andForgettingTheTenantMakesThemUnreadable()
            throws Exception {
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            PluginNodes.Node node = cluster.start(0);
            UUID id = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
            var integration = sql().select(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_ENC, CALENDLY_INTEGRATION.SIGNING_KEY_ENC)
                    .from(CALENDLY_INTEGRATION).where(CALENDLY_INTEGRATION.ID.eq(id)).fetchSingle();
            String pathToken = node.wiring().keyring().open("acme", Purpose.WEBHOOK_PATH_TOKEN, id, integration.value1()).reveal();
            Secret signingKey = node.wiring().keyring().open("acme", Purpose.SIGNING_KEY, id, integration.value2());

            List<String> fixtures = CalendlyFixtures.webhookDeliveries();
            Set<String> personal = new LinkedHashSet<>();
            for (String name : fixtures) {
                byte[] body = CalendlyFixtures.webhook(name);
                JsonNode tree = Json.mapper().readTree(body);
                if (tree.path("event").asText().startsWith("invitee")) {
                    personal.addAll(personalValues(tree));
                }
                HttpResponse<String> answer = node.redeliver("/api/webhooks/calendly/" + pathToken,
                        signature(signingKey, body), body);
                assertEquals(200, answer.statusCode(), name + ": " + answer.body());
            }
            eventually("every delivery is processed").atMost(Duration.ofSeconds(60)).until(() -> sql().fetchCount(
                    CALENDLY_WEBHOOK_INBOX, CALENDLY_WEBHOOK_INBOX.STATUS.in("PENDING", "PROCESSING")) == 0);
            assertEquals(fixtures.size(), sql().fetchCount(CALENDLY_WEBHOOK_INBOX), "every fixture is stored");
            assertTrue(sql().fetchCount(CALENDLY_BOOKING) >= 5, "the invitees were processed into booking rows");
            assertTrue(cluster.host.contactsByEmail.keySet().stream().anyMatch(k -> k.startsWith("acme|")),
                    "the host got contacts: the plugin could read what it sealed");
            assertTrue(personal.size() > 20, "the fixtures name people: " + personal);

            String dump = dumpEveryPluginTable();
            assertTrue(dump.contains(cluster.ada.email().toLowerCase(Locale.ROOT)),
                    "the dump reads text columns (the connected Calendly user's own e-mail is there)");
            List<String> inClear = new ArrayList<>();
            for (String value : personal) {
                if (dump.contains(value.toLowerCase(Locale.ROOT))) {
                    inClear.add(value);
                }
            }
            assertEquals(List.of(), inClear, "invitee data found in clear in a plugin table");

            // The admin's webhook log still shows the (redacted) bodies: the plugin opens them.
            HttpResponse<String> log = node.get("acme", "/settings/calendly/" + id + "/webhooks");
            assertEquals(200, log.statusCode(), log.body());
            assertFalse(log.body().contains("unreadable"), log.body());

            node.operations().forgetTenant("acme");

            HttpResponse<String> after = node.get("acme", "/settings/calendly/" + id + "/webhooks");
            assertEquals(200, after.statusCode(), after.body());
            assertTrue(after.body().contains("the tenant's data key was destroyed"),
                    "the log says the bodies can never be read again: " + after.body());
        }
    }

    /** Names, e-mails, phone numbers, answers and cancel reasons of a delivery (at least 4 characters). */
    static Set<String> personalValues(JsonNode delivery) {
        JsonNode p = delivery.path("payload");
        Set<String> values = new LinkedHashSet<>();
        for (String field : List.of("email", "name", "first_name", "last_name", "text_reminder_number")) {
            add(values, p.path(field));
        }
        p.path("event_guests").forEach(g -> add(values, g.path("email")));
        p.path("questions_and_answers").forEach(qa -> add(values, qa.path("answer")));
        add(values, p.path("cancellation").path("reason"));
        return values;
    }

    private static void add(Set<String> values, JsonNode node) {
        // "string" is the docs examples' placeholder for every text field: not a person's data.
        if (node.isTextual() && node.asText().strip().length() >= 4 && !node.asText().equals("string")) {
            values.add(node.asText().strip());
        }
    }

    /** Every row of every calendly_* table but Flyway's history, every column as text; bytea decoded as UTF-8 (a clear body would show). */
    private String dumpEveryPluginTable() {
        StringBuilder dump = new StringBuilder();
        List<String> tables = sql().fetch("select table_name from information_schema.tables"
                        + " where table_schema = current_schema() and table_name like 'calendly%'")
                .getValues(0, String.class);
        assertTrue(tables.contains("calendly_booking") && tables.contains("calendly_effect_ledger"), tables.toString());
        for (String table : tables) {
            if (table.equals(CalendlySchema.HISTORY_TABLE)) {
                continue; // Flyway's list of migrations: their names are words of ours, not a person's
            }
            for (var row : sql().selectFrom(DSL.table(DSL.name(table))).fetch()) {
                for (Object value : row.intoArray()) {
                    dump.append(value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value)).append('\n');
                }
            }
        }
        return dump.toString().toLowerCase(Locale.ROOT);
    }

    private static String signature(Secret key, byte[] body) {
        return CalendlySignatures.header(new String(key.revealUtf8(), StandardCharsets.UTF_8), body);
    }
}
