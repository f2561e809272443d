package io.calbridge.calendly.internal.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.HostileJson;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property (issue 13): random and hostile bodies at the webhook endpoints, correctly signed (so they
 * get past the signature and reach parsing and storage), never get a 5xx or an answer that repeats
 * the body, and a refused body stores nothing while an accepted one is stored byte for byte.
 */
class HostileWebhookInputTest {
    static final List<String> KEYS = List.of("event", "payload", "created_at", "created_by", "uri", "email", "name",
            "scheduled_event", "event_type", "old_invitee", "new_invitee", "cancellation", "no_show", "rescheduled",
            "questions_and_answers", "tracking", "updated_at", "status", "start_time", "end_time", "location", "join_url");
    static final List<String> VOCABULARY = List.of("invitee.created", "invitee.canceled", "invitee_no_show.created",
            "invitee.no_show", "routing_form_submission.created", "https://api.calendly.com/scheduled_events/E1/invitees/I1",
            "https://api.calendly.com/event_types/ET1", "2026-05-01T10:00:00.000000Z", "not a time", "jane@example.com");

    static TestDatabase db;
    static WebhookHarness h;
    static TestIntegrations.TestIntegration integration;

    @BeforeContainer
    static void start() throws Exception {
        db = TestDatabase.migratedBy(CalendlySchema::migrate);
        db.start("HostileWebhookInputTest");
        h = WebhookHarness.storeOnly(db.dataSource());
        integration = h.integrations.create("tenant-hostile", Secret.of("hostile-key"));
    }

    @AfterContainer
    static void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        db.stop();
    }

    @Provide
    Arbitrary<String> bodies() {
        // Mostly envelopes: an event name and a payload object around hostile content.
        Arbitrary<String> envelopes = HostileJson.bodies(KEYS, VOCABULARY).map(inner -> inner.startsWith("{")
                ? "{\"event\":\"invitee.created\",\"created_at\":\"2026-05-01T10:00:00.000000Z\",\"payload\":" + inner + "}" : inner);
        return Arbitraries.oneOf(envelopes, HostileJson.bodies(KEYS, VOCABULARY));
    }

    @Property(tries = 300)
    void signedHostileBodies_neverA5xx_andStoredWholeOrNotAtAll(@ForAll("bodies") String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        int before = h.inbox(integration.id()).size();

        HttpResponse<String> r = h.deliverSigned(integration, body);

        String shown = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        assertTrue(r.statusCode() == 200 || r.statusCode() == 400 || r.statusCode() == 413,
                r.statusCode() + " for " + shown + " -> " + r.body());
        assertFalse(r.body().contains("JaneDoe"), r.body());
        List<WebhookHarness.InboxRow> after = h.inbox(integration.id());
        if (r.statusCode() != 200) {
            assertEquals(before, after.size(), "a refused body was stored: " + shown);
        } else if (!"duplicate".equals(WebhookHarness.status(r))) {
            assertEquals(before + 1, after.size(), shown);
            assertArrayEquals(body, h.opened(after.get(after.size() - 1)), "stored byte for byte (sealed, opens whole)");
        }
    }
}
