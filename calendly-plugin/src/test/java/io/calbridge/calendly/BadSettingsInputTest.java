package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Regression (issue 13, bad input): a 50,000-deep JSON body, a NUL in a task title and a NUL in a
 * mapping's {@code event_type_name} answered 500 over HTTP. Each must be a 400 naming the field, with
 * nothing stored, and no error text may repeat what the body held (Jackson's
 * {@code Unrecognized token 'JaneDoePrivateSurname_555_0100'} did).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadSettingsInputTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static PluginNodes cluster;
    static PluginNodes.Node node;
    static UUID id;
    static String settings;
    static String mappings;

    static final String SECRET = "JaneDoePrivateSurname_555_0100";
    static final String EVENT_TYPE = "https://api.calendly.com/event_types/ET-1";

    @BeforeAll
    static void start() {
        cluster = new PluginNodes(db, 1, o -> { });
        node = cluster.start(0);
        id = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
        settings = "/settings/calendly/" + id + "/settings";
        mappings = "/settings/calendly/" + id + "/mappings";
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static JsonNode error(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        return PluginNodes.json(r).path("error");
    }

    @Test
    void fiftyThousandDeepJson_is400NamingTheField_andNothingChanges() {
        String before = node.get("acme", settings).body();
        String deep = "{\"task\": " + "[".repeat(50_000) + "]".repeat(50_000) + "}";

        JsonNode e = error(node.put("acme", settings, deep), 400);

        assertEquals("too_deep", e.path("code").asText(), e.toString());
        assertEquals("task", e.path("field").asText(), e.toString());
        assertEquals(before, node.get("acme", settings).body());
        // The same on the mapping routes.
        assertEquals("rules", error(node.put("acme", mappings, "{\"rules\": " + "{\"a\":".repeat(50_000) + "1"
                + "}".repeat(50_000) + "}"), 400).path("field").asText());
    }

    @Test
    void nulInATaskTitle_is400NamingTheField_andNothingChanges() {
        String before = node.get("acme", settings).body();

        JsonNode e = error(node.put("acme", settings, "{\"task\": {\"title\": \"Call\\u0000me\"}}"), 400);

        assertEquals("invalid_character", e.path("code").asText(), e.toString());
        assertEquals("task.title", e.path("field").asText(), e.toString());
        assertEquals(before, node.get("acme", settings).body());
        assertEquals("on_no_show.task_description", error(node.put("acme", settings,
                "{\"on_no_show\": {\"task_description\": \"\\u0000\"}}"), 400).path("field").asText());
    }

    @Test
    void nulInAMappingsEventTypeName_is400NamingTheField_andNoMappingIsStored() {
        String body = "{\"event_type_uri\": \"" + EVENT_TYPE + "\", \"event_type_name\": \"Intro\\u0000call\"}";

        JsonNode e = error(node.put("acme", mappings, body), 400);

        assertEquals("invalid_character", e.path("code").asText(), e.toString());
        assertEquals("event_type_name", e.path("field").asText(), e.toString());
        assertEquals(0, PluginNodes.json(node.get("acme", mappings)).path("mappings").size());
    }

    @Test
    void noErrorRepeatsWhatTheBodyHeld() {
        String[] bodies = {
            "{\"contact_status\": " + SECRET + "}",                       // Jackson: Unrecognized token '...'
            "{\"contact_status\": \"" + SECRET + "\"}",                   // an unknown status
            "{\"list_ids\": [\"" + SECRET + "\"]}",                       // an unknown list
            "{\"task\": {\"due_offset_minutes\": \"" + SECRET + "\"}}",   // the wrong type
            "{\"task\": {\"title\": \"{{" + SECRET + "}}\"}}",            // an unknown placeholder
            "{\"default_owner_id\": \"" + SECRET + "\"}",                 // an unknown team member
            "[\"" + SECRET + "\"]",
            "{\"task\": \"" + SECRET + "\"}",
        };
        for (String body : bodies) {
            HttpResponse<String> r = node.put("acme", settings, body);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
            assertFalse(r.body().contains("JaneDoe"), body + " -> " + r.body());
        }
        for (String body : new String[] {
            "{\"event_type_uri\": \"https://example.com/" + SECRET + "\"}",
            "{\"event_type_uri\": \"" + EVENT_TYPE + "\", \"rules\": {\"crm_status\": \"" + SECRET + "\"}}",
            "{\"event_type_uri\": " + SECRET + "}",
        }) {
            HttpResponse<String> r = node.put("acme", mappings, body);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
            assertFalse(r.body().contains("JaneDoe"), body + " -> " + r.body());
        }
    }
}
