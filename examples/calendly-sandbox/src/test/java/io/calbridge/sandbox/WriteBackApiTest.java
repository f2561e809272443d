package io.calbridge.sandbox;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acting on Calendly from a CRM: cancel an event, mark and unmark a no-show, single-use scheduling
 * links booked through their page, and invitee data deletion; each with its scope, errors and webhooks.
 */
class WriteBackApiTest {
    private static final Instant START = Instant.parse("2035-04-01T09:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static CalendlySandbox sb;
    private static Receiver receiver;
    private static SandboxOrganization org;
    private static SandboxUser owner;
    private static SandboxUser member;
    private static SandboxUser bystander;
    private static String ownerWrite;
    private static String ownerReadOnly;
    private static String memberWrite;
    private static String bystanderWrite;
    private static SandboxEventType ownerEt;
    private static SandboxEventType memberEt;
    private static SandboxEventType groupEt;

    @BeforeAll
    static void start() {
        sb = CalendlySandbox.start(SandboxOptions.defaults());
        receiver = new Receiver();
        org = sb.createOrganization("CRM Co", Plan.STANDARD);
        owner = sb.createUser(org, "Olga Owner", "olga@crm.example", Role.OWNER, "UTC");
        member = sb.createUser(org, "Max Member", "max@crm.example", Role.USER, "UTC");
        bystander = sb.createUser(org, "Bea Bystander", "bea@crm.example", Role.USER, "UTC");
        Set<String> write = Set.of("scheduled_events:write", "scheduling_links:write", "webhooks:write");
        ownerWrite = sb.createPersonalAccessToken(owner, write);
        ownerReadOnly = sb.createPersonalAccessToken(owner, Set.of("scheduled_events:read", "event_types:read"));
        memberWrite = sb.createPersonalAccessToken(member, write);
        bystanderWrite = sb.createPersonalAccessToken(bystander, write);
        ownerEt = sb.createEventType(EventTypeSpec.of(owner, "Discovery", EventKind.SOLO, Duration.ofMinutes(30))
                .question("Company?"));
        memberEt = sb.createEventType(member, "Member call", EventKind.SOLO, Duration.ofMinutes(20));
        groupEt = sb.createEventType(owner, "Workshop", EventKind.GROUP(4), Duration.ofMinutes(90));
        var sub = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", ownerWrite, Map.of("url",
                receiver.url("/hooks"), "events", List.of("invitee.created", "invitee.canceled",
                        "invitee_no_show.created", "invitee_no_show.deleted"),
                "organization", org.uri(), "scope", "organization"));
        assertEquals(201, sub.statusCode(), sub.body());
    }

    @AfterAll
    static void stop() {
        sb.close();
        receiver.close();
    }

    private static JsonNode payloadOf(String event, String inviteeUri) {
        return eventually(event + " delivery for " + inviteeUri).atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (Receiver.Received r : receiver.received("/hooks")) {
                JsonNode b = TestHttp.JSON.readTree(r.body());
                if (b.get("event").asText().equals(event) && b.at("/payload/uri").asText().equals(inviteeUri)) {
                    return b.get("payload");
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    private static void assertDenied(HttpResponse<String> r, String message) {
        assertEquals(403, r.statusCode(), r.body());
        JsonNode body = TestHttp.json(r);
        assertEquals("Permission Denied", body.get("title").asText());
        assertEquals(message, body.get("message").asText());
    }

    private static HttpResponse<String> cancel(String eventUri, String token, Object body) {
        return TestHttp.postJson(eventUri + "/cancellation", token, body);
    }

    @Test
    void cancelingAnEventAnswersTheCancellationAndNotifiesAsTheHost() throws Exception {
        Booking b = sb.book(BookingRequest.of(memberEt, "Ivy Invitee", "ivy@example.com", START));
        var r = cancel(b.eventUri(), ownerWrite, Map.of("reason", "Customer asked by phone"));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode c = TestHttp.json(r).get("resource");
        assertEquals("host", c.get("canceler_type").asText());
        assertEquals("Olga Owner", c.get("canceled_by").asText(), "the user whose token canceled");
        assertEquals("Customer asked by phone", c.get("reason").asText());
        List<String> keys = new ArrayList<>();
        c.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("canceled_by", "canceler_type", "created_at", "reason"), keys);

        JsonNode hook = payloadOf("invitee.canceled", b.inviteeUri());
        assertEquals("canceled", hook.get("status").asText());
        assertEquals("host", hook.at("/cancellation/canceler_type").asText());
        assertEquals("Olga Owner", hook.at("/cancellation/canceled_by").asText());
        assertEquals("Customer asked by phone", hook.at("/cancellation/reason").asText());
        assertEquals("canceled", hook.at("/scheduled_event/status").asText());

        assertDenied(cancel(b.eventUri(), ownerWrite, "{}"), "Event is already canceled");

        Booking past = sb.book(BookingRequest.of(memberEt, "Old Otto", "otto@example.com",
                sb.clock().instant().minus(Duration.ofHours(3))));
        assertDenied(cancel(past.eventUri(), memberWrite, "{}"), "Event in the past");

        Booking others = sb.book(BookingRequest.of(ownerEt, "Nia", "nia@example.com", START.plusSeconds(3600)));
        assertDenied(cancel(others.eventUri(), bystanderWrite, "{}"), "You are not allowed to cancel this event");
        SandboxOrganization elsewhere = sb.createOrganization("Elsewhere", Plan.STANDARD);
        SandboxUser stranger = sb.createUser(elsewhere, "Stan Stranger", "stan@elsewhere.example", Role.OWNER, "UTC");
        assertDenied(cancel(others.eventUri(), sb.createPersonalAccessToken(stranger), "{}"),
                "You are not allowed to cancel this event");
        var noScope = cancel(others.eventUri(), ownerReadOnly, "{}");
        assertEquals(403, noScope.statusCode());
        assertEquals("scope", TestHttp.json(noScope).at("/details/0/parameter").asText());
        var tooLong = cancel(others.eventUri(), ownerWrite, Map.of("reason", "x".repeat(10_001)));
        assertEquals(400, tooLong.statusCode());
        assertEquals("reason", TestHttp.json(tooLong).at("/details/0/parameter").asText());
        assertEquals(404, cancel(sb.baseUrl() + "/scheduled_events/00000000-0000-0000-0000-000000000000", ownerWrite,
                "{}").statusCode());
        assertEquals("active", TestHttp.json(TestHttp.get(others.eventUri(), ownerWrite)).at("/resource/status").asText(),
                "refused cancellations change nothing");

        Booking g1 = sb.book(BookingRequest.of(groupEt, "Gus", "gus@example.com", START.plusSeconds(7200)));
        Booking g2 = sb.book(BookingRequest.of(groupEt, "Gwen", "gwen@example.com", START.plusSeconds(7200)));
        assertEquals(g1.eventUri(), g2.eventUri());
        assertEquals(201, cancel(g1.eventUri(), ownerWrite, "{}").statusCode(), "the host may omit the reason");
        assertTrue(payloadOf("invitee.canceled", g1.inviteeUri()).at("/cancellation/reason").isNull());
        assertEquals("host", payloadOf("invitee.canceled", g2.inviteeUri()).at("/cancellation/canceler_type").asText());
    }

    @Test
    void aLostReplyStillActedOnceAndTheRetryIsToldWhy() throws Exception {
        Booking b = sb.book(BookingRequest.of(ownerEt, "Lou Lost", "lou@example.com", START.plusSeconds(20_000)));
        sb.faults().loseNextReplies(1, "/scheduled_events/");
        var lost = cancel(b.eventUri(), ownerWrite, Map.of("reason", "Lost reply"));
        assertEquals(502, lost.statusCode(), "the proxy's answer, not Calendly's");
        assertEquals("canceled", payloadOf("invitee.canceled", b.inviteeUri()).get("status").asText(),
                "the cancellation happened all the same");
        assertDenied(cancel(b.eventUri(), ownerWrite, Map.of("reason", "Lost reply")), "Event is already canceled");

        Booking n = sb.book(BookingRequest.of(ownerEt, "Nell Lost", "nell@example.com", START.plusSeconds(30_000)));
        sb.faults().loseNextReplies(1, "/invitee_no_shows");
        assertEquals(502, TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerWrite,
                Map.of("invitee", n.inviteeUri())).statusCode());
        String noShowUri = TestHttp.json(TestHttp.get(n.inviteeUri(), ownerWrite)).at("/resource/no_show/uri").asText();
        assertTrue(noShowUri.contains("/invitee_no_shows/"), "marked although the reply was lost");
        assertEquals(400, TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerWrite,
                Map.of("invitee", n.inviteeUri())).statusCode(), "the retry: already a no-show");
        sb.awaitIdle(WAIT); // webhooks go out asynchronously: count them once all have
        assertEquals(1, sb.deliveries().stream().filter(d -> d.event().equals("invitee_no_show.created")
                && d.bodyString().contains(n.inviteeUri())).count());
    }

    @Test
    void noShowsAreMarkedAndUnmarkedWithTheirWebhooks() throws Exception {
        Booking b = sb.book(BookingRequest.of(ownerEt, "Nolan Noshow", "nolan@example.com", START.plusSeconds(10_800)));
        var marked = TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerWrite, Map.of("invitee", b.inviteeUri()));
        assertEquals(201, marked.statusCode(), marked.body());
        String noShowUri = TestHttp.json(marked).at("/resource/uri").asText();
        JsonNode created = payloadOf("invitee_no_show.created", b.inviteeUri());
        assertEquals(noShowUri, created.at("/no_show/uri").asText());

        var again = TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerWrite, Map.of("invitee", b.inviteeUri()));
        assertEquals(400, again.statusCode(), "already a no-show");
        assertEquals("invitee", TestHttp.json(again).at("/details/0/parameter").asText());
        assertEquals(403, TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerReadOnly,
                Map.of("invitee", b.inviteeUri())).statusCode(), "needs scheduled_events:write");
        assertEquals(403, TestHttp.delete(noShowUri, ownerReadOnly).statusCode());
        assertEquals(403, TestHttp.delete(noShowUri, bystanderWrite).statusCode(), "not the host, not an admin");
        assertEquals(404, TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerWrite, Map.of("invitee",
                b.eventUri() + "/invitees/00000000-0000-0000-0000-000000000000")).statusCode());

        assertEquals(204, TestHttp.delete(noShowUri, ownerWrite).statusCode());
        JsonNode deleted = payloadOf("invitee_no_show.deleted", b.inviteeUri());
        assertTrue(deleted.get("no_show").isNull());
        assertEquals(404, TestHttp.delete(noShowUri, ownerWrite).statusCode(), "gone");
        assertTrue(TestHttp.json(TestHttp.get(b.inviteeUri(), ownerWrite)).at("/resource/no_show").isNull());
    }

    private static String url(String bookingUrl, String query) {
        return bookingUrl + "?" + query;
    }

    private static HttpResponse<String> postForm(String url, Map<String, String> form) {
        return TestHttp.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(TestHttp.form(form))).build());
    }

    @Test
    void aSingleUseLinkCarriesTrackingAndPrefillAndBooksOnce() throws Exception {
        var created = TestHttp.postJson(sb.baseUrl() + "/scheduling_links", ownerWrite, Map.of("max_event_count", 1,
                "owner", ownerEt.uri(), "owner_type", "EventType"));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode link = TestHttp.json(created).get("resource");
        List<String> keys = new ArrayList<>();
        link.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("booking_url", "owner", "owner_type"), keys);
        assertEquals(ownerEt.uri(), link.get("owner").asText());
        assertEquals("EventType", link.get("owner_type").asText());
        String bookingUrl = link.get("booking_url").asText();
        assertTrue(bookingUrl.matches(java.util.regex.Pattern.quote(sb.baseUrl()) + "/d/[a-z0-9]{4}-[a-z0-9]{4}/discovery"),
                bookingUrl);

        String sent = url(bookingUrl, "name=Carla%20Contact&email=carla%40example.com&utm_source=crm"
                + "&utm_content=contact-42&salesforce_uuid=003XYZ&a1=Acme");
        var page = TestHttp.get(sent, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("value=\"Carla Contact\"") && page.body().contains("value=\"carla@example.com\""),
                "the form is prefilled: " + page.body());
        var booked = postForm(sent, Map.of("name", "Carla Contact", "email", "carla.private@example.com",
                "start_time", "2035-04-02T10:00", "timezone", "Europe/Berlin"));
        assertEquals(200, booked.statusCode(), booked.body());
        String inviteeUri = booked.body().replaceAll("(?s).*<p id=\"invitee\">([^<]+)</p>.*", "$1");
        JsonNode hook = payloadOf("invitee.created", inviteeUri);
        assertEquals("carla.private@example.com", hook.get("email").asText(), "the invitee typed another e-mail");
        assertEquals("Carla Contact", hook.get("name").asText());
        assertEquals("crm", hook.at("/tracking/utm_source").asText());
        assertEquals("contact-42", hook.at("/tracking/utm_content").asText());
        assertEquals("003XYZ", hook.at("/tracking/salesforce_uuid").asText());
        assertTrue(hook.at("/tracking/utm_campaign").isNull());
        assertEquals("Acme", hook.at("/questions_and_answers/0/answer").asText());
        assertEquals("Company?", hook.at("/questions_and_answers/0/question").asText());
        assertEquals("2035-04-02T10:00:00.000000Z", hook.at("/scheduled_event/start_time").asText());
        assertEquals("Europe/Berlin", hook.get("timezone").asText());
        assertEquals(inviteeUri, sb.schedulingLink(bookingUrl).inviteeUri());

        assertEquals(410, TestHttp.get(sent, null).statusCode(), "a used link's page says it is gone");
        assertEquals(410, postForm(sent, Map.of("name", "Second", "email", "second@example.com",
                "start_time", "2035-04-03T10:00")).statusCode());
        assertThrows(IllegalStateException.class, () -> sb.bookViaLink(sent, START.plus(Duration.ofDays(3))));
        var viaAdmin = TestHttp.postJson(sb.baseUrl() + "/_sandbox/scheduling_link_bookings", null, Map.of(
                "booking_url", sent, "start_time", "2035-04-04T10:00:00Z"));
        assertEquals(409, viaAdmin.statusCode(), viaAdmin.body());
        sb.awaitIdle(WAIT); // an attempt is logged after its receiver answered: count once all are
        assertEquals(1, sb.deliveries().stream().filter(d -> d.event().equals("invitee.created")
                && d.bodyString().contains("carla")).count(), "one booking through the link");
    }

    @Test
    void linksFromTheJavaAndAdminApisAndTheirErrors() throws Exception {
        SandboxSchedulingLink link = sb.createSchedulingLink(memberEt);
        assertEquals(memberEt.uri(), link.owner());
        assertFalse(link.used());
        Booking b = sb.bookViaLink(link.bookingUrl() + "?first_name=Dana&last_name=Doe&email=dana%40example.com"
                + "&utm_campaign=spring", START.plus(Duration.ofDays(5)));
        JsonNode hook = payloadOf("invitee.created", b.inviteeUri());
        assertEquals("Dana Doe", hook.get("name").asText());
        assertEquals("Dana", hook.get("first_name").asText());
        assertEquals("Doe", hook.get("last_name").asText());
        assertEquals("spring", hook.at("/tracking/utm_campaign").asText());
        assertTrue(sb.schedulingLink(link.bookingUrl()).used());
        assertThrows(IllegalArgumentException.class, () -> sb.bookViaLink(sb.createSchedulingLink(memberEt).bookingUrl(),
                START), "no name or e-mail in the URL and none typed");

        var admin = TestHttp.postJson(sb.baseUrl() + "/_sandbox/scheduling_links", null, Map.of("event_type",
                ownerEt.uri()));
        assertEquals(201, admin.statusCode(), admin.body());
        String adminUrl = TestHttp.json(admin).get("booking_url").asText();
        var adminBooked = TestHttp.postJson(sb.baseUrl() + "/_sandbox/scheduling_link_bookings", null, Map.of(
                "booking_url", adminUrl, "start_time", "2035-05-01T10:00:00Z", "name", "Ed", "email", "ed@example.com"));
        assertEquals(201, adminBooked.statusCode(), adminBooked.body());

        String api = sb.baseUrl() + "/scheduling_links";
        var wrongCount = TestHttp.postJson(api, ownerWrite, Map.of("max_event_count", 2, "owner", ownerEt.uri(),
                "owner_type", "EventType"));
        assertEquals(400, wrongCount.statusCode());
        assertEquals("max_event_count", TestHttp.json(wrongCount).at("/details/0/parameter").asText());
        var missing = TestHttp.postJson(api, ownerWrite, "{}");
        assertEquals(400, missing.statusCode());
        assertEquals(3, TestHttp.json(missing).get("details").size(), "every missing field named: " + missing.body());
        assertEquals(400, TestHttp.postJson(api, ownerWrite, Map.of("max_event_count", 1, "owner", ownerEt.uri(),
                "owner_type", "User")).statusCode());
        assertEquals(404, TestHttp.postJson(api, ownerWrite, Map.of("max_event_count", 1, "owner",
                sb.baseUrl() + "/event_types/00000000-0000-0000-0000-000000000000", "owner_type", "EventType")).statusCode());
        assertEquals(403, TestHttp.postJson(api, memberWrite, Map.of("max_event_count", 1, "owner", ownerEt.uri(),
                "owner_type", "EventType")).statusCode(), "a plain user links only their own event types");
        assertEquals(201, TestHttp.postJson(api, memberWrite, Map.of("max_event_count", 1, "owner", memberEt.uri(),
                "owner_type", "EventType")).statusCode());
        var noScope = TestHttp.postJson(api, ownerReadOnly, Map.of("max_event_count", 1, "owner", ownerEt.uri(),
                "owner_type", "EventType"));
        assertEquals(403, noScope.statusCode());
        assertTrue(TestHttp.json(noScope).at("/details/0/message").asText().contains("scheduling_links:write"));
        assertEquals(404, TestHttp.get(sb.baseUrl() + "/d/zzzz-zzzz/discovery", null).statusCode());
    }

    @Test
    void inviteeDataDeletionNeedsEnterpriseAndAnAdminAndRemovesThePerson() {
        SandboxOrganization ent = sb.createOrganization("Big Corp", Plan.ENTERPRISE);
        SandboxUser admin = sb.createUser(ent, "Adam Admin", "adam@big.example", Role.ADMIN, "UTC");
        SandboxUser plain = sb.createUser(ent, "Pia Plain", "pia@big.example", Role.USER, "UTC");
        SandboxEventType solo = sb.createEventType(admin, "Big call", EventKind.SOLO, Duration.ofMinutes(30));
        SandboxEventType group = sb.createEventType(admin, "Big class", EventKind.GROUP(3), Duration.ofMinutes(30));
        Booking gone1 = sb.book(BookingRequest.of(solo, "Gone Gina", "Gone@example.com", START));
        Booking gone2 = sb.book(BookingRequest.of(group, "Gone Gina", "gone@example.com", START.plusSeconds(3600)));
        Booking stays = sb.book(BookingRequest.of(group, "Kept Kim", "kim@example.com", START.plusSeconds(3600)));
        sb.markNoShow(gone2.inviteeUri());
        // The same person booked in another organization: not this organization's data.
        Booking elsewhere = sb.book(BookingRequest.of(ownerEt, "Gone Gina", "gone@example.com", START.plusSeconds(99)));
        String token = sb.createPersonalAccessToken(admin, Set.of("data_compliance:write", "scheduled_events:read"));
        String api = sb.baseUrl() + "/data_compliance/deletion/invitees";

        assertDenied(TestHttp.postJson(api, sb.createPersonalAccessToken(owner, Set.of("data_compliance:write")),
                Map.of("emails", List.of("gone@example.com"))), "Please upgrade your Calendly account to Enterprise.");
        assertDenied(TestHttp.postJson(api, sb.createPersonalAccessToken(plain, Set.of("data_compliance:write")),
                Map.of("emails", List.of("gone@example.com"))), "You must be an admin/owner with the data requests "
                + "permission enabled to use this resource. Contact Calendly support and ask them to grant you data "
                + "requests permission.");
        var noScope = TestHttp.postJson(api, sb.createPersonalAccessToken(admin, Set.of("scheduled_events:write")),
                Map.of("emails", List.of("gone@example.com")));
        assertEquals(403, noScope.statusCode());
        for (String bad : List.of("{}", "{\"emails\":[]}", "{\"emails\":[\"not-an-address\"]}", "{\"emails\":\"a@b.c\"}")) {
            var r = TestHttp.postJson(api, token, bad);
            assertEquals(400, r.statusCode(), bad);
            assertEquals("emails", TestHttp.json(r).at("/details/0/parameter").asText(), bad);
        }
        assertTrue(sb.dataComplianceDeletions().isEmpty(), "refused requests are not recorded");

        var accepted = TestHttp.postJson(api, token, Map.of("emails", List.of("gone@example.com")));
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertEquals("{}", accepted.body());

        assertEquals(404, TestHttp.get(gone1.eventUri(), token).statusCode(), "an event left without invitees is gone");
        assertEquals(404, TestHttp.get(gone2.inviteeUri(), token).statusCode());
        JsonNode groupEvent = TestHttp.json(TestHttp.get(stays.eventUri(), token)).get("resource");
        assertEquals(1, groupEvent.at("/invitees_counter/total").asInt(), "the other invitee stays");
        assertEquals(200, TestHttp.get(stays.inviteeUri(), token).statusCode());
        assertEquals(0, TestHttp.json(TestHttp.get(sb.baseUrl() + "/scheduled_events?organization="
                + java.net.URLEncoder.encode(ent.uri(), java.nio.charset.StandardCharsets.UTF_8)
                + "&invitee_email=gone%40example.com", token)).get("collection").size());
        assertEquals(200, TestHttp.get(elsewhere.inviteeUri(), ownerWrite).statusCode(), "other organizations keep theirs");

        List<DataComplianceDeletion> calls = sb.dataComplianceDeletions();
        assertEquals(1, calls.size());
        assertEquals(List.of("gone@example.com"), calls.get(0).emails());
        assertEquals(admin.uri(), calls.get(0).requestedBy());
        assertEquals(ent.uri(), calls.get(0).organization());
        assertEquals(2, calls.get(0).inviteesDeleted());
        JsonNode listed = TestHttp.json(TestHttp.get(sb.baseUrl() + "/_sandbox/data_compliance_deletions", null));
        assertEquals("gone@example.com", listed.at("/0/emails/0").asText());
    }
}
