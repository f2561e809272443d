package io.calbridge.host.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.DryRunItem;
import io.calbridge.calendly.internal.booking.EventTypeMapping;
import io.calbridge.calendly.internal.booking.MappingInput;
import io.calbridge.calendly.internal.booking.MappingRules;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

class SettingsAndMappingsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static EngineHarness h;
    static final String EVENT_TYPE = "https://api.calendly.com/event_types/53076e7d-d3a0-4ca0-97d5-bd327017a18e";

    @BeforeAll
    static void wire() {
        h = new EngineHarness(db.dataSource());
    }

    private static ApiException fails(int status, String field, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        return e;
    }

    private static BookingSettings withLists(BookingSettings s, List<String> lists) {
        return new BookingSettings(s.createContacts(), s.contactStatus(), s.defaultOwnerId(), s.assignCalendlyHost(), lists,
                s.tagIds(), s.task(), s.onCancel(), s.onNoShow(), s.onReschedule(), s.routingForms());
    }

    // ---- settings ------------------------------------------------------------------------------

    @Test
    void newIntegration_hasTheDefaults_andEmptyJsonMeansDefaults() throws Exception {
        TestTenant t = h.unconfigured("UTC");

        BookingSettings s = h.bookings.settings().get(t.tenantId, t.integrationId);

        assertEquals(BookingSettings.defaults(), s);
        assertEquals(BookingSettings.defaults(), Json.mapper().readValue("{}", BookingSettings.class));
        assertTrue(s.createContacts());
        assertTrue(s.task().enabled());
        assertEquals(0, s.task().dueOffsetMinutes());
        assertTrue(s.onCancel().cancelTask());
        assertTrue(s.onReschedule().moveTask());
        assertEquals(false, s.routingForms().enabled());
    }

    @Test
    void update_storesAndReturnsTheSettings_inSnakeCaseJson() {
        TestTenant t = h.unconfigured("UTC");
        BookingSettings wanted = EngineHarness.standardSettings(t);

        BookingSettings stored = h.bookings.settings().update(t.tenantId, t.integrationId, wanted);

        assertEquals(wanted, stored);
        assertEquals(wanted, h.bookings.settings().get(t.tenantId, t.integrationId));
        JsonNode json = Json.mapper().valueToTree(stored);
        assertEquals(t.list("Newsletter"), json.path("list_ids").get(0).asText());
        assertEquals("canceled", json.path("on_cancel").path("status").asText());
        assertEquals(60, json.path("on_no_show").path("task_due_offset_minutes").asInt());
    }

    @Test
    void unknownListId_is400NamingTheField_andStoresNothing() {
        TestTenant t = h.tenant("UTC");
        TestTenant other = h.tenant("UTC");
        BookingSettings before = h.bookings.settings().get(t.tenantId, t.integrationId);

        var e = fails(400, "list_ids[1]", () -> h.bookings.settings().update(t.tenantId, t.integrationId,
                withLists(before, List.of(t.list("Leads"), other.list("Leads")))));

        assertEquals("unknown_list", e.code());
        assertEquals("list_ids[1] is not the id of one of this tenant's mailing lists", e.getMessage(),
                "names the field, never repeats the value (issue 13)");
        assertEquals(before, h.bookings.settings().get(t.tenantId, t.integrationId));
    }

    @Test
    void everyIdAndTemplateIsChecked() {
        TestTenant t = h.tenant("UTC");
        BookingSettings s = EngineHarness.standardSettings(t);
        String nope = UUID.randomUUID().toString();
        var settings = h.bookings.settings();

        fails(400, "tag_ids[0]", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, null, null, null, null,
                List.of(nope), null, null, null, null, null)));
        fails(400, "contact_status", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, "vip", null, null,
                null, null, null, null, null, null, null)));
        fails(400, "default_owner_id", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, null, nope, null,
                null, null, null, null, null, null, null)));
        fails(400, "on_cancel.tag_ids[0]", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, null, null,
                null, null, null, null, new BookingSettings.CancelSettings(List.of(nope), null, null), null, null, null)));
        fails(400, "on_no_show.status", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, null, null,
                null, null, null, null, null, new BookingSettings.NoShowSettings(null, "gone", null, null, null, null, null), null, null)));
        fails(400, "routing_forms.list_ids[0]", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, null,
                null, null, null, null, null, null, null, null, new BookingSettings.RoutingFormSettings(true, List.of("x"), null, null))));
        var e = fails(400, "task.title", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, null, null,
                null, null, null, new BookingSettings.TaskSettings(true, "Call {{invitee.nmae}}", null, null), null, null, null, null)));
        assertEquals("unknown_placeholder", e.code());
        assertTrue(e.getMessage().contains("docs/booking.md"), e.getMessage());
        assertFalse(e.getMessage().contains("nmae"), "an error never repeats the body (issue 13): " + e.getMessage());
        fails(400, "task.due_offset_minutes", () -> settings.update(t.tenantId, t.integrationId, new BookingSettings(null, null,
                null, null, null, null, new BookingSettings.TaskSettings(true, null, null, 50_000), null, null, null, null)));
        assertEquals(s, settings.get(t.tenantId, t.integrationId));
    }

    @Test
    void anotherTenantsIntegration_isNotFoundLikeAMissingOne() {
        TestTenant mine = h.tenant("UTC");
        TestTenant theirs = h.tenant("UTC");

        fails(404, null, () -> h.bookings.settings().get(mine.tenantId, theirs.integrationId));
        fails(404, null, () -> h.bookings.settings().get(mine.tenantId, UUID.randomUUID()));
        fails(404, null, () -> h.bookings.settings().update(mine.tenantId, theirs.integrationId, BookingSettings.defaults()));
        fails(404, null, () -> h.bookings.mappings().list(mine.tenantId, theirs.integrationId));
        fails(404, null, () -> h.bookings.mappings().create(mine.tenantId, theirs.integrationId,
                new MappingInput(EVENT_TYPE, null, null)));
        fails(404, null, () -> h.bookings.dryRun().preview(mine.tenantId, theirs.integrationId, 5));
        assertEquals(EngineHarness.standardSettings(theirs), h.bookings.settings().get(theirs.tenantId, theirs.integrationId));
    }

    // ---- mappings ------------------------------------------------------------------------------

    @Test
    void mappings_create_read_replace_delete() {
        TestTenant t = h.tenant("UTC");
        var mappings = h.bookings.mappings();
        MappingRules rules = new MappingRules(List.of(t.list("Webinar")), List.of(), "customer", null, false, true, null, null, 15);

        EventTypeMapping created = mappings.create(t.tenantId, t.integrationId, new MappingInput(" " + EVENT_TYPE + " ", "Strategy", rules));

        assertEquals(EVENT_TYPE, created.eventTypeUri());
        assertEquals(created, mappings.get(t.tenantId, t.integrationId, created.id()));
        assertEquals(List.of(created), mappings.list(t.tenantId, t.integrationId));

        MappingRules changed = new MappingRules(null, List.of(t.tag("vip")), null, t.user("other@tenant.example"), null, null,
                "{{event.name}}", null, null);
        EventTypeMapping updated = mappings.update(t.tenantId, t.integrationId, created.id(), new MappingInput(EVENT_TYPE, "Strategy 2", changed));
        assertEquals(changed, mappings.get(t.tenantId, t.integrationId, created.id()).rules());
        assertEquals("Strategy 2", updated.eventTypeName());

        mappings.delete(t.tenantId, t.integrationId, created.id());
        fails(404, null, () -> mappings.get(t.tenantId, t.integrationId, created.id()));
        fails(404, null, () -> mappings.delete(t.tenantId, t.integrationId, created.id()));
    }

    @Test
    void mappings_areValidatedLikeSettings() {
        TestTenant t = h.tenant("UTC");
        TestTenant other = h.tenant("UTC");
        var mappings = h.bookings.mappings();

        fails(400, "event_type_uri", () -> mappings.create(t.tenantId, t.integrationId, new MappingInput(null, null, null)));
        fails(400, "event_type_uri", () -> mappings.create(t.tenantId, t.integrationId,
                new MappingInput("https://api.calendly.com/users/ABC", null, null)));
        fails(400, "rules.list_ids[0]", () -> mappings.create(t.tenantId, t.integrationId, new MappingInput(EVENT_TYPE, null,
                new MappingRules(List.of(other.list("Leads")), null, null, null, null, null, null, null, null))));
        fails(400, "rules.crm_status", () -> mappings.create(t.tenantId, t.integrationId, new MappingInput(EVENT_TYPE, null,
                new MappingRules(null, null, "nope", null, null, null, null, null, null))));
        fails(400, "rules.owner_id", () -> mappings.create(t.tenantId, t.integrationId, new MappingInput(EVENT_TYPE, null,
                new MappingRules(null, null, null, UUID.randomUUID().toString(), null, null, null, null, null))));
        fails(400, "rules.task_description", () -> mappings.create(t.tenantId, t.integrationId, new MappingInput(EVENT_TYPE, null,
                new MappingRules(null, null, null, null, null, null, null, "{{answer.x}}", null))));
        assertTrue(mappings.list(t.tenantId, t.integrationId).isEmpty());
    }

    @Test
    void secondMappingForTheSameEventType_isAConflict_andOtherTenantsCannotTouchMappings() {
        TestTenant t = h.tenant("UTC");
        TestTenant other = h.tenant("UTC");
        var mappings = h.bookings.mappings();
        EventTypeMapping m = mappings.create(t.tenantId, t.integrationId, new MappingInput(EVENT_TYPE, null, null));
        EventTypeMapping second = mappings.create(t.tenantId, t.integrationId,
                new MappingInput("https://api.calendly.com/event_types/another", null, null));

        var e = fails(409, "event_type_uri", () -> mappings.create(t.tenantId, t.integrationId, new MappingInput(EVENT_TYPE, null, null)));
        assertEquals("mapping_exists", e.code());
        fails(409, "event_type_uri", () -> mappings.update(t.tenantId, t.integrationId, second.id(), new MappingInput(EVENT_TYPE, null, null)));
        fails(404, null, () -> mappings.get(other.tenantId, t.integrationId, m.id()));
        fails(404, null, () -> mappings.get(other.tenantId, other.integrationId, m.id()));
        fails(404, null, () -> mappings.update(other.tenantId, other.integrationId, m.id(), new MappingInput(EVENT_TYPE, null, null)));
        fails(404, null, () -> mappings.delete(other.tenantId, other.integrationId, m.id()));
        assertEquals(2, mappings.list(t.tenantId, t.integrationId).size());
    }

    @Test
    void choices_listTheTenantsListsTagsStatusesAndTeam() {
        TestTenant t = h.tenant("UTC");

        var c = h.bookings.settings().choices(t.tenantId);

        assertEquals(List.of("Leads", "Newsletter", "Webinar"), c.lists().stream().map(Choice::label).toList());
        assertEquals(TestTenant.TAGS.size(), c.tags().size());
        assertEquals(TestTenant.STATUSES, c.statuses().stream().map(Choice::id).toList(), "in position order");
        assertEquals(TestTenant.MEMBERS.size(), c.teamMembers().size());
    }

    // ---- dry run -------------------------------------------------------------------------------

    @Test
    void dryRun_showsWhatTheCurrentSettingsWouldDo_withoutDoingIt() {
        TestTenant t = h.tenant("America/New_York");
        h.fixture(t, "invitee.created.zoom.single-name-field.json");
        h.fixture(t, "invitee.canceled.by-invitee.json");
        h.fixture(t, "invitee.created.basic.json");
        h.bookings.mappings().create(t.tenantId, t.integrationId, new MappingInput(EVENT_TYPE, "Content strategy",
                new MappingRules(List.of(t.list("Webinar")), List.of(t.tag("vip")), "customer", null, null, null,
                        "Prep {{invitee.first_name}}", null, -60)));
        List<String> before = h.view(t).snapshot();

        List<DryRunItem> items = h.bookings.dryRun().preview(t.tenantId, t.integrationId, 2);

        assertEquals(before, h.view(t).snapshot(), "nothing changed");
        assertEquals(2, items.size());
        DryRunItem mapped = items.get(0);
        assertEquals("jamie.sample@example.com", mapped.email(), "newest first");
        assertEquals("update", mapped.contactAction());
        assertEquals("customer", mapped.contactStatus());
        assertEquals(List.of(new Choice(t.list("Webinar"), "Webinar")), mapped.lists());
        assertEquals(List.of(new Choice(t.tag("vip"), "vip")), mapped.tags());
        assertEquals("calendly_host", mapped.ownerSource());
        assertEquals(t.user("host-alpha@example.org"), mapped.owner().id());
        assertEquals("Prep Jamie", mapped.task().title());
        assertEquals(Instant.parse("2026-04-21T01:00:00Z"), mapped.task().dueAt());
        assertEquals("Mon 20 Apr 2026 21:00 EDT", mapped.task().dueLocal());
        assertEquals("OPEN", mapped.task().state());
        assertTrue(mapped.problems().isEmpty(), mapped.problems().toString());

        DryRunItem canceled = items.get(1);
        assertEquals("CANCELED", canceled.bookingStatus());
        assertNull(canceled.mappingId());
        assertEquals("canceled", canceled.contactStatus());
        assertEquals(List.of("calendly", "booked", "canceled"), canceled.tags().stream().map(Choice::label).toList());
        assertEquals("CANCELED", canceled.task().state());
    }

    @Test
    void dryRun_pointsAtSettingsThatNameDeletedThings_andRefusesABadCount() {
        TestTenant t = h.tenant("UTC");
        h.fixture(t, "invitee.created.basic.json");
        DSL.using(db.dataSource(), SQLDialect.POSTGRES).deleteFrom(io.calbridge.db.host.Tables.MAILING_LIST)
                .where(io.calbridge.db.host.Tables.MAILING_LIST.ID.eq(UUID.fromString(t.list("Leads")))).execute();

        DryRunItem item = h.bookings.dryRun().preview(t.tenantId, t.integrationId, 10).get(0);

        assertEquals(List.of("list_ids of the integration's booking settings names mailing list " + t.list("Leads")
                + ", which no longer exists"), item.problems());
        assertEquals(List.of("Newsletter"), item.lists().stream().map(Choice::label).toList());
        fails(400, "n", () -> h.bookings.dryRun().preview(t.tenantId, t.integrationId, 0));
    }
}
