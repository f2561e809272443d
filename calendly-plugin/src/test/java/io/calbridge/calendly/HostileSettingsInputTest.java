package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.spi.Choice;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Property (issue 13): random and hostile JSON at every settings route that takes a body never gets
 * a 5xx, never a text that repeats the body's private marker, and a refused body leaves everything
 * as it was (settings, mappings, integrations): never a half-saved row. Run with the normal tests
 * (a few hundred tries per route, a few seconds each); a failing seed is kept in
 * {@code target/jqwik-database} and replayed first.
 */
class HostileSettingsInputTest {
    static final List<String> KEYS = List.of(
            // settings (SettingsChange)
            "create_contacts", "contact_status", "default_owner_id", "assign_calendly_host", "list_ids", "tag_ids", "task",
            "on_cancel", "on_no_show", "on_reschedule", "routing_forms", "event_type_mappings",
            "enabled", "title", "description", "due_offset_minutes", "status", "cancel_task", "complete_task", "create_task",
            "task_title", "task_description", "task_due_offset_minutes", "move_task",
            // mappings
            "event_type_uri", "event_type_name", "rules", "crm_status", "owner_id",
            // connect
            "mode", "client_id", "client_secret", "personal_token", "webhook_signing_key");
    static final List<String> VOCABULARY = List.of("L1", "T1", "lead", "customer", "nope", "personal_token", "tenant_app",
            "platform_app", "https://api.calendly.com/event_types/ET1", "{{invitee.name}} at {{event.start_local}}");

    static TestDatabase db;
    static PluginNodes cluster;
    static PluginNodes.Node node;
    static UUID id;
    static String mappingPath;

    @BeforeContainer
    static void start() throws Exception {
        db = TestDatabase.migratedBy(CalendlySchema::migrate);
        db.start("HostileSettingsInputTest");
        cluster = new PluginNodes(db, 1, o -> { });
        cluster.host.lists.add(new Choice("L1", "Leads"));
        cluster.host.tags.add(new Choice("T1", "calendly"));
        node = cluster.start(0);
        id = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
        HttpResponse<String> mapping = node.put("acme", "/settings/calendly/" + id + "/mappings",
                "{\"event_type_uri\": \"https://api.calendly.com/event_types/ET0\"}");
        assertEquals(201, mapping.statusCode(), mapping.body());
        mappingPath = "/settings/calendly/" + id + "/mappings/" + PluginNodes.json(mapping).path("id").asText();
    }

    @AfterContainer
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        db.stop();
    }

    @Provide
    Arbitrary<String> bodies() {
        return HostileJson.bodies(KEYS, VOCABULARY);
    }

    /** Everything a refused request could have half-saved. */
    private static String state() {
        String integrations = DSL.using(db.dataSource(), SQLDialect.POSTGRES)
                .fetch("select id, status, settings::text from calendly_integration order by id").formatJSON();
        return node.get("acme", "/settings/calendly/" + id + "/settings").body() + "\n"
                + node.get("acme", "/settings/calendly/" + id + "/mappings").body() + "\n" + integrations;
    }

    private static void check(String body, Supplier<HttpResponse<String>> send) {
        String before = state();
        HttpResponse<String> r = send.get();
        String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body;
        assertTrue(r.statusCode() < 500, r.statusCode() + " for " + shown + " -> " + r.body());
        assertFalse(r.statusCode() >= 400 && r.body().contains("JaneDoe"), "an error repeats the body: " + r.body());
        if (r.statusCode() >= 400) {
            assertEquals(before, state(), "a refused request changed something: " + shown + " -> " + r.body());
        } else {
            assertEquals(200, node.get("acme", "/settings/calendly/" + id + "/settings").statusCode(),
                    "what was stored can be read back");
        }
    }

    @Property(tries = 250)
    void putSettings(@ForAll("bodies") String body) {
        check(body, () -> node.put("acme", "/settings/calendly/" + id + "/settings", body));
    }

    @Property(tries = 250)
    void putMappingByEventType(@ForAll("bodies") String body) {
        check(body, () -> node.put("acme", "/settings/calendly/" + id + "/mappings", body));
    }

    @Property(tries = 250)
    void putMapping(@ForAll("bodies") String body) {
        check(body, () -> node.put("acme", mappingPath, body));
    }

    @Property(tries = 200)
    void connect(@ForAll("bodies") String body) {
        // A body that is a valid platform_app request starts a connection (a pending row): not a refusal.
        check(body, () -> node.post("acme", "/settings/calendly/connect", body));
    }
}
