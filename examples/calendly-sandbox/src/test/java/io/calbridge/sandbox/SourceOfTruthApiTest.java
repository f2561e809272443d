package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an importer, a gap backfill and a reconciliation sweep read: bulk-seeded events, walked page by
 * page while bookings change, invitees identical to their webhook payloads, routing form submissions,
 * and per-user rate limits.
 */
class SourceOfTruthApiTest {
    private static final Instant DAY0 = Instant.parse("2032-03-01T08:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static CalendlySandbox sb;
    private static Receiver receiver;
    private static SandboxOrganization org;
    private static SandboxUser owner;
    private static SandboxUser member;
    private static String ownerPat;
    private static String memberPat;
    private static SandboxEventType intro;
    private static SandboxEventType demo;
    private static SandboxEventType webinar;
    private static SeedResult seeded;

    @BeforeAll
    static void start() {
        sb = CalendlySandbox.start(SandboxOptions.defaults());
        receiver = new Receiver();
        org = sb.createOrganization("Import Co", Plan.TEAMS);
        owner = sb.createUser(org, "Olga Owner", "olga@import.example", Role.OWNER, "UTC");
        member = sb.createUser(org, "Max Member", "max@import.example", Role.USER, "UTC");
        ownerPat = sb.createPersonalAccessToken(owner);
        memberPat = sb.createPersonalAccessToken(member);
        intro = sb.createEventType(owner, "Intro", EventKind.SOLO, Duration.ofMinutes(30));
        demo = sb.createEventType(member, "Demo", EventKind.SOLO, Duration.ofMinutes(45));
        webinar = sb.createEventType(owner, "Webinar", EventKind.GROUP(5), Duration.ofMinutes(60));
        var sub = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", ownerPat, Map.of("url",
                receiver.url("/hooks"), "events", List.of("invitee.created", "invitee.canceled",
                        "invitee_no_show.created", "invitee_no_show.deleted"),
                "organization", org.uri(), "scope", "organization"));
        assertEquals(201, sub.statusCode(), sub.body());
        seeded = sb.seed(SeedRequest.of(List.of(intro, demo, webinar), 250).startingAt(DAY0)
                .spacing(Duration.ofHours(2)).canceledEvery(10).groupInvitees(3));
    }

    @AfterAll
    static void stop() {
        sb.close();
        receiver.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return TestHttp.json(r);
    }

    private static String orgEvents(String extra) {
        return sb.baseUrl() + "/scheduled_events?organization=" + enc(org.uri()) + "&min_start_time=" + DAY0
                + "&max_start_time=" + DAY0.plus(Duration.ofDays(30)) + extra;
    }

    @Test
    void seeding250EventsIsQuickQuietAndListedOnThreePages() {
        assertEquals(250, seeded.eventUris().size());
        assertEquals(25, seeded.canceledEvents());
        assertEquals(83 * 3 + 167, seeded.inviteeUris().size(), "83 webinars with 3 invitees, 167 solo events");
        assertTrue(sb.deliveries().stream().noneMatch(d -> d.bodyString().contains("\"email\":\"seed-")),
                "seeding emits no webhooks");

        List<String> uris = new ArrayList<>();
        Set<String> canceled = new HashSet<>();
        String url = orgEvents("&count=100");
        int pages = 0;
        while (url != null) {
            JsonNode page = ok(TestHttp.get(url, ownerPat));
            pages++;
            for (JsonNode e : page.get("collection")) {
                uris.add(e.get("uri").asText());
                if (e.get("status").asText().equals("canceled")) {
                    canceled.add(e.get("uri").asText());
                    assertEquals("host", e.at("/cancellation/canceler_type").asText());
                }
            }
            url = page.at("/pagination/next_page").isNull() ? null : page.at("/pagination/next_page").asText();
        }
        assertEquals(3, pages);
        assertEquals(seeded.eventUris(), uris, "every seeded event once, in start order");
        assertEquals(25, canceled.size());
        JsonNode active = ok(TestHttp.get(orgEvents("&status=active&count=100&sort=start_time:desc"), ownerPat));
        assertEquals(100, active.get("collection").size());
        assertEquals(seeded.eventUris().get(248), active.at("/collection/0/uri").asText(), "newest active first (the 250th is canceled)");

        String groupEvent = seeded.eventUris().get(2);
        JsonNode ev = ok(TestHttp.get(groupEvent, ownerPat)).get("resource");
        assertEquals(3, ev.at("/invitees_counter/active").asInt());
        assertEquals(5, ev.at("/invitees_counter/limit").asInt());
        JsonNode firstTwo = ok(TestHttp.get(groupEvent + "/invitees?count=2", ownerPat));
        assertEquals(2, firstTwo.get("collection").size());
        JsonNode rest = ok(TestHttp.get(firstTwo.at("/pagination/next_page").asText(), ownerPat));
        assertEquals(1, rest.get("collection").size());
        assertTrue(rest.at("/pagination/next_page").isNull());
        JsonNode byEmail = ok(TestHttp.get(orgEvents("&invitee_email=seed-5%40example.com"), ownerPat));
        assertEquals(1, byEmail.get("collection").size());

        JsonNode canceledGroup = ok(TestHttp.get(seeded.eventUris().get(29) + "/invitees?status=canceled", ownerPat));
        assertEquals(3, canceledGroup.get("collection").size(), "the 30th event (a webinar) was canceled whole");

        var viaAdmin = TestHttp.postJson(sb.baseUrl() + "/_sandbox/seed", null, Map.of("event_types",
                List.of(demo.uri()), "events", 3, "start_time", "2033-01-01T10:00:00Z", "interval_minutes", 30,
                "email_prefix", "admin-seed"));
        assertEquals(201, viaAdmin.statusCode(), viaAdmin.body());
        assertEquals(3, TestHttp.json(viaAdmin).get("events").size());
        assertEquals(3, ok(TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + enc(member.uri())
                + "&min_start_time=2033-01-01T00:00:00Z", memberPat)).get("collection").size());
    }

    @Test
    void pageTokensAreCursorsSoChangesDuringAWalkNeitherRepeatNorSkip() {
        Instant from = DAY0.plus(Duration.ofDays(40));
        SeedResult own = sb.seed(SeedRequest.of(List.of(intro), 30).startingAt(from).emailPrefix("walk"));
        String url = sb.baseUrl() + "/scheduled_events?user=" + enc(owner.uri()) + "&status=active&count=10"
                + "&min_start_time=" + from.minus(Duration.ofDays(1)) + "&max_start_time=" + from.plus(Duration.ofDays(2));
        JsonNode first = ok(TestHttp.get(url, ownerPat));
        List<String> seen = new ArrayList<>();
        first.get("collection").forEach(e -> seen.add(e.get("uri").asText()));
        assertEquals(own.eventUris().subList(0, 10), seen);

        // Between two pages: one event of page 1 is canceled (it leaves the filtered list) and an
        // earlier one is booked (it enters before the cursor). Offsets would skip one and repeat one.
        sb.cancelEvent(own.eventUris().get(3), "moved away");
        sb.book(BookingRequest.of(intro, "Early Bird", "early@example.com", from.minus(Duration.ofHours(5))));
        String next = first.at("/pagination/next_page").asText();
        while (next != null) {
            JsonNode page = ok(TestHttp.get(next, ownerPat));
            page.get("collection").forEach(e -> seen.add(e.get("uri").asText()));
            next = page.at("/pagination/next_page").isNull() ? null : page.at("/pagination/next_page").asText();
        }
        assertEquals(new LinkedHashSet<>(seen).size(), seen.size(), "no event twice");
        assertEquals(own.eventUris(), seen, "every event once, in order, nothing skipped");

        JsonNode second = ok(TestHttp.get(first.at("/pagination/next_page").asText(), ownerPat));
        JsonNode back = ok(TestHttp.get(second.at("/pagination/previous_page").asText(), ownerPat));
        assertEquals(own.eventUris().get(9), back.at("/collection/9/uri").asText(), "previous_page walks back");
        var bad = TestHttp.get(url + "&page_token=forged", ownerPat);
        assertEquals(400, bad.statusCode());
        assertEquals("page_token", TestHttp.json(bad).at("/details/0/parameter").asText());
    }

    /** The webhook payload without {@code scheduled_event} is the API's invitee resource. */
    private static void assertSameInvitee(JsonNode webhookPayload, String inviteeUri) {
        ObjectNode expected = webhookPayload.deepCopy();
        expected.remove("scheduled_event");
        JsonNode api = ok(TestHttp.get(inviteeUri, ownerPat)).get("resource");
        assertEquals(expected, api, "API invitee equals the webhook payload");
        List<String> apiKeys = new ArrayList<>();
        api.fieldNames().forEachRemaining(apiKeys::add);
        List<String> hookKeys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(hookKeys::add);
        assertEquals(hookKeys, apiKeys, "same key order");
    }

    private static JsonNode lastPayload(String event, String inviteeUri) throws Exception {
        JsonNode found = null;
        for (Receiver.Received r : receiver.received("/hooks")) {
            JsonNode b = TestHttp.JSON.readTree(r.body());
            if (b.get("event").asText().equals(event) && b.at("/payload/uri").asText().equals(inviteeUri)) {
                found = b.get("payload");
            }
        }
        assertTrue(found != null, "a " + event + " delivery for " + inviteeUri);
        return found;
    }

    @Test
    void inviteesInTheApiAreExactlyTheWebhookInvitees() throws Exception {
        Instant at = DAY0.plus(Duration.ofDays(60));
        Booking b = sb.book(BookingRequest.of(intro, "Rita Resched", "rita@example.com", at)
                .utmSource("newsletter").salesforceUuid("003SF").answer("Anything else?", "no"));
        Booking moved = sb.reschedule(RescheduleRequest.of(b.inviteeUri(), at.plus(Duration.ofDays(1))).reason("clash"));
        sb.markNoShow(moved.inviteeUri());
        receiver.await("/hooks", 4, WAIT);
        sb.awaitIdle(WAIT);

        JsonNode canceledOld = lastPayload("invitee.canceled", b.inviteeUri());
        assertTrue(canceledOld.get("rescheduled").asBoolean());
        assertEquals(moved.inviteeUri(), canceledOld.get("new_invitee").asText());
        assertSameInvitee(canceledOld, b.inviteeUri());

        JsonNode noShow = lastPayload("invitee_no_show.created", moved.inviteeUri());
        assertEquals(b.inviteeUri(), noShow.get("old_invitee").asText());
        assertFalse(noShow.get("no_show").isNull());
        assertEquals("003SF", noShow.at("/tracking/salesforce_uuid").asText());
        assertSameInvitee(noShow, moved.inviteeUri());

        JsonNode listed = ok(TestHttp.get(moved.eventUri() + "/invitees", ownerPat)).at("/collection/0");
        assertEquals(ok(TestHttp.get(moved.inviteeUri(), ownerPat)).get("resource"), listed);
    }

    @Test
    void routingFormSubmissionsArePagedAndSorted() {
        SandboxRoutingForm form = sb.createRoutingForm(org, "Qualify", List.of("Budget?"));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(sb.submitRoutingForm(form, Map.of("Budget?", i + "k"), null));
        }
        String url = sb.baseUrl() + "/routing_form_submissions?form=" + enc(form.uri()) + "&count=2";
        List<String> seen = new ArrayList<>();
        while (url != null) {
            JsonNode page = ok(TestHttp.get(url, ownerPat));
            page.get("collection").forEach(s -> seen.add(s.get("uri").asText()));
            url = page.at("/pagination/next_page").isNull() ? null : page.at("/pagination/next_page").asText();
        }
        assertEquals(made, seen);
        JsonNode desc = ok(TestHttp.get(sb.baseUrl() + "/routing_form_submissions?form=" + enc(form.uri())
                + "&sort=created_at:desc&count=1", ownerPat));
        assertEquals(made.get(4), desc.at("/collection/0/uri").asText());
        assertEquals("4k", desc.at("/collection/0/questions_and_answers/0/answer").asText());
        JsonNode question = ok(TestHttp.get(form.uri(), ownerPat)).at("/resource/questions/0");
        String questionUuid = question.get("uuid").asText();
        assertEquals("{\"answer_choices\":[],\"name\":\"Budget?\",\"required\":false,\"type\":\"text\",\"uuid\":\""
                + questionUuid + "\"}", question.toString());
        assertEquals("{\"answer\":\"4k\",\"question\":\"Budget?\",\"question_uuid\":\"" + questionUuid + "\"}",
                desc.at("/collection/0/questions_and_answers/0").toString());
        assertEquals(400, TestHttp.get(sb.baseUrl() + "/routing_form_submissions?form=" + enc(form.uri())
                + "&sort=budget", ownerPat).statusCode());
    }

    @Test
    void rateLimitsArePerUserAndSayWhenTheyReset() {
        SandboxUser a = sb.createUser(org, "Rate A", "rate-a@import.example", Role.USER, "UTC");
        SandboxUser b = sb.createUser(org, "Rate B", "rate-b@import.example", Role.USER, "UTC");
        String patA = sb.createPersonalAccessToken(a);
        String patB = sb.createPersonalAccessToken(b);
        sb.apiRateLimit(5);
        try {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", patA).statusCode());
            }
            var limited = TestHttp.get(sb.baseUrl() + "/users/me", patA);
            assertEquals(429, limited.statusCode());
            assertEquals("5", limited.headers().firstValue("X-RateLimit-Limit").orElseThrow());
            assertEquals("0", limited.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
            long reset = Long.parseLong(limited.headers().firstValue("X-RateLimit-Reset").orElseThrow());
            assertTrue(reset >= 1 && reset <= 60, "seconds until the window frees a request: " + reset);
            assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", patB).statusCode(), "another user is untouched");
            sb.advanceTime(Duration.ofSeconds(reset));
            assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", patA).statusCode(), "free again after Reset");
        } finally {
            sb.apiRateLimit(null);
        }
        sb.faults().rateLimitNext(1, "/scheduled_events", 7);
        var injected = TestHttp.get(orgEvents(""), ownerPat);
        assertEquals(429, injected.statusCode());
        assertEquals("7", injected.headers().firstValue("X-RateLimit-Reset").orElseThrow());
        assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", ownerPat).statusCode());
    }
}
