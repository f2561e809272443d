package io.calbridge.host.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The booking settings, event-type mappings, choices and dry run of the plugin's settings API, as a
 * tenant's admin calls them in tenant-host (see {@link Harness}): validated against tenant-host's CRM
 * (its lists, tags, statuses and team), each tenant's own, the dry run changing nothing. What the API
 * cannot show here (a new integration's settings, which {@link Harness#tenant} has already changed; a
 * second {@code create} of an event type's mapping, which the API's PUT by event type never reaches)
 * is in the plugin's {@code SettingsServicesTest}.
 */
class SettingsAndMappingsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static final String ROOT = "/settings/calendly/";
    static final String EVENT_TYPE = "https://api.calendly.com/event_types/53076e7d-d3a0-4ca0-97d5-bd327017a18e";
    static Harness h;
    /**
     * Two tenants, connected, with the standard settings, for the tests that change nothing (they
     * assert so): {@code acme} calls the API, {@code other} is another tenant. The rest connect their own.
     */
    static TestTenant acme;
    static TestTenant other;

    @BeforeAll
    static void start() {
        h = Harness.start(db.dataSource());
        acme = h.tenant("UTC");
        other = h.tenant("UTC");
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    // ---- calls of the tenant's admin -------------------------------------------------------------

    private static HttpResponse<String> get(TestTenant t, String path) {
        return h.call(t, "GET", ROOT + t.integration.id() + path, null);
    }

    private static HttpResponse<String> put(TestTenant t, String path, JsonNode body) {
        return h.call(t, "PUT", ROOT + t.integration.id() + path, body.toString());
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.request().method() + " " + r.uri().getPath() + ": " + r.body());
        return Harness.read(r.body());
    }

    private static JsonNode created(HttpResponse<String> r) {
        assertEquals(201, r.statusCode(), r.body());
        return Harness.read(r.body());
    }

    /** The error of a refused call: its status, and the field it names ({@code null}: none). */
    private static JsonNode fails(int status, String field, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.request().method() + " " + r.uri().getPath() + ": " + r.body());
        JsonNode error = Harness.read(r.body()).get("error");
        assertEquals(field, error.hasNonNull("field") ? error.get("field").asText() : null, r.body());
        return error;
    }

    private static ObjectNode json(String json) {
        return (ObjectNode) Harness.read(json);
    }

    private static ObjectNode mapping(String eventTypeUri, JsonNode rules) {
        ObjectNode m = Harness.JSON.createObjectNode().put("event_type_uri", eventTypeUri);
        m.set("rules", rules);
        return m;
    }

    /** Every key of {@code wanted} is stored as sent; a null is the key's default, an object is compared key by key. */
    private static void assertStored(JsonNode wanted, JsonNode stored, String path) {
        wanted.fields().forEachRemaining(e -> {
            JsonNode value = stored.get(e.getKey());
            if (e.getValue().isObject()) {
                assertStored(e.getValue(), value, path + e.getKey() + ".");
            } else if (!e.getValue().isNull()) {
                assertEquals(e.getValue(), value, path + e.getKey());
            }
        });
    }

    private static List<String> labels(JsonNode choices) {
        List<String> out = new ArrayList<>();
        choices.forEach(c -> out.add(c.get("label").asText()));
        return out;
    }

    // ---- settings ------------------------------------------------------------------------------

    /** Every settings key set to null: back to the defaults, key by key (the API's merge semantics). */
    private static JsonNode resetToDefaults(TestTenant t) {
        ObjectNode everyKey = Harness.JSON.createObjectNode();
        ok(get(t, "/settings")).fieldNames().forEachRemaining(everyKey::putNull);
        return ok(put(t, "/settings", everyKey));
    }

    @Test
    void theDefaults_andEmptyJsonChangesNothing() {
        TestTenant t = h.tenant("UTC");

        JsonNode s = resetToDefaults(t);

        assertEquals(s, ok(get(t, "/settings")));
        assertEquals(s, ok(put(t, "/settings", json("{}"))), "an empty change keeps the settings");
        assertTrue(s.get("create_contacts").asBoolean());
        assertTrue(s.at("/task/enabled").asBoolean());
        assertEquals("0", s.at("/task/due_offset_minutes").toString());
        assertTrue(s.at("/on_cancel/cancel_task").asBoolean());
        assertTrue(s.at("/on_reschedule/move_task").asBoolean());
        assertEquals("false", s.at("/routing_forms/enabled").toString());
    }

    @Test
    void update_storesAndReturnsTheSettings_inSnakeCaseJson() {
        TestTenant t = h.tenant("UTC");
        resetToDefaults(t);
        ObjectNode wanted = Harness.standardSettings(t);

        JsonNode stored = ok(put(t, "/settings", wanted));

        assertStored(wanted, stored, "");
        assertEquals(stored, ok(get(t, "/settings")));
        assertEquals(t.list("Newsletter"), stored.path("list_ids").get(0).asText());
        assertEquals("canceled", stored.path("on_cancel").path("status").asText());
        assertEquals(60, stored.path("on_no_show").path("task_due_offset_minutes").asInt());
    }

    @Test
    void unknownListId_is400NamingTheField_andStoresNothing() {
        TestTenant t = acme;
        JsonNode before = ok(get(t, "/settings"));
        ObjectNode change = Harness.JSON.createObjectNode();
        change.set("list_ids", Harness.ids(t.list("Leads"), other.list("Leads")));

        JsonNode e = fails(400, "list_ids[1]", put(t, "/settings", change));

        assertEquals("unknown_list", e.get("code").asText());
        assertEquals("list_ids[1] is not the id of one of this tenant's mailing lists", e.get("message").asText(),
                "names the field, never repeats the value (issue 13)");
        assertEquals(before, ok(get(t, "/settings")));
    }

    @Test
    void everyIdAndTemplateIsChecked() {
        TestTenant t = acme;
        JsonNode before = ok(get(t, "/settings"));
        String nope = UUID.randomUUID().toString();

        fails(400, "tag_ids[0]", put(t, "/settings", json("{\"tag_ids\":[\"" + nope + "\"]}")));
        fails(400, "contact_status", put(t, "/settings", json("{\"contact_status\":\"vip\"}")));
        fails(400, "default_owner_id", put(t, "/settings", json("{\"default_owner_id\":\"" + nope + "\"}")));
        fails(400, "on_cancel.tag_ids[0]", put(t, "/settings", json("{\"on_cancel\":{\"tag_ids\":[\"" + nope + "\"]}}")));
        fails(400, "on_no_show.status", put(t, "/settings", json("{\"on_no_show\":{\"status\":\"gone\"}}")));
        fails(400, "routing_forms.list_ids[0]", put(t, "/settings",
                json("{\"routing_forms\":{\"enabled\":true,\"list_ids\":[\"x\"]}}")));
        JsonNode e = fails(400, "task.title", put(t, "/settings",
                json("{\"task\":{\"enabled\":true,\"title\":\"Call {{invitee.nmae}}\"}}")));
        assertEquals("unknown_placeholder", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("docs/booking.md"), e.toString());
        assertFalse(e.get("message").asText().contains("nmae"), "an error never repeats the body (issue 13): " + e);
        fails(400, "task.due_offset_minutes", put(t, "/settings",
                json("{\"task\":{\"enabled\":true,\"due_offset_minutes\":50000}}")));
        JsonNode after = ok(get(t, "/settings"));
        assertEquals(before, after);
        assertStored(Harness.standardSettings(t), after, "");
    }

    @Test
    void anotherTenantsIntegration_isNotFoundLikeAMissingOne() {
        TestTenant mine = acme;
        JsonNode theirSettings = ok(get(other, "/settings"));

        for (String id : List.of(other.integration.id(), UUID.randomUUID().toString())) {
            fails(404, null, h.call(mine, "GET", ROOT + id + "/settings", null));
            fails(404, null, h.call(mine, "PUT", ROOT + id + "/settings", "{}"));
            fails(404, null, h.call(mine, "GET", ROOT + id + "/mappings", null));
            fails(404, null, h.call(mine, "PUT", ROOT + id + "/mappings", mapping(EVENT_TYPE, null).toString()));
            fails(404, null, h.call(mine, "GET", ROOT + id + "/dry-run?limit=5", null));
        }
        assertEquals(theirSettings, ok(get(other, "/settings")));
        assertStored(Harness.standardSettings(other), theirSettings, "");
    }

    // ---- mappings ------------------------------------------------------------------------------

    @Test
    void mappings_create_read_replace_delete() {
        TestTenant t = h.tenant("UTC");
        ObjectNode rules = json("{\"list_ids\":[\"" + t.list("Webinar") + "\"],\"tag_ids\":[],\"crm_status\":\"customer\","
                + "\"owner_id\":null,\"assign_calendly_host\":false,\"create_task\":true,\"task_title\":null,"
                + "\"task_description\":null,\"task_due_offset_minutes\":15}");

        JsonNode made = created(put(t, "/mappings", mapping(" " + EVENT_TYPE + " ", rules).put("event_type_name", "Strategy")));

        String id = made.get("id").asText();
        assertEquals(EVENT_TYPE, made.get("event_type_uri").asText());
        assertEquals(rules, made.get("rules"));
        assertEquals(made, ok(get(t, "/mappings/" + id)));
        assertEquals(List.of(made), List.copyOf(iterable(ok(get(t, "/mappings")).get("mappings"))));

        ObjectNode changed = json("{\"list_ids\":null,\"tag_ids\":[\"" + t.tag("vip") + "\"],\"crm_status\":null,"
                + "\"owner_id\":\"" + t.user("other@tenant.example") + "\",\"assign_calendly_host\":null,\"create_task\":null,"
                + "\"task_title\":\"{{event.name}}\",\"task_description\":null,\"task_due_offset_minutes\":null}");
        JsonNode updated = ok(put(t, "/mappings/" + id, mapping(EVENT_TYPE, changed).put("event_type_name", "Strategy 2")));
        assertEquals(changed, ok(get(t, "/mappings/" + id)).get("rules"));
        assertEquals("Strategy 2", updated.get("event_type_name").asText());

        assertEquals(204, h.call(t, "DELETE", ROOT + t.integration.id() + "/mappings/" + id, null).statusCode());
        fails(404, null, get(t, "/mappings/" + id));
        fails(404, null, h.call(t, "DELETE", ROOT + t.integration.id() + "/mappings/" + id, null));
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Test
    void mappings_areValidatedLikeSettings() {
        TestTenant t = acme;

        fails(400, "event_type_uri", put(t, "/mappings", json("{}")));
        fails(400, "event_type_uri", put(t, "/mappings", mapping("https://api.calendly.com/users/ABC", null)));
        fails(400, "rules.list_ids[0]", put(t, "/mappings", mapping(EVENT_TYPE,
                json("{\"list_ids\":[\"" + other.list("Leads") + "\"]}"))));
        fails(400, "rules.crm_status", put(t, "/mappings", mapping(EVENT_TYPE, json("{\"crm_status\":\"nope\"}"))));
        fails(400, "rules.owner_id", put(t, "/mappings", mapping(EVENT_TYPE,
                json("{\"owner_id\":\"" + UUID.randomUUID() + "\"}"))));
        fails(400, "rules.task_description", put(t, "/mappings", mapping(EVENT_TYPE,
                json("{\"task_description\":\"{{answer.x}}\"}"))));
        assertTrue(ok(get(t, "/mappings")).get("mappings").isEmpty());
    }

    @Test
    void secondMappingForTheSameEventType_isAConflict_andOtherTenantsCannotTouchMappings() {
        TestTenant t = h.tenant("UTC");
        String m = created(put(t, "/mappings", mapping(EVENT_TYPE, null))).get("id").asText();
        String second = created(put(t, "/mappings", mapping("https://api.calendly.com/event_types/another", null))).get("id").asText();

        JsonNode e = fails(409, "event_type_uri", put(t, "/mappings/" + second, mapping(EVENT_TYPE, null)));

        assertEquals("mapping_exists", e.get("code").asText());
        fails(404, null, h.call(other, "GET", ROOT + t.integration.id() + "/mappings/" + m, null));
        fails(404, null, get(other, "/mappings/" + m));
        fails(404, null, put(other, "/mappings/" + m, mapping(EVENT_TYPE, null)));
        fails(404, null, h.call(other, "DELETE", ROOT + other.integration.id() + "/mappings/" + m, null));
        assertEquals(2, ok(get(t, "/mappings")).get("mappings").size());
    }

    @Test
    void choices_listTheTenantsListsTagsStatusesAndTeam() {
        TestTenant t = acme;

        JsonNode c = ok(get(t, "/choices"));

        assertEquals(List.of("Leads", "Newsletter", "Webinar"), labels(c.get("lists")));
        assertEquals(TestTenant.TAGS.size(), c.get("tags").size());
        List<String> statuses = new ArrayList<>();
        c.get("statuses").forEach(s -> statuses.add(s.get("id").asText()));
        assertEquals(TestTenant.STATUSES, statuses, "in position order");
        assertEquals(TestTenant.MEMBERS.size(), c.get("team_members").size());
    }

    // ---- dry run -------------------------------------------------------------------------------

    @Test
    void dryRun_showsWhatTheCurrentSettingsWouldDo_withoutDoingIt() {
        TestTenant t = h.tenant("America/New_York");
        h.fixture(t, "invitee.created.zoom.single-name-field.json");
        h.fixture(t, "invitee.canceled.by-invitee.json");
        h.fixture(t, "invitee.created.basic.json");
        ObjectNode rules = Harness.JSON.createObjectNode().put("crm_status", "customer")
                .put("task_title", "Prep {{invitee.first_name}}").put("task_due_offset_minutes", -60);
        rules.set("list_ids", Harness.ids(t.list("Webinar")));
        rules.set("tag_ids", Harness.ids(t.tag("vip")));
        h.mapping(t, EVENT_TYPE, "Content strategy", rules);
        List<String> before = h.snapshot(t);

        JsonNode items = ok(get(t, "/dry-run?limit=2")).get("items");

        assertEquals(before, h.snapshot(t), "nothing changed");
        assertEquals(2, items.size());
        JsonNode mapped = items.get(0);
        assertEquals("jamie.sample@example.com", mapped.get("email").asText(), "newest first");
        assertEquals("update", mapped.get("contact_action").asText());
        assertEquals("customer", mapped.get("contact_status").asText());
        assertEquals(Harness.read("[{\"id\":\"" + t.list("Webinar") + "\",\"label\":\"Webinar\"}]"), mapped.get("lists"));
        assertEquals(Harness.read("[{\"id\":\"" + t.tag("vip") + "\",\"label\":\"vip\"}]"), mapped.get("tags"));
        assertEquals("calendly_host", mapped.get("owner_source").asText());
        assertEquals(t.user("host-alpha@example.org"), mapped.at("/owner/id").asText());
        assertEquals("Prep Jamie", mapped.at("/task/title").asText());
        assertEquals("2026-04-21T01:00:00Z", mapped.at("/task/due_at").asText());
        assertEquals("Mon 20 Apr 2026 21:00 EDT", mapped.at("/task/due_local").asText());
        assertEquals("OPEN", mapped.at("/task/state").asText());
        assertTrue(mapped.get("problems").isEmpty(), mapped.get("problems").toString());

        JsonNode canceled = items.get(1);
        assertEquals("CANCELED", canceled.get("booking_status").asText());
        assertTrue(canceled.get("mapping_id").isNull());
        assertEquals("canceled", canceled.get("contact_status").asText());
        assertEquals(List.of("calendly", "booked", "canceled"), labels(canceled.get("tags")));
        assertEquals("CANCELED", canceled.at("/task/state").asText());
    }

    @Test
    void dryRun_pointsAtSettingsThatNameDeletedThings_andRefusesABadCount() {
        TestTenant t = h.tenant("UTC");
        h.fixture(t, "invitee.created.basic.json");
        DSL.using(db.dataSource(), SQLDialect.POSTGRES).deleteFrom(io.calbridge.db.host.Tables.MAILING_LIST)
                .where(io.calbridge.db.host.Tables.MAILING_LIST.ID.eq(UUID.fromString(t.list("Leads")))).execute();

        JsonNode item = ok(get(t, "/dry-run?limit=10")).get("items").get(0);

        assertEquals(List.of("list_ids of the integration's booking settings names mailing list " + t.list("Leads")
                + ", which no longer exists"), List.of(item.get("problems").get(0).asText()));
        assertEquals(1, item.get("problems").size());
        assertEquals(List.of("Newsletter"), labels(item.get("lists")));
        fails(400, "limit", get(t, "/dry-run?limit=0"));
    }
}
