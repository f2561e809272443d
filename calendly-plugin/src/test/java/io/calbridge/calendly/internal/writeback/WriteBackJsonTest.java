package io.calbridge.calendly.internal.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.calendly.ActionResult;
import io.calbridge.calendly.Meeting;
import io.calbridge.calendly.Meetings;
import io.calbridge.calendly.SchedulingLink;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The action routes' answers, byte for byte as documented in docs/settings-api.md: snake_case, nulls kept, order fixed. */
class WriteBackJsonTest {
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void meetings_areTheirFieldsInSnakeCaseInOrder_withNulls() {
        Meeting booked = new Meeting("m1", "i1", "c1", "t1", "Intro", START, START.plusSeconds(1800), "active", true,
                false);
        Meeting awaited = new Meeting("m2", "i1", null, null, null, null, null, "canceled", false, true);

        assertEquals("{\"upcoming\":[{\"id\":\"m1\",\"integration_id\":\"i1\",\"contact_id\":\"c1\",\"task_id\":\"t1\","
                        + "\"event_name\":\"Intro\",\"start_time\":\"2026-03-02T09:00:00Z\",\"end_time\":\"2026-03-02T09:30:00Z\","
                        + "\"status\":\"active\",\"no_show\":true,\"awaiting_webhook\":false}],"
                        + "\"past\":[{\"id\":\"m2\",\"integration_id\":\"i1\",\"contact_id\":null,\"task_id\":null,"
                        + "\"event_name\":null,\"start_time\":null,\"end_time\":null,\"status\":\"canceled\",\"no_show\":false,"
                        + "\"awaiting_webhook\":true}],\"refreshed_at\":null}",
                WriteBackRoutes.json(new Meetings(List.of(booked), List.of(awaited), null)));
    }

    @Test
    void aSchedulingLink_andAnActionResult_areTheirFieldsInSnakeCaseInOrder() {
        assertEquals("{\"id\":\"l1\",\"url\":\"https://calendly.com/d/abc\",\"contact_id\":\"c1\","
                        + "\"event_type_uri\":\"https://api.calendly.com/event_types/E\",\"created_at\":\"2026-03-02T09:00:00Z\","
                        + "\"used_at\":null}",
                WriteBackRoutes.json(new SchedulingLink("l1", "https://calendly.com/d/abc", "c1",
                        "https://api.calendly.com/event_types/E", START, null)));
        assertEquals("{\"meeting_id\":\"m1\",\"action\":\"cancel\",\"already_done\":false}",
                WriteBackRoutes.json(new ActionResult("m1", "cancel", false)));
    }
}
