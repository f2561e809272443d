package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 13, the seed's settings contract): {@code PUT .../settings} answered 200 to
 * unknown keys and reset every key it was not sent, so the seed's own body
 * ({@code contact_status} plus {@code event_type_mappings}) created no mapping and wiped the other
 * settings, and a typo ({@code contact_statuss}) did the same. Now: unknown keys are a 400 naming
 * them, a body carries only the keys it changes, and {@code event_type_mappings} creates or replaces
 * those mappings in the same transaction as the rest.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SettingsContractTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static PluginNodes cluster;
    static PluginNodes.Node node;

    static final String INTRO = "https://api.calendly.com/event_types/INTRO";
    static final String DEMO = "https://api.calendly.com/event_types/DEMO";

    @BeforeAll
    static void start() {
        cluster = new PluginNodes(db, 1, o -> { });
        cluster.host.lists.add(new Choice("L1", "Leads"));
        cluster.host.lists.add(new Choice("L2", "Newsletter"));
        cluster.host.tags.add(new Choice("T1", "calendly"));
        node = cluster.start(0);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static UUID connect(String tenant) {
        return node.connectOAuth(tenant, PluginNodes.platformJson(), cluster.ada);
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return PluginNodes.json(r);
    }

    private static JsonNode error(HttpResponse<String> r) {
        assertEquals(400, r.statusCode(), r.body());
        return PluginNodes.json(r).path("error");
    }

    @Test
    void unknownKeys_are400NamingThem_andChangeNothing() {
        String settings = "/settings/calendly/" + connect("typo") + "/settings";
        ok(node.put("typo", settings, "{\"contact_status\": \"customer\", \"list_ids\": [\"L1\"]}"));
        String before = node.get("typo", settings).body();

        JsonNode typo = error(node.put("typo", settings, "{\"contact_statuss\": \"lead\"}"));
        JsonNode nested = error(node.put("typo", settings, "{\"task\": {\"titel\": \"x\"}, \"colour\": 1}"));

        assertEquals("unknown_field", typo.path("code").asText(), typo.toString());
        assertEquals("contact_statuss", typo.path("field").asText());
        assertTrue(typo.path("message").asText().contains("contact_statuss"), typo.toString());
        assertTrue(nested.path("message").asText().contains("task.titel"), nested.toString());
        assertTrue(nested.path("message").asText().contains("colour"), nested.toString());
        assertEquals(before, node.get("typo", settings).body());
    }

    @Test
    void aBodyCarriesOnlyTheKeysItChanges_nullResetsAKey() {
        String settings = "/settings/calendly/" + connect("merge") + "/settings";
        ok(node.put("merge", settings, "{\"contact_status\": \"customer\", \"list_ids\": [\"L1\"],"
                + " \"task\": {\"title\": \"Call {{invitee.name}}\"}}"));

        JsonNode after = ok(node.put("merge", settings, "{\"task\": {\"due_offset_minutes\": -30}}"));

        assertEquals("customer", after.path("contact_status").asText(), after.toString());
        assertEquals("L1", after.path("list_ids").path(0).asText(), after.toString());
        assertEquals("Call {{invitee.name}}", after.path("task").path("title").asText(), "a nested object merges");
        assertEquals(-30, after.path("task").path("due_offset_minutes").asInt());
        assertEquals(after, ok(node.get("merge", settings)));

        JsonNode reset = ok(node.put("merge", settings, "{\"contact_status\": null, \"task\": {\"title\": null}}"));
        assertTrue(reset.path("contact_status").isNull(), reset.toString());
        assertEquals("{{event.name}} with {{invitee.name}}", reset.path("task").path("title").asText(), "the default");
        assertEquals(-30, reset.path("task").path("due_offset_minutes").asInt(), "kept");
        assertEquals("L1", reset.path("list_ids").path(0).asText(), "kept");
    }

    @Test
    void theSeedsBody_createsThenReplacesMappings_andKeepsTheOtherSettings() {
        UUID id = connect("seed");
        String settings = "/settings/calendly/" + id + "/settings";
        String mappings = "/settings/calendly/" + id + "/mappings";
        ok(node.put("seed", settings, "{\"tag_ids\": [\"T1\"]}"));

        JsonNode stored = ok(node.put("seed", settings, "{\"contact_status\": \"lead\", \"event_type_mappings\": {\""
                + INTRO + "\": {\"list_ids\": [\"L1\"], \"tag_ids\": [\"T1\"], \"crm_status\": \"customer\"}}}"));

        assertEquals("lead", stored.path("contact_status").asText());
        assertEquals("T1", stored.path("tag_ids").path(0).asText(), "not sent, so kept");
        JsonNode listed = ok(node.get("seed", mappings)).path("mappings");
        assertEquals(1, listed.size(), listed.toString());
        JsonNode intro = listed.get(0);
        assertEquals(INTRO, intro.path("event_type_uri").asText());
        assertEquals("L1", intro.path("rules").path("list_ids").path(0).asText());
        assertEquals("T1", intro.path("rules").path("tag_ids").path(0).asText());
        assertEquals("customer", intro.path("rules").path("crm_status").asText());

        ok(node.put("seed", settings, "{\"event_type_mappings\": {\"" + INTRO + "\": {\"list_ids\": [\"L2\"]}, \""
                + DEMO + "\": {\"crm_status\": \"lead\"}}}"));

        JsonNode again = ok(node.get("seed", mappings)).path("mappings");
        assertEquals(2, again.size(), again.toString());
        JsonNode replaced = find(again, INTRO);
        assertEquals(intro.path("id"), replaced.path("id"), "replaced in place");
        assertEquals("L2", replaced.path("rules").path("list_ids").path(0).asText());
        assertTrue(replaced.path("rules").path("crm_status").isNull(), "the rules are replaced, not merged");
        assertEquals("lead", find(again, DEMO).path("rules").path("crm_status").asText());
        assertEquals("lead", ok(node.get("seed", settings)).path("contact_status").asText());
    }

    @Test
    void aBadMapping_storesNeitherTheSettingsNorAnyMapping() {
        UUID id = connect("atomic");
        String settings = "/settings/calendly/" + id + "/settings";
        String mappings = "/settings/calendly/" + id + "/mappings";
        String before = node.get("atomic", settings).body();

        JsonNode unknownList = error(node.put("atomic", settings, "{\"contact_status\": \"customer\", \"event_type_mappings\": {\""
                + INTRO + "\": {\"crm_status\": \"lead\"}, \"" + DEMO + "\": {\"list_ids\": [\"nope\"]}}}"));
        JsonNode typo = error(node.put("atomic", settings, "{\"contact_status\": \"customer\", \"event_type_mappings\": {\""
                + INTRO + "\": {\"crm_statuss\": \"lead\"}}}"));
        JsonNode notAnEventType = error(node.put("atomic", settings, "{\"event_type_mappings\": {\"intro\": {}}}"));
        JsonNode notAnObject = error(node.put("atomic", settings, "{\"event_type_mappings\": [1]}"));

        assertEquals("unknown_list", unknownList.path("code").asText(), unknownList.toString());
        assertEquals("event_type_mappings[\"" + DEMO + "\"].list_ids[0]", unknownList.path("field").asText());
        assertEquals("unknown_field", typo.path("code").asText(), typo.toString());
        assertEquals("event_type_mappings[\"" + INTRO + "\"].crm_statuss", typo.path("field").asText());
        assertEquals("invalid_event_type_uri", notAnEventType.path("code").asText(), notAnEventType.toString());
        assertEquals("event_type_mappings.intro", notAnEventType.path("field").asText());
        assertEquals("event_type_mappings", notAnObject.path("field").asText(), notAnObject.toString());
        assertEquals(before, node.get("atomic", settings).body());
        assertEquals(0, ok(node.get("atomic", mappings)).path("mappings").size());
    }

    private static JsonNode find(JsonNode mappings, String uri) {
        for (JsonNode m : mappings) {
            if (m.path("event_type_uri").asText().equals(uri)) {
                return m;
            }
        }
        throw new AssertionError("no mapping of " + uri + " in " + mappings);
    }
}
