package io.calbridge.calendly.internal.webhook;

import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.calbridge.calendly.internal.common.Json;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
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

    /** The pattern the scanner replaced; fine on short strings, quadratic on long ones without '@'. */
    private static final Pattern OLD_EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    @Test
    void emailScanner_findsWhatTheOldPatternFound_onRandomText() {
        Random random = new Random(13);
        String alphabet = "ab1.@-_+ cox";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(24); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String input = text.toString();

            assertEquals(OLD_EMAIL.matcher(input).replaceAll("[redacted]"), PayloadRedactor.emails(input), input);
        }
    }

    @Test
    void mebibyteStringsWithoutStructure_areScrubbedInLinearTime() {
        // 40,000 characters without '@' took 24 s with the old pattern, 1 MiB about 50 minutes.
        String[] hostile = {"a".repeat(1 << 20), "a@".repeat(1 << 19), "a.b".repeat(350_000) + "@",
                "1.".repeat(1 << 19), "a:".repeat(1 << 19), "http://zoom.us".repeat(75_000), "+1 ".repeat(350_000)};

        for (String text : hostile) {
            String scrubbed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> PayloadRedactor.scrub(text));
            assertTrue(scrubbed.length() > 0);
        }
    }

    @Test
    void meetingJoinUrlsIdsAndPasswords_areRedacted() throws Exception {
        for (String fixture : new String[] {"invitee.created.zoom.single-name-field.json",
                "invitee.created.google-meet-processing.with-guest.json"}) {
            var original = Json.mapper().readTree(CalendlyFixtures.webhook(fixture));
            var location = original.path("payload").path("scheduled_event").path("location");

            var redacted = PayloadRedactor.redact(original);
            var redactedLocation = redacted.path("payload").path("scheduled_event").path("location");
            String text = Json.mapper().writeValueAsString(redacted);

            assertEquals("[redacted]", redactedLocation.path("join_url").asText(), fixture);
            assertFalse(text.contains(location.path("join_url").asText()), fixture);
            assertEquals(location.path("type"), redactedLocation.path("type"), fixture);
            assertEquals(location.path("status"), redactedLocation.path("status"), fixture);
            if (location.has("data")) {
                assertEquals("[redacted]", redactedLocation.path("data").asText(), fixture);
                assertFalse(text.contains("\"password\":\"" + location.path("data").path("password").asText()), fixture);
                assertFalse(text.contains(location.path("data").path("id").asText()), fixture);
            }
        }
    }

    @Test
    void meetingLinksInFreeText_areRedacted_otherLinksStay() throws Exception {
        var node = Json.mapper().readTree("{\"location\":{\"type\":\"custom\",\"location\":"
                + "\"Join https://us02web.zoom.us/j/85550000001?pwd=SECRET.1 or call\"},"
                + "\"teams\":\"<https://teams.microsoft.com/l/meetup-join/19%3ameeting>\","
                + "\"cancel_url\":\"https://calendly.com/cancellations/AAAA\",\"site\":\"see https://example.com/zoom.us\"}");

        var redacted = PayloadRedactor.redact(node);

        assertEquals("Join [redacted] or call", redacted.path("location").path("location").asText());
        assertEquals("<[redacted]>", redacted.path("teams").asText());
        assertEquals("https://calendly.com/cancellations/AAAA", redacted.path("cancel_url").asText());
        assertEquals("see https://example.com/zoom.us", redacted.path("site").asText());
    }
}
