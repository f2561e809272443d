package io.calbridge.calendly.internal.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.client.ScheduledEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {

    @Test
    void unknownPlaceholders_areNamed_knownOnesAndAnswerNumbersPass() {
        assertEquals(List.of("invitee.nmae", "answer.0"),
                Templates.unknownPlaceholders("{{invitee.nmae}} {{ event.name }} {{answer.3}} {{answer.0}} {{utm.source}}"));
        assertTrue(Templates.unknownPlaceholders(BookingSettings.DEFAULT_TASK_DESCRIPTION).isEmpty());
        assertTrue(Templates.unknownPlaceholders(BookingSettings.DEFAULT_NO_SHOW_TASK_TITLE).isEmpty());
    }

    @Test
    void render_fillsValues_leavesMissingOnesEmpty_andKeepsDollarSignsLiteral() {
        assertEquals("Call Ann about $5 -", Templates.render("Call {{invitee.name}} about $5 - {{utm.term}}",
                Map.of("invitee.name", "Ann")));
    }

    @Test
    void meetingTimesShowInTheTenantsZone_answersInCalendlysOrder() {
        var q1 = new Invitee.QuestionAndAnswer("Second ", "b", 1);
        var q0 = new Invitee.QuestionAndAnswer("First", "a", 0);
        var event = new ScheduledEvent("e", "Intro ", "active", Instant.parse("2026-04-21T02:00:00Z"),
                Instant.parse("2026-04-21T02:45:00Z"), "t", null, null, null, null, List.of(), List.of(), null, null, null, null);
        var p = new Invitee("u", "x@example.com", "X", null, null, "active", "UTC", "e", null, null, null, null, false,
                null, null, List.of(q1, q0), null, null, null, null, null, null, null, null, null, event);

        var v = TemplateValues.of(p, ZoneId.of("America/Denver"));

        assertEquals("Mon 20 Apr 2026 20:00 MDT", v.get("event.start_local"));
        assertEquals("20:00 MDT", v.get("event.time_local"));
        assertEquals("2026-04-21T02:00:00Z", v.get("event.start_utc"));
        assertEquals("Intro", v.get("event.name"));
        assertEquals("a", v.get("answer.1"));
        assertEquals("First: a\nSecond: b", v.get("answers"));
    }
}
