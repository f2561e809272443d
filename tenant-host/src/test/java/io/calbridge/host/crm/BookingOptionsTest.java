package io.calbridge.host.crm;

import io.calbridge.fixtures.InviteeEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Settings that switch effects off or on: contacts, task moves, routing forms. Settings go through
 * the settings API, deliveries to the tenant's webhook URL ({@link Harness}).
 */
class BookingOptionsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static Harness h;

    @BeforeAll
    static void start() {
        h = Harness.start(db.dataSource());
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** A tenant with the standard settings and {@code change} (JSON, as the settings API merges it) on top. */
    private static TestTenant tenant(String change) {
        return tenant(t -> change);
    }

    private static TestTenant tenant(Function<TestTenant, String> change) {
        TestTenant t = h.tenant("America/New_York");
        h.settings(t, Harness.read(change.apply(t)));
        return t;
    }

    private static TestTenant contactsOff() {
        return tenant("{\"create_contacts\": false}");
    }

    @Test
    void contactsOff_andNoContactWithThatEmail_createsOnlyTheTask() {
        TestTenant t = contactsOff();

        h.fixture(t, "invitee.created.basic.json");

        CrmView v = h.view(t);
        assertTrue(v.contacts().isEmpty());
        assertEquals(1, v.tasks().size());
        assertNull(v.tasks().get(0).contactEmail());
        assertTrue(v.activities().isEmpty(), "no contact, no timeline");
    }

    @Test
    void contactsOff_butTheContactExists_updatesAndLinksIt() {
        TestTenant t = contactsOff();
        Crm.hostServices(db.dataSource()).contacts().findOrCreate(HostCall.effect(t.tenantId, "manual", null), new ContactDraft("JAMIE.sample@example.com",
                "Jamie S.", null, null, null, null, "lead", null, Map.of("Note", "met at a fair"), "manual"));

        h.fixture(t, "invitee.created.basic.json");

        CrmView v = h.view(t);
        var c = v.contact("jamie.sample@example.com");
        assertEquals("booked", c.status());
        assertEquals("host-alpha@example.org", c.ownerEmail(), "it had no owner");
        assertEquals("met at a fair", c.fields().get("Note"));
        assertEquals("dmteam", c.fields().get("utm_source"));
        assertEquals(Set.of("Newsletter", "Leads"), v.lists(c.email()));
        assertEquals(c.email(), v.tasks().get(0).contactEmail());
    }

    @Test
    void moveTaskOff_keepsTheFirstDueTimeOnReschedule() {
        TestTenant t = tenant("{\"on_reschedule\": {\"tag_ids\": [], \"move_task\": false}}");

        h.deliver(t, InviteeEvent.basedOn("invitee.canceled.reschedule-old.json").asCreated().bytes());
        h.fixture(t, "invitee.created.reschedule-new.json");
        h.fixture(t, "invitee.canceled.reschedule-old.json");

        var tasks = h.view(t).tasks();
        assertEquals(1, tasks.size());
        assertEquals(Instant.parse("2026-04-17T20:00:00Z"), tasks.get(0).dueAt());
        assertEquals("OPEN", tasks.get(0).status());
    }

    // ---- routing forms -------------------------------------------------------------------------

    static byte[] submission(String id, String email) {
        String answers = "[{\"answer\":\"Rita Router\",\"question\":\"Your name\",\"question_uuid\":\"q1\"},"
                + (email == null ? "" : "{\"answer\":\"" + email + "\",\"question\":\"Work email\",\"question_uuid\":\"q2\"},")
                + "{\"answer\":\"11-50\",\"question\":\"Company size \",\"question_uuid\":\"q3\"}]";
        return ("{\"created_at\":\"2026-04-19T10:00:01.000000Z\",\"created_by\":\"https://api.calendly.com/users/u1\","
                + "\"event\":\"routing_form_submission.created\",\"payload\":{\"created_at\":\"2026-04-19T10:00:00.123456Z\","
                + "\"questions_and_answers\":" + answers + ",\"result\":{\"type\":\"event_type\",\"value\":"
                + "\"https://api.calendly.com/event_types/et1\"},\"routing_form\":\"https://api.calendly.com/routing_forms/rf1\","
                + "\"submitter\":null,\"submitter_type\":null,\"tracking\":{\"utm_campaign\":\"spring\",\"utm_source\":\"ads\","
                + "\"utm_medium\":null,\"utm_content\":null,\"utm_term\":null,\"salesforce_uuid\":null},"
                + "\"updated_at\":\"2026-04-19T10:00:00.123456Z\",\"uri\":\"https://api.calendly.com/routing_form_submissions/" + id + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void routingFormSubmission_whenEnabled_becomesAContactWithItsAnswers_once() {
        TestTenant t = tenant(x -> "{\"routing_forms\": {\"enabled\": true, \"list_ids\": [\"" + firstList(x)
                + "\"], \"tag_ids\": [], \"status\": \"lead\"}}");

        for (int i = 0; i < 3; i++) {
            assertEquals("DONE", h.deliver(t, submission("s1", "rita@example.com")).status());
        }

        CrmView v = h.view(t);
        var c = v.contact("rita@example.com");
        assertEquals("Rita Router", c.fullName());
        assertEquals("lead", c.status());
        assertEquals(Map.of("Your name", "Rita Router", "Work email", "rita@example.com", "Company size", "11-50",
                "utm_campaign", "spring", "utm_source", "ads"), c.fields());
        assertEquals(1, v.lists(c.email()).size());
        assertEquals(List.of("calendly.routing_form"), v.activityKinds(c.email()));
        assertEquals(Instant.parse("2026-04-19T10:00:00.123456Z"), v.activities().get(0).occurredAt());
        assertTrue(v.tasks().isEmpty(), "a submission is not a meeting");
    }

    /** The first list of the standard settings: Newsletter. */
    private static String firstList(TestTenant t) {
        return Harness.standardSettings(t).get("list_ids").get(0).asText();
    }

    @Test
    void routingFormSubmission_isIgnoredWhenDisabledOrWithoutAnEmail() {
        TestTenant off = h.tenant("UTC");
        // Every setting back to its default (null resets a key), routing forms on.
        TestTenant on = tenant("{\"create_contacts\": null, \"contact_status\": null, \"default_owner_id\": null, "
                + "\"assign_calendly_host\": null, \"list_ids\": null, \"tag_ids\": null, \"task\": null, \"on_cancel\": null, "
                + "\"on_no_show\": null, \"on_reschedule\": null, \"routing_forms\": {\"enabled\": true}}");

        assertEquals("IGNORED", h.deliver(off, submission("s2", "x@example.com")).status());
        assertEquals("IGNORED", h.deliver(on, submission("s3", null)).status());

        assertTrue(h.view(off).contacts().isEmpty());
        assertTrue(h.view(on).contacts().isEmpty());
    }
}
