package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.testing.TestDatabase;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 13, bad input): settings strings had no length limit (a 900 KB task title was
 * stored). Every string of the settings and mapping bodies now has one, documented as
 * {@code maxLength} (and lists as {@code maxItems}) in the OpenAPI description: this test reads the
 * limits from that document, so the document and the server cannot disagree. One character over is
 * a 400 {@code too_long} naming the field; at the limit the length is not what is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SettingsLengthLimitsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static PluginNodes cluster;
    static PluginNodes.Node node;
    static UUID id;
    static JsonNode schemas;

    /** A settings or mapping string the document limits: where it goes in a body, and its limit. */
    record Limit(String route, List<String> path, boolean inList, int maxLength, int maxItems) {
        String field() {
            String f = String.join(".", path);
            return inList ? f + "[0]" : f;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = new PluginNodes(db, 1, o -> { });
        node = cluster.start(0);
        id = node.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);
        try (InputStream in = CalendlyPlugin.class.getResourceAsStream("/io/calbridge/calendly/settings-openapi.json")) {
            schemas = Json.mapper().readTree(in).path("components").path("schemas");
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static List<Limit> limits() {
        List<Limit> out = new ArrayList<>();
        collect("settings", schemas.path("SettingsChange"), List.of(), out);
        collect("mappings", schemas.path("MappingInput"), List.of(), out);
        return out;
    }

    private static void collect(String route, JsonNode schema, List<String> path, List<Limit> out) {
        if (schema.has("$ref")) {
            schema = schemas.path(schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
        for (var it = schema.path("properties").fields(); it.hasNext(); ) {
            var p = it.next();
            List<String> here = new ArrayList<>(path);
            here.add(p.getKey());
            JsonNode s = p.getValue();
            if ("string".equals(s.path("type").asText())) {
                out.add(new Limit(route, here, false, limit(s, here), 0));
            } else if ("array".equals(s.path("type").asText())) {
                out.add(new Limit(route, here, true, limit(s.path("items"), here), s.path("maxItems").asInt(-1)));
            } else if (!p.getKey().equals("event_type_mappings")) {
                collect(route, s, here, out);
            }
        }
    }

    private static int limit(JsonNode stringSchema, List<String> path) {
        assertTrue(stringSchema.has("maxLength"), "every settings string is documented with a maxLength: " + path);
        return stringSchema.get("maxLength").asInt();
    }

    private static HttpResponse<String> send(Limit l, String value, int copies) {
        ObjectNode body = Json.mapper().createObjectNode();
        if (l.route().equals("mappings") && !l.path().get(0).equals("event_type_uri")) {
            body.put("event_type_uri", "https://api.calendly.com/event_types/LIMITS");
        }
        ObjectNode at = body;
        for (String key : l.path().subList(0, l.path().size() - 1)) {
            at = at.putObject(key);
        }
        String last = l.path().get(l.path().size() - 1);
        if (l.inList()) {
            var list = at.putArray(last);
            for (int i = 0; i < copies; i++) {
                list.add(value);
            }
        } else {
            at.put(last, value);
        }
        return node.put("acme", "/settings/calendly/" + id + "/" + l.route(), body.toString());
    }

    /** Fills a string of {@code n} characters so that it would otherwise be valid where possible. */
    private static String ofLength(Limit l, int n) {
        String last = l.path().get(l.path().size() - 1);
        if (last.equals("event_type_uri")) {
            String prefix = "https://api.calendly.com/event_types/";
            return prefix + "E".repeat(Math.max(1, n - prefix.length()));
        }
        return "x".repeat(n);
    }

    @Test
    void everySettingsString_hasADocumentedLimit_andOneCharacterMoreIs400NamingTheField() {
        List<Limit> limits = limits();
        assertTrue(limits.size() >= 24, "the settings and mapping strings: " + limits);
        for (Limit l : limits) {
            HttpResponse<String> over = send(l, ofLength(l, l.maxLength() + 1), 1);
            assertEquals(400, over.statusCode(), l + " -> " + over.body());
            JsonNode e = PluginNodes.json(over).path("error");
            assertEquals("too_long", e.path("code").asText(), l + " -> " + over.body());
            assertEquals(l.field(), e.path("field").asText(), l + " -> " + over.body());

            HttpResponse<String> atLimit = send(l, ofLength(l, l.maxLength()), 1);
            assertNotEquals("too_long", PluginNodes.json(atLimit).path("error").path("code").asText(),
                    l + " at its limit -> " + atLimit.body());
            if (l.inList()) {
                HttpResponse<String> tooMany = send(l, "x", l.maxItems() + 1);
                assertEquals("too_long", PluginNodes.json(tooMany).path("error").path("code").asText(), l + " -> " + tooMany.body());
                assertEquals(String.join(".", l.path()), PluginNodes.json(tooMany).path("error").path("field").asText());
            }
        }
        // A 900 KB task title, the acceptance run's: refused, nothing stored.
        String settingsBefore = node.get("acme", "/settings/calendly/" + id + "/settings").body();
        HttpResponse<String> huge = node.put("acme", "/settings/calendly/" + id + "/settings",
                "{\"task\": {\"title\": \"" + "x".repeat(900_000) + "\"}}");
        assertEquals(400, huge.statusCode(), huge.body().substring(0, Math.min(300, huge.body().length())));
        assertTrue(settingsBefore.equals(node.get("acme", "/settings/calendly/" + id + "/settings").body()), "nothing stored");
    }
}
