package io.calbridge.sandbox;

import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** List endpoints: filters, Calendly's pagination object, permissions, errors and rate-limit headers. */
class ApiListingTest {
    private static final Instant DAY0 = Instant.parse("2031-06-01T09:00:00Z");
    private static CalendlySandbox sb;
    private static SandboxOrganization org;
    private static SandboxUser owner;
    private static SandboxUser member;
    private static String ownerPat;
    private static String memberPat;
    private static SandboxEventType solo;
    private static SandboxEventType group;
    private static final List<Booking> OWNER_BOOKINGS = new ArrayList<>();

    @BeforeAll
    static void start() {
        sb = CalendlySandbox.start(SandboxOptions.defaults());
        org = sb.createOrganization("Acme", Plan.STANDARD);
        owner = sb.createUser(org, "Ada Host", "ada@example.com", Role.OWNER, "Europe/Warsaw");
        member = sb.createUser(org, "Bob Member", "bob@example.com", Role.USER, "UTC", true);
        ownerPat = sb.createPersonalAccessToken(owner);
        memberPat = sb.createPersonalAccessToken(member);
        solo = sb.createEventType(owner, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        group = sb.createEventType(member, "Group demo", EventKind.GROUP(3), Duration.ofMinutes(60));
        sb.createEventType(owner, "Another type", EventKind.SOLO, Duration.ofMinutes(45));
        for (int i = 0; i < 23; i++) {
            OWNER_BOOKINGS.add(sb.book(BookingRequest.of(solo, "Invitee " + i, "inv" + i + "@example.com",
                    DAY0.plus(i, ChronoUnit.DAYS))));
        }
        for (int i = 0; i < 3; i++) {
            sb.cancel(OWNER_BOOKINGS.get(i).inviteeUri(), Canceler.HOST, i == 0 ? null : "");
        }
    }

    @AfterAll
    static void stop() {
        sb.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        for (String h : List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")) {
            assertTrue(r.headers().firstValue(h).isPresent(), h + " on every response");
        }
        return TestHttp.json(r);
    }

    @Test
    void scheduledEventsPaginateByFollowingNextPage() {
        String url = sb.baseUrl() + "/scheduled_events?organization=" + enc(org.uri()) + "&user=" + enc(owner.uri())
                + "&count=8&status=active";
        List<String> uris = new ArrayList<>();
        int pages = 0;
        while (url != null) {
            JsonNode page = ok(TestHttp.get(url, ownerPat));
            pages++;
            JsonNode p = page.get("pagination");
            assertEquals(5, p.size(), "all five pagination keys: " + p);
            assertEquals(page.get("collection").size(), p.get("count").asInt());
            page.get("collection").forEach(e -> uris.add(e.get("uri").asText()));
            if (pages == 1) {
                assertTrue(p.get("previous_page").isNull() && p.get("previous_page_token").isNull());
            } else {
                assertTrue(p.get("previous_page").asText().startsWith(sb.baseUrl() + "/scheduled_events?"));
                assertFalse(p.get("previous_page_token").isNull());
            }
            if (!p.get("next_page").isNull()) {
                String next = p.get("next_page").asText();
                assertTrue(next.startsWith(sb.baseUrl() + "/scheduled_events?"), next);
                List<String> names = new ArrayList<>();
                for (String kv : URI.create(next).getRawQuery().split("&")) {
                    names.add(kv.substring(0, kv.indexOf('=')));
                }
                assertEquals(new ArrayList<>(new TreeSet<>(names)), names, "parameters in alphabetical order: " + next);
                assertTrue(next.contains("organization=" + enc(org.uri()) + "&page_token="), next);
                assertEquals(p.get("next_page_token").asText(), next.replaceAll(".*page_token=([^&]+).*", "$1"));
                url = next;
            } else {
                assertTrue(p.get("next_page_token").isNull());
                url = null;
            }
        }
        assertEquals(3, pages);
        assertEquals(20, uris.size());
        assertEquals(20, new HashSet<>(uris).size(), "no duplicates across pages");

        JsonNode canceled = ok(TestHttp.get(sb.baseUrl() + "/scheduled_events?organization=" + enc(org.uri())
                + "&status=canceled", ownerPat));
        assertEquals(3, canceled.get("collection").size());
        JsonNode c0 = canceled.at("/collection/0");
        assertEquals("host", c0.at("/cancellation/canceler_type").asText());
        assertEquals("Ada Host", c0.at("/cancellation/canceled_by").asText());
        assertTrue(c0.at("/cancellation/reason").isNull(), "a null reason stays null");
        assertEquals("", canceled.at("/collection/1/cancellation/reason").asText());
    }

    @Test
    void scheduledEventFiltersSortAndShape() {
        String base = sb.baseUrl() + "/scheduled_events?user=" + enc(owner.uri());
        JsonNode window = ok(TestHttp.get(base + "&min_start_time=" + DAY0.plus(5, ChronoUnit.DAYS)
                + "&max_start_time=" + DAY0.plus(8, ChronoUnit.DAYS) + "&sort=start_time:desc", ownerPat));
        List<String> starts = new ArrayList<>();
        window.get("collection").forEach(e -> starts.add(e.get("start_time").asText()));
        assertEquals(List.of("2031-06-08T09:00:00.000000Z", "2031-06-07T09:00:00.000000Z", "2031-06-06T09:00:00.000000Z"),
                starts, "min inclusive, max exclusive, newest first");

        JsonNode byEmail = ok(TestHttp.get(base + "&invitee_email=inv7%40example.com", ownerPat));
        assertEquals(1, byEmail.get("collection").size());
        assertEquals(OWNER_BOOKINGS.get(7).eventUri(), byEmail.at("/collection/0/uri").asText());

        JsonNode ev = byEmail.at("/collection/0");
        Set<String> keys = new TreeSet<>();
        ev.fieldNames().forEachRemaining(keys::add);
        JsonNode real = TestHttp.json(new String(CalendlyFixtures.bytes("api/scheduled_events.page1.real-2023.json"),
                StandardCharsets.UTF_8)).at("/collection/0");
        real.fieldNames().forEachRemaining(k -> assertTrue(keys.contains(k), "real event key " + k + " present"));
        List<String> counterKeys = new ArrayList<>();
        ev.get("invitees_counter").fieldNames().forEachRemaining(counterKeys::add);
        assertEquals(List.of("active", "limit", "total"), counterKeys, "API responses sort invitees_counter");
        assertEquals("google", ev.at("/calendar_event/kind").asText());
        assertEquals(owner.email(), ev.at("/event_memberships/0/user_email").asText());

        var bad = TestHttp.get(base + "&min_start_time=yesterday&count=0", ownerPat);
        assertEquals(400, bad.statusCode());
        assertEquals("Invalid Argument", TestHttp.json(bad).get("title").asText());
        assertNotNull(TestHttp.json(bad).at("/details/0/parameter").asText(null));
        assertEquals(400, TestHttp.get(sb.baseUrl() + "/scheduled_events", ownerPat).statusCode(),
                "user or organization is required");
        assertEquals(400, TestHttp.get(base + "&count=101", ownerPat).statusCode());
    }

    @Test
    void organizationWideListingsNeedAnAdmin() {
        var r = TestHttp.get(sb.baseUrl() + "/scheduled_events?organization=" + enc(org.uri()), memberPat);
        assertEquals(403, r.statusCode());
        assertEquals("Permission Denied", TestHttp.json(r).get("title").asText());
        assertEquals(403, TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + enc(owner.uri()), memberPat)
                .statusCode(), "a plain user cannot list another user's events");
        assertEquals(200, TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + enc(member.uri()), memberPat)
                .statusCode());
        assertEquals(200, TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + enc(member.uri()), ownerPat)
                .statusCode(), "an owner can list a member's events");
        assertEquals(403, TestHttp.get(OWNER_BOOKINGS.get(4).eventUri(), memberPat).statusCode());
        assertEquals(404, TestHttp.get(sb.baseUrl() + "/scheduled_events/00000000-0000-0000-0000-000000000000",
                ownerPat).statusCode());
    }

    @Test
    void groupEventsShareOneScheduledEventAndCancelingOneInviteeKeepsItActive() {
        Instant at = DAY0.plus(40, ChronoUnit.DAYS);
        Booking a = sb.book(BookingRequest.of(group, "Ann", "ann@example.com", at));
        Booking b = sb.book(BookingRequest.of(group, "Ben", "ben@example.com", at));
        Booking c = sb.book(BookingRequest.of(group, "Cid", "cid@example.com", at));
        assertEquals(a.eventUri(), b.eventUri());
        assertEquals(a.eventUri(), c.eventUri());
        Booking d = sb.book(BookingRequest.of(group, "Dan", "dan@example.com", at));
        assertFalse(d.eventUri().equals(a.eventUri()), "a full group event opens a new one");
        sb.cancel(b.inviteeUri(), Canceler.INVITEE, "sick");

        JsonNode ev = ok(TestHttp.get(a.eventUri(), memberPat)).get("resource");
        assertEquals("active", ev.get("status").asText());
        assertFalse(ev.has("cancellation"));
        assertEquals(3, ev.at("/invitees_counter/total").asInt());
        assertEquals(2, ev.at("/invitees_counter/active").asInt());
        assertEquals(3, ev.at("/invitees_counter/limit").asInt());

        JsonNode all = ok(TestHttp.get(a.eventUri() + "/invitees?count=2", memberPat));
        assertEquals(2, all.get("collection").size());
        assertFalse(all.at("/pagination/next_page").isNull());
        JsonNode active = ok(TestHttp.get(a.eventUri() + "/invitees?status=active", memberPat));
        assertEquals(2, active.get("collection").size());
        JsonNode one = ok(TestHttp.get(b.inviteeUri(), memberPat)).get("resource");
        assertEquals("canceled", one.get("status").asText());
        assertEquals("sick", one.at("/cancellation/reason").asText());
        assertFalse(one.has("scheduled_event"), "the API invitee has no embedded event");
        Set<String> keys = new TreeSet<>();
        one.fieldNames().forEachRemaining(keys::add);
        JsonNode sdk = TestHttp.json(new String(CalendlyFixtures.bytes("api/scheduled_event_invitees.page1.sdk-fixture.json"),
                StandardCharsets.UTF_8)).at("/collection/0");
        sdk.fieldNames().forEachRemaining(k -> assertTrue(keys.contains(k), "invitee key " + k));
        List<String> trackingKeys = new ArrayList<>();
        one.get("tracking").fieldNames().forEachRemaining(trackingKeys::add);
        assertEquals(List.of("utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term", "salesforce_uuid"),
                trackingKeys);
        assertTrue(member.uri().matches(".*/users/[A-Z2-7]{16}"), "legacy 16-character user id: " + member.uri());
    }

    @Test
    void eventTypesMembershipsUsersAndOrganizations() {
        JsonNode ets = ok(TestHttp.get(sb.baseUrl() + "/event_types?user=" + enc(owner.uri()), ownerPat));
        assertEquals(List.of("Another type", "Intro call"), List.of(ets.at("/collection/0/name").asText(),
                ets.at("/collection/1/name").asText()), "default sort name:asc");
        JsonNode orgEts = ok(TestHttp.get(sb.baseUrl() + "/event_types?organization=" + enc(org.uri()) + "&count=2",
                memberPat));
        assertEquals(2, orgEts.get("collection").size());
        assertFalse(orgEts.at("/pagination/next_page").isNull());
        JsonNode et = ok(TestHttp.get(solo.uri(), memberPat)).get("resource");
        assertEquals("solo", et.get("kind").asText());
        assertEquals(30, et.get("duration").asInt());
        assertEquals(owner.uri(), et.at("/profile/owner").asText());

        JsonNode members = ok(TestHttp.get(sb.baseUrl() + "/organization_memberships?organization=" + enc(org.uri()),
                memberPat));
        assertEquals(2, members.get("collection").size());
        JsonNode bob = ok(TestHttp.get(sb.baseUrl() + "/organization_memberships?organization=" + enc(org.uri())
                + "&email=bob%40example.com", ownerPat)).at("/collection/0");
        assertEquals("user", bob.get("role").asText());
        assertEquals(member.uri(), bob.at("/user/uri").asText());
        assertEquals(member.membershipUri(), bob.get("uri").asText());
        assertEquals(org.uri(), bob.get("organization").asText());
        assertEquals(200, TestHttp.get(member.membershipUri(), ownerPat).statusCode());

        JsonNode u = ok(TestHttp.get(member.uri(), ownerPat)).get("resource");
        Set<String> keys = new TreeSet<>();
        u.fieldNames().forEachRemaining(keys::add);
        JsonNode docs = TestHttp.json(new String(CalendlyFixtures.bytes("api/users.me.docs-example.json"),
                StandardCharsets.UTF_8)).get("resource");
        Set<String> docKeys = new TreeSet<>();
        docs.fieldNames().forEachRemaining(docKeys::add);
        assertEquals(docKeys, keys);
        assertEquals("Acme", ok(TestHttp.get(org.uri(), memberPat)).at("/resource/name").asText());
    }

    @Test
    void noShowsAndEventCancellationThroughTheApi() {
        // A host of its own, so that the other tests' counts of the owner's events stay put.
        SandboxUser carol = sb.createUser(org, "Carol Host", "carol@example.com", Role.USER, "UTC");
        SandboxEventType carolEt = sb.createEventType(carol, "Carol call", EventKind.SOLO, Duration.ofMinutes(20));
        Booking b = sb.book(BookingRequest.of(carolEt, "Nora", "nora@example.com", DAY0));
        var created = TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerPat, java.util.Map.of("invitee",
                b.inviteeUri()));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode ns = TestHttp.json(created).get("resource");
        assertEquals(b.inviteeUri(), ns.get("invitee").asText());
        assertTrue(ns.get("uri").asText().startsWith(sb.baseUrl() + "/invitee_no_shows/"));
        assertEquals(ns.get("uri").asText(), ok(TestHttp.get(b.inviteeUri(), ownerPat)).at("/resource/no_show/uri").asText());
        assertEquals(400, TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerPat, java.util.Map.of("invitee",
                b.inviteeUri())).statusCode(), "already a no-show");
        assertEquals(200, TestHttp.get(ns.get("uri").asText(), ownerPat).statusCode());
        assertEquals(204, TestHttp.delete(ns.get("uri").asText(), ownerPat).statusCode());
        assertEquals(404, TestHttp.get(ns.get("uri").asText(), ownerPat).statusCode());
        assertTrue(ok(TestHttp.get(b.inviteeUri(), ownerPat)).at("/resource/no_show").isNull());
        assertEquals(400, TestHttp.postJson(sb.baseUrl() + "/invitee_no_shows", ownerPat, "{}").statusCode());

        Booking c = sb.book(BookingRequest.of(carolEt, "Otto", "otto@example.com", DAY0.plusSeconds(3600)));
        var canceled = TestHttp.postJson(c.eventUri() + "/cancellation", ownerPat, java.util.Map.of("reason", "Host sick"));
        assertEquals(201, canceled.statusCode(), canceled.body());
        JsonNode cancellation = TestHttp.json(canceled).get("resource");
        assertEquals("host", cancellation.get("canceler_type").asText());
        assertEquals("Host sick", cancellation.get("reason").asText());
        JsonNode ev = ok(TestHttp.get(c.eventUri(), ownerPat)).get("resource");
        assertEquals("canceled", ev.get("status").asText());
        assertEquals("canceled", ok(TestHttp.get(c.inviteeUri(), ownerPat)).at("/resource/status").asText());
        assertEquals(403, TestHttp.postJson(c.eventUri() + "/cancellation", ownerPat, "{}").statusCode(),
                "already canceled");
    }

    @Test
    void injectedFaultsAnd429CarryRateLimitHeaders() {
        sb.faults().rateLimitNext(1);
        var limited = TestHttp.get(sb.baseUrl() + "/users/me", ownerPat);
        assertEquals(429, limited.statusCode());
        assertEquals("0", limited.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertEquals("60", limited.headers().firstValue("X-RateLimit-Reset").orElseThrow());
        assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", ownerPat).statusCode(), "only the next request");

        sb.faults().failNextApiRequests(2, 500, "/scheduled_events");
        assertEquals(200, TestHttp.get(sb.baseUrl() + "/users/me", ownerPat).statusCode(), "other paths unaffected");
        var failed = TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + enc(owner.uri()), ownerPat);
        assertEquals(500, failed.statusCode());
        assertEquals("Internal Server Error", TestHttp.json(failed).get("title").asText());
        assertEquals(500, TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + enc(owner.uri()), ownerPat)
                .statusCode());
        assertEquals(200, TestHttp.get(sb.baseUrl() + "/scheduled_events?user=" + enc(owner.uri()), ownerPat)
                .statusCode());
        assertTrue(sb.stats().apiRequests("/scheduled_events") >= 3);
    }

    @Test
    void freePlanUsersGet50RequestsPerMinute() {
        SandboxOrganization free = sb.createOrganization("Free Co", Plan.FREE);
        SandboxUser u = sb.createUser(free, "Free User", "free-user@example.com", Role.OWNER, "UTC");
        String pat = sb.createPersonalAccessToken(u);
        for (int i = 1; i <= 50; i++) {
            var r = TestHttp.get(sb.baseUrl() + "/users/me", pat);
            assertEquals(200, r.statusCode());
            assertEquals("50", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
            assertEquals(String.valueOf(50 - i), r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        }
        var limited = TestHttp.get(sb.baseUrl() + "/users/me", pat);
        assertEquals(429, limited.statusCode());
        assertEquals("0", limited.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        long reset = Long.parseLong(limited.headers().firstValue("X-RateLimit-Reset").orElseThrow());
        assertTrue(reset > 0 && reset <= 60);
    }
}
