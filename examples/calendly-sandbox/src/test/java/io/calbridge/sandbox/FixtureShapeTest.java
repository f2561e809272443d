package io.calbridge.sandbox;

import io.calbridge.fixtures.CalendlyFixtures;
import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every webhook fixture: replays the situation it records through the sandbox (same location
 * kind, name fields, answers, guests, tracking, reschedule links, canceler, ID formats...), receives
 * the sandbox's delivery over HTTP and compares shapes: the same keys at every level, the same
 * null-versus-absent choices, the same value types, and for real recordings the same URI and
 * timestamp formats.
 *
 * <p>Documented allowances, for docs examples only ({@code *.docs-example.json}), where Calendly's
 * published examples disagree with recorded deliveries:
 * <ul>
 *   <li>the sandbox may send keys the example omits if recorded deliveries have them at the same
 *       path (e.g. {@code first_name}, {@code no_show}, {@code payment}, {@code event_guests[].updated_at});</li>
 *   <li>null-versus-value is not compared (examples fill nullable fields with sample values, e.g.
 *       {@code meeting_notes_*}, {@code pooling_type});</li>
 *   <li>{@code cancellation} may be missing from a non-cancel event (the sample-data example shows
 *       every optional field at once);</li>
 *   <li>URI and timestamp formats are not compared (examples use placeholders such as
 *       {@code http://example.com} and whole-second times).</li>
 * </ul>
 * Everywhere: inside {@code location.data} (Zoom's/Teams' own blob) only the top-level keys are compared.
 */
class FixtureShapeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern LEGACY = Pattern.compile("[A-Z0-9]{16}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.(\\d+))?Z");
    private static final Set<String> DOCS_MAY_LACK = Set.of("payload.cancellation", "payload.scheduled_event.cancellation");
    private static final List<String> ALL_EVENTS = List.of("invitee.created", "invitee.canceled",
            "invitee_no_show.created", "invitee_no_show.deleted", "routing_form_submission.created",
            "event_type.created", "event_type.updated", "event_type.deleted");

    private static CalendlySandbox sb;
    private static Receiver receiver;
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Set<String> REAL_PATHS = new TreeSet<>();

    private enum Mode { REAL, DOCS }

    @BeforeAll
    static void start() {
        sb = CalendlySandbox.start(SandboxOptions.defaults());
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        sb.close();
        receiver.close();
    }

    @TestFactory
    Stream<DynamicTest> sandboxPayloadsHaveTheShapeOfEveryFixture() {
        List<String> fixtures = CalendlyFixtures.webhookDeliveries();
        assertFalse(fixtures.isEmpty(), "no webhook fixtures found");
        for (String p : fixtures) {
            if (mode(p) == Mode.REAL) {
                collectPaths(read(p), "", REAL_PATHS);
            }
        }
        return fixtures.stream().map(p -> DynamicTest.dynamicTest(p, () -> check(p)));
    }

    private static Mode mode(String n) {
        return n.contains("docs-example") || n.contains("sdk-fixture") ? Mode.DOCS : Mode.REAL;
    }

    private static JsonNode read(String name) {
        return CalendlyJson.parse(CalendlyFixtures.webhook(name));
    }

    private void check(String file) throws Exception {
        JsonNode fx = read(file);
        Mode mode = mode(file);
        String event = fx.get("event").asText();
        assertTrue(ALL_EVENTS.contains(event), "the sandbox does not emit " + event + " (" + file + ")");
        World w = new World(fx);
        String target = switch (event.substring(0, event.indexOf('.'))) {
            case "invitee", "invitee_no_show" -> w.driveInvitee(fx.get("payload"), event);
            case "event_type" -> w.driveEventType(fx.get("payload"), event);
            default -> w.driveRouting(fx.get("payload"));
        };
        JsonNode got = w.await(event, target);
        List<String> problems = new ArrayList<>();
        compare("", fx, got, mode, problems);
        if (event.startsWith("invitee")) {
            relations(fx.get("payload"), "fixture", mode, problems);
            relations(got.get("payload"), "sandbox", Mode.REAL, problems);
        }
        assertTrue(problems.isEmpty(), file + " differs from the sandbox's payload:\n  "
                + String.join("\n  ", problems) + "\nsandbox sent:\n" + got);
    }

    // ---- driving the sandbox --------------------------------------------------------------------

    /** One organization per fixture, with a subscriber and a host whose ID formats match the fixture's. */
    private static final class World {
        final int n = SEQ.incrementAndGet();
        final String path = "/fx/" + n;
        final SandboxOrganization org;
        final SandboxUser creator;
        final SandboxUser host;

        World(JsonNode fx) {
            org = sb.createOrganization("Fixture org " + n, Plan.ENTERPRISE);
            String createdBy = fx.path("created_by").asText("");
            JsonNode p = fx.get("payload");
            String hostUri = p.at("/scheduled_event/event_memberships/0/user").asText(p.at("/profile/owner").asText(""));
            String hostName = p.at("/scheduled_event/event_memberships/0/user_name").asText(
                    p.at("/profile/name").asText("Host " + n));
            creator = sb.createUser(org, "Subscriber " + n, "subscriber-" + n + "@example.com", Role.OWNER, "UTC",
                    legacy(createdBy));
            host = createdBy.equals(hostUri) ? creator
                    : sb.createUser(org, hostName, "host-" + n + "@example.org", Role.USER, "UTC", legacy(hostUri));
            var r = TestHttp.postJson(sb.baseUrl() + "/webhook_subscriptions", sb.createPersonalAccessToken(creator),
                    Map.of("url", receiver.url(path), "events", ALL_EVENTS, "organization", org.uri(),
                            "scope", "organization", "signing_key", "fixture-key-" + n));
            assertTrue(r.statusCode() == 201, r.body());
        }

        String driveInvitee(JsonNode p, String event) {
            JsonNode se = p.get("scheduled_event");
            JsonNode loc = se.get("location");
            int limit = se.at("/invitees_counter/limit").asInt(1);
            Instant start = instant(se.path("start_time").asText(), Instant.parse("2031-01-06T10:00:00Z"));
            Instant end = instant(se.path("end_time").asText(), start.plusSeconds(1800));
            long minutes = Math.max(1, Duration.between(start, end).toMinutes());
            EventTypeSpec spec = EventTypeSpec.of(host, se.path("name").asText("Meeting"),
                    limit > 1 ? EventKind.group(limit) : EventKind.SOLO, Duration.ofMinutes(minutes))
                    .location(LocationKind.parse(loc.get("type").asText()))
                    .locationText(loc.path("location").isTextual() ? loc.get("location").asText() : null)
                    .locationAdditionalInfo(loc.path("additional_info").isTextual() ? loc.get("additional_info").asText() : null);
            for (JsonNode qa : p.path("questions_and_answers")) {
                spec.question(qa.get("question").asText());
            }
            SandboxEventType et = sb.createEventType(spec);

            int others = limit > 1 ? Math.min(limit - 1, Math.max(0, se.at("/invitees_counter/active").asInt(0)
                    - (event.equals("invitee.canceled") ? 0 : 1))) : 0;
            for (int i = 0; i < others; i++) {
                sb.book(BookingRequest.of(et, "Other " + i, "other-" + n + "-" + i + "@example.com", start));
            }
            boolean rescheduledIn = p.path("old_invitee").isTextual();
            BookingRequest req = request(p, se, et, rescheduledIn ? start.minus(Duration.ofDays(1)) : start);
            Booking main;
            if (p.path("routing_form_submission").isTextual()) {
                SandboxRoutingForm form = sb.createRoutingForm(org, "Routing " + n, List.of("Need?"));
                sb.submitRoutingForm(form, Map.of("Need?", "A call"), req);
                main = sb.booking(latestInviteeOf(req.snapshot().email()));
            } else {
                main = sb.book(req);
            }
            if (rescheduledIn) {
                main = sb.reschedule(RescheduleRequest.of(main.inviteeUri(), start)
                        .byHostCalendar(p.path("invitee_scheduled_by").isTextual()));
            }
            if (se.path("meeting_notes_plain").isTextual()) {
                sb.setMeetingNotes(main.eventUri(), se.get("meeting_notes_plain").asText());
            }
            boolean noShow = p.path("no_show").isObject() || event.startsWith("invitee_no_show");
            if (noShow && !event.equals("invitee.created")) {
                sb.markNoShow(main.inviteeUri());
            }
            switch (event) {
                case "invitee.canceled" -> {
                    JsonNode c = p.get("cancellation");
                    String reason = c.path("reason").isNull() ? null : c.path("reason").asText();
                    boolean byHost = "host".equals(c.path("canceler_type").asText());
                    if (p.path("new_invitee").isTextual()) {
                        sb.reschedule(RescheduleRequest.of(main.inviteeUri(), start.plus(Duration.ofDays(2)))
                                .reason(reason).byHostCalendar(byHost));
                    } else {
                        sb.cancel(main.inviteeUri(), byHost ? Canceler.HOST : Canceler.INVITEE, reason);
                    }
                }
                case "invitee_no_show.deleted" -> sb.unmarkNoShow(main.inviteeUri());
                default -> {
                }
            }
            return main.inviteeUri();
        }

        private String latestInviteeOf(String email) {
            var r = TestHttp.get(sb.baseUrl() + "/_sandbox/state", null);
            String uri = null;
            for (JsonNode i : TestHttp.json(r).get("invitees")) {
                if (i.get("email").asText().equals(email)) {
                    uri = i.get("uri").asText();
                }
            }
            return uri;
        }

        private BookingRequest request(JsonNode p, JsonNode se, SandboxEventType et, Instant start) {
            BookingRequest r = BookingRequest.of(et, p.path("name").asText("Invitee"),
                    p.path("email").asText("invitee-" + n + "@example.com"), start);
            String tz = p.path("timezone").asText("UTC");
            try {
                ZoneId.of(tz);
                r.timezone(tz);
            } catch (RuntimeException e) {
                r.timezone("UTC");
            }
            if (p.has("first_name") && p.get("first_name").isNull()) {
                r.singleNameField(true);
            } else if (p.path("first_name").isTextual()) {
                r.firstLast(p.get("first_name").asText(), p.path("last_name").isTextual() ? p.get("last_name").asText() : null);
            }
            for (JsonNode qa : p.path("questions_and_answers")) {
                r.answer(qa.get("question").asText(), qa.path("answer").asText(""));
            }
            JsonNode t = p.path("tracking");
            r.utmCampaign(text(t, "utm_campaign")).utmSource(text(t, "utm_source")).utmMedium(text(t, "utm_medium"))
                    .utmContent(text(t, "utm_content")).utmTerm(text(t, "utm_term"))
                    .salesforceUuid(text(t, "salesforce_uuid"));
            r.textReminderNumber(text(p, "text_reminder_number"));
            for (JsonNode g : se.path("event_guests")) {
                r.guest(g.path("email").asText("guest@example.com"));
            }
            if (p.path("invitee_scheduled_by").isTextual() && !p.path("old_invitee").isTextual()) {
                r.scheduledByHost(true);
            }
            if (p.path("payment").isObject()) {
                JsonNode pay = p.get("payment");
                r.payment(pay.path("provider").asText("stripe"), pay.path("amount").asDouble(10),
                        pay.path("currency").asText("USD"));
            }
            if (p.path("reconfirmation").isObject()) {
                r.reconfirmationRequested(true).reconfirmed(p.at("/reconfirmation/confirmed_at").isTextual());
            }
            return r;
        }

        String driveEventType(JsonNode p, String event) {
            JsonNode loc = p.path("locations").path(0);
            EventTypeSpec spec = EventTypeSpec.of(host, p.path("name").asText("Event type"),
                    "group".equals(p.path("kind").asText()) ? EventKind.group(5) : EventKind.SOLO,
                    Duration.ofMinutes(p.path("duration").asLong(30)))
                    .location(loc.isObject() ? LocationKind.parse(loc.get("kind").asText()) : LocationKind.CUSTOM)
                    .locationText(text(loc, "location") != null ? text(loc, "location") : text(loc, "phone_number"))
                    .locationAdditionalInfo(text(loc, "additional_info"))
                    .description(text(p, "description_plain")).internalNote(text(p, "internal_note"));
            for (JsonNode q : p.path("custom_questions")) {
                List<String> choices = new ArrayList<>();
                q.path("answer_choices").forEach(c -> choices.add(c.asText()));
                spec.question(new EventTypeSpec.Question(q.get("name").asText(), q.path("type").asText("string"),
                        q.path("required").asBoolean(false), choices));
            }
            SandboxEventType et = sb.createEventType(spec);
            if (event.equals("event_type.updated")) {
                sb.updateEventType(et, et.name() + " (updated)", null);
            } else if (event.equals("event_type.deleted")) {
                sb.deleteEventType(et);
            }
            return et.uri();
        }

        String driveRouting(JsonNode p) {
            Map<String, String> answers = new LinkedHashMap<>();
            for (JsonNode qa : p.path("questions_and_answers")) {
                answers.put(qa.get("question").asText(), qa.path("answer").asText(""));
            }
            SandboxRoutingForm form = sb.createRoutingForm(org, "Routing " + n, new ArrayList<>(answers.keySet()));
            BookingRequest booking = null;
            if (p.path("submitter").isTextual()) {
                SandboxEventType et = sb.createEventType(host, "Routed call", EventKind.SOLO, Duration.ofMinutes(30));
                booking = BookingRequest.of(et, "Routed Invitee", "routed-" + n + "@example.com",
                        Instant.parse("2031-02-03T10:00:00Z"));
            }
            return sb.submitRoutingForm(form, answers, booking);
        }

        JsonNode await(String event, String uri) {
            try {
                return eventually(event + " delivery for " + uri).atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
                    JsonNode found = null;
                    for (Receiver.Received r : receiver.received(path)) {
                        JsonNode b = CalendlyJson.parse(r.body());
                        if (b.get("event").asText().equals(event) && b.at("/payload/uri").asText().equals(uri)) {
                            found = b;
                        }
                    }
                    return found;
                }, java.util.Objects::nonNull);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "; got " + receiver.received(path).size() + " deliveries: "
                        + sb.deliveries(), e);
            }
        }
    }

    // ---- comparing ------------------------------------------------------------------------------

    private static void compare(String path, JsonNode fx, JsonNode got, Mode mode, List<String> problems) {
        if (got == null) {
            problems.add(path + ": missing in the sandbox payload");
            return;
        }
        if (fx.isNull() || got.isNull()) {
            if (mode == Mode.REAL && fx.isNull() != got.isNull()) {
                problems.add(path + ": fixture " + (fx.isNull() ? "null" : "has a value") + ", sandbox "
                        + (got.isNull() ? "null" : "has a value " + abbreviate(got)));
            }
            return;
        }
        if (fx.isObject()) {
            if (!got.isObject()) {
                problems.add(path + ": fixture object, sandbox " + got.getNodeType());
                return;
            }
            boolean opaque = path.endsWith("location.data");
            for (String k : names(fx)) {
                String child = path.isEmpty() ? k : path + "." + k;
                if (!got.has(k)) {
                    if (!(mode == Mode.DOCS && DOCS_MAY_LACK.contains(child))) {
                        problems.add(child + ": key missing in the sandbox payload");
                    }
                } else if (!opaque) {
                    compare(child, fx.get(k), got.get(k), mode, problems);
                }
            }
            for (String k : names(got)) {
                String child = path.isEmpty() ? k : path + "." + k;
                if (!fx.has(k) && !(mode == Mode.DOCS && REAL_PATHS.contains(child))) {
                    problems.add(child + ": key the fixture does not have");
                }
            }
            return;
        }
        if (fx.isArray()) {
            if (!got.isArray()) {
                problems.add(path + ": fixture array, sandbox " + got.getNodeType());
            } else if (fx.isEmpty() != got.isEmpty()) {
                problems.add(path + ": fixture has " + fx.size() + " items, sandbox " + got.size());
            } else if (!fx.isEmpty()) {
                compare(path + "[]", fx.get(0), got.get(0), mode, problems);
            }
            return;
        }
        if (fx.getNodeType() != got.getNodeType()) {
            problems.add(path + ": fixture " + fx.getNodeType() + ", sandbox " + got.getNodeType());
            return;
        }
        if (mode == Mode.REAL && fx.isTextual()) {
            String f = format(fx.asText(), null);
            String g = format(got.asText(), sb.baseUrl());
            if (f != null && !f.equals(g)) {
                problems.add(path + ": format " + f + " but sandbox sent " + g + " (" + got.asText() + ")");
            }
        }
    }

    /** The URI or timestamp format of a value, or null when it is neither. */
    private static String format(String s, String base) {
        var m = TIMESTAMP.matcher(s);
        if (m.matches()) {
            return "timestamp with " + (m.group(2) == null ? 0 : m.group(2).length()) + " fractional digits";
        }
        String rest = null;
        for (String host : new String[] {"https://api.calendly.com/", "https://calendly.com/", base == null ? null : base + "/"}) {
            if (host != null && s.startsWith(host)) {
                rest = s.substring(host.length());
            }
        }
        if (rest == null) {
            return null;
        }
        StringBuilder out = new StringBuilder("{calendly}");
        for (String seg : rest.split("/")) {
            out.append('/').append(UUID.matcher(seg).matches() ? "{uuid}" : LEGACY.matcher(seg).matches() ? "{legacy-id}" : seg);
        }
        return out.toString();
    }

    /** Links between fields that clients rely on. */
    private static void relations(JsonNode p, String who, Mode mode, List<String> problems) {
        if (mode == Mode.DOCS) {
            return;
        }
        String uri = p.get("uri").asText();
        String event = p.get("event").asText();
        String id = uri.substring(uri.lastIndexOf('/') + 1);
        if (!uri.equals(event + "/invitees/" + id)) {
            problems.add(who + ": uri " + uri + " is not under event " + event);
        }
        if (!event.equals(p.at("/scheduled_event/uri").asText())) {
            problems.add(who + ": event differs from scheduled_event.uri");
        }
        if (!p.get("cancel_url").asText().endsWith("/cancellations/" + id)
                || !p.get("reschedule_url").asText().endsWith("/reschedulings/" + id)) {
            problems.add(who + ": cancel_url/reschedule_url do not carry the invitee id");
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void collectPaths(JsonNode n, String path, Set<String> out) {
        if (n.isObject()) {
            for (String k : names(n)) {
                String child = path.isEmpty() ? k : path + "." + k;
                out.add(child);
                collectPaths(n.get(k), child, out);
            }
        } else if (n.isArray()) {
            n.forEach(e -> collectPaths(e, path + "[]", out));
        }
    }

    private static boolean legacy(String uri) {
        String id = uri.substring(uri.lastIndexOf('/') + 1);
        return LEGACY.matcher(id).matches();
    }

    private static Instant instant(String s, Instant dflt) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return dflt;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
