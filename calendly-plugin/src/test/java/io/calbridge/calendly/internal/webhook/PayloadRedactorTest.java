package io.calbridge.calendly.internal.webhook;

import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PayloadRedactorTest {

    static java.util.List<String> fixtures() {
        return CalendlyFixtures.webhookDeliveries();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void redactedFixture_hasNoEmailNameOrAnswerLeft(String name) throws Exception {
        var original = Json.mapper().readTree(CalendlyFixtures.webhook(name));

        var tree = PayloadRedactor.redact(original);
        String redacted = Json.mapper().writeValueAsString(tree);

        assertFalse(redacted.matches("(?s).*[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}.*"), redacted);
        var payload = original.path("payload");
        boolean eventType = original.path("event").asText().startsWith("event_type.");
        for (String field : new String[] {"name", "email", "first_name", "last_name", "text_reminder_number"}) {
            String value = payload.path(field).asText("");
            if (value.length() > 3 && !(eventType && field.equals("name"))) {
                assertFalse(redacted.contains("\"" + value + "\""), field + " leaked in " + name);
            }
        }
        for (var qa : tree.path("payload").path("questions_and_answers")) {
            assertEquals("[redacted]", qa.path("answer").asText(), "answer leaked in " + name);
        }
        for (var host : tree.path("payload").path("scheduled_event").path("event_memberships")) {
            assertEquals("[redacted]", host.path("user_email").asText(), name);
        }
    }

    @Test
    void structureUrisTimesAndEventNameStay() throws Exception {
        var original = Json.mapper().readTree(CalendlyFixtures.webhook("invitee.created.basic.json"));

        var redacted = PayloadRedactor.redact(original);

        assertEquals(original.path("event"), redacted.path("event"));
        assertEquals(original.path("payload").path("uri"), redacted.path("payload").path("uri"));
        assertEquals(original.path("payload").path("scheduled_event").path("start_time"),
                redacted.path("payload").path("scheduled_event").path("start_time"));
        assertEquals(original.path("payload").path("scheduled_event").path("name"),
                redacted.path("payload").path("scheduled_event").path("name"));
        assertEquals(original.path("payload").path("tracking"), redacted.path("payload").path("tracking"));
        assertEquals("[redacted]", redacted.path("payload").path("email").asText());
        assertEquals(original.path("payload").path("questions_and_answers").path(0).path("question"),
                redacted.path("payload").path("questions_and_answers").path(0).path("question"));
    }

    @Test
    void phoneLocationsAndIpLikeTextAreRedacted() throws Exception {
        var node = Json.mapper().readTree("{\"location\":{\"type\":\"outbound_call\",\"location\":\"+1 555 0100\"},"
                + "\"note\":\"call me from 10.1.2.3 or +44 20 7946 0958\",\"when\":\"2026-04-19T20:58:38.460659Z\",\"n\":\"+49 30 1234567\"}");

        var redacted = PayloadRedactor.redact(node);

        assertEquals("[redacted]", redacted.path("location").path("location").asText());
        assertTrue(redacted.path("note").asText().contains("[redacted]"));
        assertFalse(redacted.path("note").asText().contains("10.1.2.3"));
        assertEquals("2026-04-19T20:58:38.460659Z", redacted.path("when").asText());
        assertEquals("[redacted]", redacted.path("n").asText());
    }
}
