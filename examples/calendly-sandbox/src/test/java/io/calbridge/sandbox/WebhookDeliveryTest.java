package io.calbridge.sandbox;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subscribes a local receiver and drives bookings through the sandbox; every delivery is checked
 * with an HMAC computed here, independently of the sandbox's signing code.
 */
class WebhookDeliveryTest {
    private static final String REDIRECT = "http://localhost:7070/callback";
    private static final String OWN_KEY = "receiver-chosen-key-123";
    private static final String PAT_KEY = "pat-subscription-key-456";
    private static final Pattern SIGNATURE = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static CalendlySandbox sb;
    private static Receiver receiver;
    private static SandboxOrganization org;
    private static SandboxUser owner;
    private static SandboxUser member;
    private static SandboxApp app;
    private static String ownerToken;
    private static SandboxEventType ownerEt;
    private static SandboxEventType memberEt;
    private static final Instant START = Instant.parse("2031-03-03T15:00:00Z");

    @BeforeAll
    static void start() {
        sb = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true).timeScale(400_000));
        receiver = new Receiver();
        org = sb.createOrganization("Acme", Plan.STANDARD);
        owner = sb.createUser(org, "Ada Host", "ada@example.com", Role.OWNER, "Europe/Warsaw");
        member = sb.createUser(org, "Bob Member", "bob@example.com", Role.USER, "UTC");
        app = sb.createOAuthApp("Acme CRM", List.of(REDIRECT));
        ownerToken = OAuthTestClient.accessToken(sb, app, owner,
                "webhooks:read webhooks:write scheduled_events:read users:read");
        ownerEt = sb.createEventType(owner, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        memberEt = sb.createEventType(member, "Member call", EventKind.SOLO, Duration.ofMinutes(15));
    }

    @AfterAll
    static void stop() {
        sb.close();
        receiver.close();
    }

    private static JsonNode subscribe(String token, Map<String, Object> body) {
        var r = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", token, body);
        assertEquals(201, r.statusCode(), r.body());
        JsonNode res = TestHttp.json(r).get("resource");
        assertFalse(res.has("signing_key"), "the key is never returned");
        assertEquals(res.get("uri").asText(), r.headers().firstValue("Location").orElseThrow());
        return res;
    }

    /** Verifies the signature with javax.crypto over t + "." + the raw body bytes; returns t. */
    static long assertSigned(Receiver.Received r, String key) throws Exception {
        String header = r.header("Calendly-Webhook-Signature");
        assertTrue(header != null, "signed delivery expected: " + r.headers());
        Matcher m = SIGNATURE.matcher(header);
        assertTrue(m.matches(), header);
        long t = Long.parseLong(m.group(1));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        mac.update(r.body());
        assertEquals(HexFormat.of().formatHex(mac.doFinal()), m.group(2), "v1 must be HMAC-SHA256 of t.body");
        assertTrue(Math.abs(Instant.now().getEpochSecond() - t) < 180, "t is the send time");
        return t;
    }

    private static void assertCalendlyShapedBody(Receiver.Received r) throws Exception {
        assertEquals("application/json", r.header("content-type"));
        assertEquals("Calendly", r.header("user-agent"));
        byte[] body = r.body();
        assertNotEquals('\n', body[body.length - 1], "no trailing newline");
        JsonNode parsed = TestHttp.JSON.readTree(body);
        assertEquals(new String(body, StandardCharsets.UTF_8), TestHttp.JSON.writeValueAsString(parsed),
                "compact JSON: re-serialising in the same key order gives the same bytes");
        List<String> keys = new ArrayList<>();
        parsed.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("created_at", "created_by", "event", "payload"), keys);
        assertTrue(parsed.get("created_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000000Z"));
    }

    private static JsonNode body(Receiver.Received r) throws Exception {
        return TestHttp.JSON.readTree(r.body());
    }

    @Test
    void bookCancelRescheduleBothOrdersAndNoShowAreDeliveredSignedAndInOrder() throws Exception {
        JsonNode orgSub = subscribe(ownerToken, Map.of("url", receiver.url("/org"), "events",
                List.of("invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"),
                "organization", org.uri(), "scope", "organization", "signing_key", OWN_KEY));
        assertEquals("active", orgSub.get("state").asText());
        assertTrue(orgSub.get("retry_started_at").isNull());
        assertTrue(orgSub.get("user").isNull());
        assertEquals(owner.uri(), orgSub.get("creator").asText());
        subscribe(ownerToken, Map.of("url", receiver.url("/appkey"), "events", List.of("invitee.created"),
                "organization", org.uri(), "scope", "organization"));
        String memberPat = sb.createPersonalAccessToken(member);
        subscribe(memberPat, Map.of("url", receiver.url("/member"), "events", List.of("invitee.created"),
                "organization", org.uri(), "scope", "user", "user", member.uri(), "signing_key", PAT_KEY));

        Booking b1 = sb.book(BookingRequest.of(ownerEt, "Zoë Ünicode", "zoe@example.com", START)
                .timezone("America/New_York").answer("Company?", "Acme / Ltd").utmSource("google").guest("g@example.com"));
        sb.cancel(b1.inviteeUri(), Canceler.INVITEE, "Can't make it");
        Booking b2 = sb.book(BookingRequest.of(ownerEt, "Jane Doe", "jane@example.com", START.plus(1, ChronoUnit.DAYS)));
        Booking nb2 = sb.reschedule(b2.inviteeUri(), START.plus(2, ChronoUnit.DAYS));
        Booking nb3 = sb.reschedule(nb2.inviteeUri(), START.plus(3, ChronoUnit.DAYS), RescheduleOrder.CREATE_FIRST);
        String noShowUri = sb.markNoShow(nb3.inviteeUri());
        sb.unmarkNoShow(nb3.inviteeUri());
        Booking mb = sb.book(BookingRequest.of(memberEt, "Mo Member-Guest", "mo@example.com", START));

        List<Receiver.Received> got = receiver.await("/org", 10, WAIT);
        for (Receiver.Received r : got) {
            assertCalendlyShapedBody(r);
            assertSigned(r, OWN_KEY);
            assertEquals(owner.uri(), body(r).get("created_by").asText());
        }
        List<String> seen = new ArrayList<>();
        for (Receiver.Received r : got) {
            JsonNode b = body(r);
            seen.add(b.get("event").asText() + " " + b.at("/payload/uri").asText());
        }
        assertEquals(List.of(
                "invitee.created " + b1.inviteeUri(),
                "invitee.canceled " + b1.inviteeUri(),
                "invitee.created " + b2.inviteeUri(),
                "invitee.canceled " + b2.inviteeUri(),
                "invitee.created " + nb2.inviteeUri(),
                "invitee.created " + nb3.inviteeUri(),
                "invitee.canceled " + nb2.inviteeUri(),
                "invitee_no_show.created " + nb3.inviteeUri(),
                "invitee_no_show.deleted " + nb3.inviteeUri(),
                "invitee.created " + mb.inviteeUri()), seen);

        JsonNode created1 = body(got.get(0)).get("payload");
        assertTrue(got.get(0).bodyString().contains("Zoë Ünicode"), "non-ASCII as raw UTF-8");
        assertTrue(got.get(0).bodyString().contains("Acme / Ltd"), "slashes are not escaped");
        assertEquals("google", created1.at("/tracking/utm_source").asText());
        assertEquals("g@example.com", created1.at("/scheduled_event/event_guests/0/email").asText());
        assertEquals("America/New_York", created1.get("timezone").asText());
        assertEquals("Zoë", created1.get("first_name").asText());

        JsonNode canceled1 = body(got.get(1)).get("payload");
        assertEquals("canceled", canceled1.get("status").asText());
        assertEquals("invitee", canceled1.at("/cancellation/canceler_type").asText());
        assertEquals("Can't make it", canceled1.at("/cancellation/reason").asText());
        assertEquals("canceled", canceled1.at("/scheduled_event/status").asText());
        assertFalse(canceled1.get("rescheduled").asBoolean());

        JsonNode oldSide = body(got.get(3)).get("payload");
        JsonNode newSide = body(got.get(4)).get("payload");
        assertTrue(oldSide.get("rescheduled").asBoolean());
        assertEquals(nb2.inviteeUri(), oldSide.get("new_invitee").asText());
        assertEquals(b2.inviteeUri(), newSide.get("old_invitee").asText());
        assertFalse(newSide.get("rescheduled").asBoolean());
        assertNotEquals(b2.eventUri(), nb2.eventUri(), "a reschedule creates a new scheduled event");
        assertEquals(nb2.eventUri(), newSide.at("/scheduled_event/uri").asText());

        JsonNode secondOld = body(got.get(6)).get("payload");
        assertEquals(b2.inviteeUri(), secondOld.get("old_invitee").asText(), "a second reschedule keeps old_invitee");
        assertEquals(nb3.inviteeUri(), secondOld.get("new_invitee").asText());

        JsonNode ns = body(got.get(7)).get("payload");
        assertEquals(noShowUri, ns.at("/no_show/uri").asText());
        assertTrue(body(got.get(8)).get("payload").get("no_show").isNull());

        List<Receiver.Received> appKeyed = receiver.await("/appkey", 5, WAIT);
        for (Receiver.Received r : appKeyed) {
            assertSigned(r, app.signingKey());
        }
        List<Receiver.Received> memberOnly = receiver.await("/member", 1, WAIT);
        sb.awaitIdle(WAIT);
        assertEquals(1, receiver.received("/member").size(), "user scope: only events the user hosts");
        assertSigned(memberOnly.get(0), PAT_KEY);
        assertEquals(mb.inviteeUri(), body(memberOnly.get(0)).at("/payload/uri").asText());
        assertEquals(member.uri(), body(memberOnly.get(0)).get("created_by").asText());
    }

    @Test
    void failingReceiverIsRetriedThenTheSubscriptionIsDisabled() throws Exception {
        int[] calls = {0};
        try (Receiver flaky = new Receiver(); Receiver dead = new Receiver()) {
            flaky.respondWith(() -> ++calls[0] <= 2 ? 503 : 200);
            dead.respondWith(() -> 500);
            subscribe(ownerToken, Map.of("url", flaky.url("/flaky"), "events", List.of("invitee.created"),
                    "organization", org.uri(), "scope", "organization", "signing_key", OWN_KEY));
            JsonNode deadSub = subscribe(ownerToken, Map.of("url", dead.url("/dead"), "events",
                    List.of("invitee.created"), "organization", org.uri(), "scope", "organization"));
            Instant at = Instant.parse("2032-01-01T10:00:00Z");
            sb.book(BookingRequest.of(ownerEt, "Retry Me", "retry@example.com", at));

            List<Receiver.Received> attempts = flaky.await("/flaky", 3, WAIT);
            assertEquals(3, attempts.size());
            for (Receiver.Received r : attempts) {
                assertSigned(r, OWN_KEY);
                assertEquals(attempts.get(0).bodyString(), r.bodyString(), "retries resend the same body");
            }
            sb.awaitAttempts(a -> a.url().endsWith("/dead") && a.outcome() == DeliveryOutcome.FAILED_STATUS, 2, WAIT);
            String deadUri = deadSub.get("uri").asText();
            eventually("the subscription disabled after the retry window").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> sb.subscriptionState(deadUri).orElseThrow().equals("disabled"));
            JsonNode shown = TestHttp.json(TestHttp.get(deadUri, ownerToken)).get("resource");
            assertEquals("disabled", shown.get("state").asText());
            assertFalse(shown.get("retry_started_at").isNull());
            int deadAttempts = dead.received("/dead").size();
            assertTrue(deadAttempts >= 5, "exponential back-off over the window, got " + deadAttempts);

            sb.book(BookingRequest.of(ownerEt, "After", "after@example.com", at.plus(1, ChronoUnit.DAYS)));
            flaky.await("/flaky", 4, WAIT);
            sb.awaitIdle(WAIT);
            assertEquals(deadAttempts, dead.received("/dead").size(), "a disabled subscription gets nothing");
            JsonNode flakySubs = TestHttp.json(TestHttp.get(sb.baseUrl() + "/webhook_subscriptions?organization="
                    + org.uri() + "&scope=organization&count=100", ownerToken));
            for (JsonNode s : flakySubs.get("collection")) {
                if (s.get("callback_url").asText().endsWith("/flaky")) {
                    assertEquals("active", s.get("state").asText());
                    assertTrue(s.get("retry_started_at").isNull(), "cleared once the retried message got through");
                }
            }
        }
    }

    @Test
    void faultsDropDuplicateAndBreakSignatures() throws Exception {
        // Delivery faults hit the next messages of any subscription, so this test has a sandbox of its own.
        try (CalendlySandbox own = CalendlySandbox.start(SandboxOptions.defaults()); Receiver r = new Receiver()) {
            SandboxOrganization o = own.createOrganization("Faulty", Plan.TEAMS);
            SandboxUser host = own.createUser(o, "Faulty Host", "host@faulty.example", Role.ADMIN, "UTC");
            SandboxEventType et = own.createEventType(host, "Call", EventKind.SOLO, Duration.ofMinutes(20));
            var created = TestHttp.postJson(own.baseUrl() + "/webhook_subscriptions", own.createPersonalAccessToken(host),
                    Map.of("url", r.url("/faults"), "events", List.of("invitee.created"), "organization", o.uri(),
                            "scope", "organization", "signing_key", OWN_KEY));
            assertEquals(201, created.statusCode(), created.body());
            Instant at = Instant.parse("2033-01-01T10:00:00Z");
            own.faults().dropNextDeliveries(1);
            Booking lost = own.book(BookingRequest.of(et, "Lost", "lost@example.com", at));
            own.awaitAttempts(a -> a.outcome() == DeliveryOutcome.DROPPED, 1, WAIT);
            own.faults().duplicateNextDeliveries(1);
            Booking twice = own.book(BookingRequest.of(et, "Twice", "twice@example.com", at.plusSeconds(3600)));
            List<Receiver.Received> got = r.await("/faults", 2, WAIT);
            assertEquals(got.get(0).bodyString(), got.get(1).bodyString());
            assertTrue(got.get(0).bodyString().contains(twice.inviteeUri()));
            assertFalse(got.stream().anyMatch(x -> x.bodyString().contains(lost.inviteeUri())));
            assertEquals(2, own.awaitDeliveries(2, WAIT).size());

            own.faults().breakSignatures(true);
            own.book(BookingRequest.of(et, "Forged", "forged@example.com", at.plusSeconds(7200)));
            Receiver.Received forged = r.await("/faults", 3, WAIT).get(2);
            own.faults().breakSignatures(false);
            AssertionError e = assertThrows(AssertionError.class, () -> assertSigned(forged, OWN_KEY));
            assertTrue(e.getMessage().contains("v1"), e.getMessage());

            var subscription = TestHttp.postJson(own.baseUrl() + "/webhook_subscriptions",
                    own.createPersonalAccessToken(host), Map.of("url", r.url("/pairs"), "events",
                            List.of("invitee.created", "invitee.canceled"), "organization", o.uri(),
                            "scope", "organization", "signing_key", OWN_KEY));
            assertEquals(201, subscription.statusCode());
            Booking first = own.book(BookingRequest.of(et, "Pair", "pair@example.com", at.plusSeconds(10_800)));
            own.faults().reorderNextReschedule();
            Booking moved = own.reschedule(first.inviteeUri(), at.plusSeconds(14_400));
            List<String> order = new ArrayList<>();
            for (Receiver.Received x : r.await("/pairs", 3, WAIT)) {
                order.add(body(x).get("event").asText() + " " + body(x).at("/payload/uri").asText());
            }
            assertEquals(List.of("invitee.created " + first.inviteeUri(), "invitee.created " + moved.inviteeUri(),
                    "invitee.canceled " + first.inviteeUri()), order, "the reordered pair arrives created-first");

            own.advanceTime(Duration.ofHours(3));
            own.book(BookingRequest.of(et, "Later", "later@example.com", at.plusSeconds(20_000)));
            assertSigned(r.await("/pairs", 4, WAIT).get(3), OWN_KEY);
        }
    }

    @Test
    void subscriptionRulesDuplicatesPlansAndRoles() {
        String url = receiver.url("/rules");
        Map<String, Object> body = Map.of("url", url, "events", List.of("invitee.created"),
                "organization", org.uri(), "scope", "organization");
        subscribe(ownerToken, body);
        var dup = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", ownerToken, body);
        assertEquals(409, dup.statusCode());
        assertEquals("Already Exists", TestHttp.json(dup).get("title").asText());
        assertEquals("Hook with this url already exists", TestHttp.json(dup).get("message").asText());

        String memberPat = sb.createPersonalAccessToken(member);
        var notAdmin = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", memberPat, Map.of("url",
                receiver.url("/rules2"), "events", List.of("invitee.created"), "organization", org.uri(),
                "scope", "organization"));
        assertEquals(403, notAdmin.statusCode());

        SandboxOrganization free = sb.createOrganization("Freebie", Plan.FREE);
        SandboxUser freeOwner = sb.createUser(free, "Free Owner", "free@example.com", Role.OWNER, "UTC");
        var upgrade = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", sb.createPersonalAccessToken(freeOwner),
                Map.of("url", url, "events", List.of("invitee.created"), "organization", free.uri(),
                        "scope", "organization"));
        assertEquals(403, upgrade.statusCode());
        assertEquals("Please upgrade your Calendly account to Standard", TestHttp.json(upgrade).get("message").asText());

        var bad = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", ownerToken,
                Map.of("url", "not a url", "events", List.of("invitee.rescheduled"), "scope", "organization"));
        assertEquals(400, bad.statusCode());
        JsonNode err = TestHttp.json(bad);
        assertEquals("Invalid Argument", err.get("title").asText());
        assertTrue(err.get("details").size() >= 3, err.toString());

        JsonNode list = TestHttp.json(TestHttp.get(sb.baseUrl() + "/webhook_subscriptions?scope=organization&count=1"
                + "&organization=" + org.uri(), ownerToken));
        assertEquals(1, list.get("collection").size());
        JsonNode p = list.get("pagination");
        for (String k : List.of("count", "next_page", "previous_page", "next_page_token", "previous_page_token")) {
            assertTrue(p.has(k), "pagination has " + k);
        }
        String uri = list.at("/collection/0/uri").asText();
        var del = TestHttp.delete(uri, ownerToken);
        assertEquals(204, del.statusCode());
        assertEquals("", del.body());
        assertEquals(404, TestHttp.get(uri, ownerToken).statusCode());
        assertNull(sb.subscriptionState(uri).orElse(null));
    }
}
