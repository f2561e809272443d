package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin API's bodies, byte for byte (keys in this order, no others): scripts and docs/sandbox.md
 * read them, so a refactoring of how they are written must not change them.
 */
class AdminJsonTest {
    private static String created(HttpResponse<String> r) {
        assertEquals(201, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void organizationUserEventTypeBookingAndLinkBodies() {
        try (CalendlySandbox sb = CalendlySandbox.start(SandboxOptions.defaults())) {
            String b = sb.baseUrl();
            String orgBody = created(TestHttp.postJson(b + "/_sandbox/organizations", null,
                    Map.of("name", "Curl Co", "plan", "basic")));
            SandboxOrganization org = sb.organizations().get(0);
            assertEquals("{\"uri\":\"" + org.uri() + "\",\"uuid\":\"" + org.uuid() + "\",\"name\":\"Curl Co\","
                    + "\"plan\":\"free\"}", orgBody);

            String userBody = created(TestHttp.postJson(b + "/_sandbox/users", null, Map.of("organization",
                    org.uri(), "name", "Carl Host", "email", "carl@example.com", "role", "admin",
                    "timezone", "Europe/Berlin")));
            SandboxUser u = sb.users().get(0);
            assertEquals("{\"uri\":\"" + u.uri() + "\",\"uuid\":\"" + u.uuid() + "\",\"name\":\"Carl Host\","
                    + "\"email\":\"carl@example.com\",\"role\":\"admin\",\"timezone\":\"Europe/Berlin\","
                    + "\"organization\":\"" + org.uri() + "\",\"membership\":\"" + u.membershipUri() + "\"}", userBody);

            String etBody = created(TestHttp.postJson(b + "/_sandbox/event_types", null, Map.of("user", u.uri(),
                    "name", "Workshop", "kind", "group", "limit", 12, "duration_minutes", 90, "location", "zoom")));
            SandboxEventType et = sb.eventTypes().get(0);
            assertEquals("{\"uri\":\"" + et.uri() + "\",\"uuid\":\"" + et.uuid() + "\",\"name\":\"Workshop\","
                    + "\"owner\":\"" + u.uri() + "\",\"kind\":\"group\",\"limit\":12,\"duration_minutes\":90,"
                    + "\"location\":\"zoom\",\"scheduling_url\":\"" + et.schedulingUrl() + "\"}", etBody);

            String bookingBody = created(TestHttp.postJson(b + "/_sandbox/bookings", null, Map.of("event_type",
                    et.uri(), "name", "Jane Doe", "email", "jane@example.com", "start_time", "2031-05-04T15:00:00Z")));
            Booking booking = sb.booking(TestHttp.json(bookingBody).get("invitee").asText());
            assertEquals("{\"invitee\":\"" + booking.inviteeUri() + "\",\"event\":\"" + booking.eventUri() + "\","
                    + "\"cancel_url\":\"" + booking.cancelUrl() + "\",\"reschedule_url\":\"" + booking.rescheduleUrl()
                    + "\"}", bookingBody);

            String linkBody = created(TestHttp.postJson(b + "/_sandbox/scheduling_links", null,
                    Map.of("event_type", et.uri())));
            String bookingUrl = TestHttp.json(linkBody).get("booking_url").asText();
            assertEquals("{\"booking_url\":\"" + bookingUrl + "\",\"owner\":\"" + et.uri() + "\","
                    + "\"owner_type\":\"EventType\",\"invitee\":null}", linkBody);
            Booking viaLink = sb.bookViaLink(bookingUrl, java.time.Instant.parse("2031-05-05T15:00:00Z"), "Joe Roe",
                    "joe@example.com");
            String state = TestHttp.get(b + "/_sandbox/state", null).body();
            String usedLink = "{\"booking_url\":\"" + bookingUrl + "\",\"owner\":\"" + et.uri() + "\","
                    + "\"owner_type\":\"EventType\",\"invitee\":\"" + viaLink.inviteeUri() + "\"}";
            assertEquals(List.of(true, true, true), List.of(state.contains(orgBody), state.contains(userBody),
                    state.contains(usedLink)), state);
            assertEquals(true, state.contains(etBody), state);
            sb.awaitIdle(Duration.ofSeconds(5));
        }
    }
}
