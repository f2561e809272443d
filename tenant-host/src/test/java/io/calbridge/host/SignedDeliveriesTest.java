package io.calbridge.host;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.CONTACT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.db.host.tables.records.ContactRecord;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's booking items, each through the real webhook endpoint: a body signed as Calendly signs
 * it, posted over HTTP to the integration's URL, stored, claimed by the worker, applied by the booking
 * engine to tenant-host's tables in PostgreSQL. Every test uses its own invitee URIs and e-mails, so
 * the tests share one integration without seeing each other.
 */
class SignedDeliveriesTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static SignedDeliveries calendly;

    @BeforeAll
    static void start() throws Exception {
        calendly = new SignedDeliveries(db);
    }

    @AfterAll
    static void stop() {
        if (calendly != null) {
            calendly.close();
        }
    }

    // ---- invitee.no_show ------------------------------------------------------------------------

    @Test
    void inviteeNoShow_theSeedsEventName_marksTheNoShowLikeInviteeNoShowCreated() {
        String email = "no.show." + UUID.randomUUID() + "@example.com";
        ObjectNode created = retarget(SignedDeliveries.fixture("invitee.created.basic.json"), "ns", email);
        calendly.accepted(created);
        ObjectNode noShow = created.deepCopy();
        noShow.put("event", "invitee.no_show");
        ObjectNode mark = ((ObjectNode) noShow.get("payload")).putObject("no_show");
        mark.put("uri", "https://api.calendly.com/invitee_no_shows/" + UUID.randomUUID());
        mark.put("created_at", "2026-04-20T10:00:00.000000Z");

        calendly.accepted(noShow);

        calendly.awaitDrained();
        JsonNode logged = calendly.webhookLog("event=invitee.no_show");
        assertEquals(1, logged.size(), logged.toString());
        assertEquals("DONE", logged.get(0).get("status").asText(), "stored and processed, not ignored: " + logged);
        ContactRecord contact = contact(email);
        assertEquals(1, calendly.dsl().fetchCount(ACTIVITY, ACTIVITY.CONTACT_ID.eq(contact.getId())
                .and(ACTIVITY.KIND.eq("calendly.no_show"))), "the no-show is on the contact's timeline");
    }

    // ---- routing forms --------------------------------------------------------------------------

    @Test
    void routingForm_withoutAnEmailAnswer_usesTheSubmitterInvitee_otherwiseLogsWhy() throws Exception {
        HttpResponse<String> enabled = calendly.put("/settings/calendly/" + calendly.integrationId + "/settings",
                "{\"routing_forms\":{\"enabled\":true}}");
        assertEquals(200, enabled.statusCode(), enabled.body());
        String email = "submitter." + UUID.randomUUID() + "@example.com";
        ObjectNode booked = retarget(SignedDeliveries.fixture("invitee.created.basic.json"), "rf", email);
        calendly.accepted(booked);
        calendly.awaitDrained();
        String inviteeUri = booked.get("payload").get("uri").asText();

        ObjectNode submitted = routingFormSubmission(inviteeUri);
        ObjectNode anonymous = routingFormSubmission(null);
        ListAppender<ILoggingEvent> log = capture("io.calbridge.calendly.internal.booking");
        try {
            calendly.accepted(submitted);
            calendly.accepted(anonymous);
            calendly.awaitDrained();
        } finally {
            release("io.calbridge.calendly.internal.booking", log);
        }

        ContactRecord contact = contact(email);
        assertEquals(1, calendly.dsl().fetchCount(ACTIVITY, ACTIVITY.CONTACT_ID.eq(contact.getId())
                .and(ACTIVITY.KIND.eq("calendly.routing_form"))), "the submitter's contact got the submission");
        assertTrue(JSON(contact.getCustomFields().data()).path("What do you need?").asText().equals("A faster CRM"),
                contact.getCustomFields().data());
        String anonymousId = anonymous.get("payload").get("uri").asText();
        anonymousId = anonymousId.substring(anonymousId.lastIndexOf('/') + 1);
        String why = null;
        for (ILoggingEvent e : log.list) {
            if (e.getFormattedMessage().contains(anonymousId)) {
                why = e.getFormattedMessage();
            }
        }
        assertTrue(why != null && why.contains("no answer is an e-mail address") && why.contains("no submitter"),
                "the log says why no contact was made: " + why);
        JsonNode items = calendly.webhookLog("event=routing_form_submission.created");
        assertEquals(2, items.size(), items.toString());
    }

    private static ObjectNode routingFormSubmission(String submitter) {
        ObjectNode body = SignedDeliveries.JSON.createObjectNode();
        body.put("created_at", "2026-04-20T09:00:00.000000Z");
        body.put("created_by", "https://api.calendly.com/users/AAAAAAAAAAAAAAAA");
        body.put("event", "routing_form_submission.created");
        ObjectNode p = body.putObject("payload");
        p.put("uri", "https://api.calendly.com/routing_form_submissions/" + UUID.randomUUID());
        p.put("routing_form", "https://api.calendly.com/routing_forms/AAAAAAAAAAAAAAAA");
        ObjectNode qa = p.putArray("questions_and_answers").addObject();
        qa.put("question_uuid", UUID.randomUUID().toString());
        qa.put("question", "What do you need?");
        qa.put("answer", "A faster CRM");
        p.putObject("tracking").put("utm_source", "ads");
        p.putObject("result").put("type", "event_type").put("value", "https://api.calendly.com/event_types/AAAAAAAAAAAAAAAA");
        p.put("submitter", submitter);
        p.put("submitter_type", submitter == null ? null : "Invitee");
        p.put("created_at", "2026-04-20T09:00:00.000000Z");
        p.put("updated_at", "2026-04-20T09:00:00.000000Z");
        return body;
    }

    // ---- reschedule pairs: contact fields independent of order -----------------------------------

    /** A recorded reschedule: the canceled old half and the created new half. */
    record Pair(String name, ObjectNode old, ObjectNode created) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Every reschedule in {@code fixtures/}: the recorded pair, and the recorded new half whose old
     * half was not recorded (made from it: same invitee data, the old URI, canceled as rescheduled).
     */
    static List<Pair> reschedulePairs() {
        List<Pair> pairs = new ArrayList<>();
        pairs.add(new Pair("recorded pair", SignedDeliveries.fixture("invitee.canceled.reschedule-old.json"),
                SignedDeliveries.fixture("invitee.created.reschedule-new.json")));
        ObjectNode created = SignedDeliveries.fixture("invitee.created.zoom.with-guest.rescheduled-new.json");
        ObjectNode old = created.deepCopy();
        old.put("event", "invitee.canceled");
        ObjectNode p = (ObjectNode) old.get("payload");
        String newUri = p.get("uri").asText();
        p.put("uri", p.get("old_invitee").asText());
        p.putNull("old_invitee");
        p.put("new_invitee", newUri);
        p.put("rescheduled", true);
        p.put("status", "canceled");
        p.putObject("cancellation").put("canceled_by", "Ari Exampleton").put("reason", "").put("canceler_type", "invitee")
                .put("created_at", "2026-04-09T22:53:44.000000Z");
        pairs.add(new Pair("with-guest new half, old half derived", old, created));
        return pairs;
    }

    /**
     * What differs between the halves, one contact field at a time: the old invitee has a value the
     * new one lacks (the case the acceptance run found: its {@code text_reminder_number} was lost), or
     * the new one changed it.
     */
    static Map<String, Consumer<ObjectNode[]>> variations() {
        return Map.of(
                "phone only on the old invitee", h -> {
                    payload(h[0]).put("text_reminder_number", "+1 555-010-0042");
                    payload(h[1]).putNull("text_reminder_number");
                },
                "phone changed by the new invitee", h -> {
                    payload(h[0]).put("text_reminder_number", "+1 555-010-0001");
                    payload(h[1]).put("text_reminder_number", "+1 555-010-0002");
                },
                "name changed by the new invitee", h -> payload(h[1]).put("name", "Renamed Person")
                        .put("first_name", "Renamed").put("last_name", "Person"),
                "time zone only on the old invitee", h -> payload(h[1]).putNull("timezone"),
                "time zone changed by the new invitee", h -> payload(h[1]).put("timezone", "Europe/Lisbon"),
                "answer only on the old invitee", h -> ((ObjectNode) payload(h[0]).withArray("questions_and_answers")
                        .addObject()).put("question", "Old only").put("answer", "kept").put("position", 99),
                "UTM changed by the new invitee", h -> ((ObjectNode) payload(h[1]).get("tracking")).put("utm_source", "newer"));
    }

    static Stream<Arguments> pairsAndVariations() {
        List<Arguments> out = new ArrayList<>();
        for (Pair pair : reschedulePairs()) {
            for (var v : variations().entrySet()) {
                out.add(Arguments.of(pair, v.getKey(), v.getValue()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("pairsAndVariations")
    void rescheduledContact_everyField_isTheSameInBothDeliveryOrders(Pair pair, String variation, Consumer<ObjectNode[]> change) {
        List<String> rows = new ArrayList<>();
        for (boolean oldFirst : new boolean[] {true, false}) {
            String tag = (oldFirst ? "o" : "n") + UUID.randomUUID().toString().substring(0, 8);
            String email = "resched." + tag + "@example.com";
            ObjectNode[] halves = {pair.old().deepCopy(), pair.created().deepCopy()};
            change.accept(halves);
            relink(halves, tag, email);
            calendly.accepted(halves[oldFirst ? 0 : 1]);
            calendly.awaitDrained();
            calendly.accepted(halves[oldFirst ? 1 : 0]);
            calendly.awaitDrained();
            ContactRecord c = contact(email);
            rows.add("full_name=" + c.getFullName() + " first_name=" + c.getFirstName() + " last_name=" + c.getLastName()
                    + " phone=" + c.getPhone() + " timezone=" + c.getTimezone() + " status=" + c.getStatus()
                    + " owner=" + c.getOwnerUserId() + " fields=" + JSON(c.getCustomFields().data()));
        }
        assertEquals(rows.get(0), rows.get(1), "old half first vs. new half first");
        if (variation.equals("phone only on the old invitee")) {
            assertTrue(rows.get(0).contains("phone=+1 555-010-0042"), rows.get(0));
        }
        if (variation.equals("phone changed by the new invitee")) {
            assertTrue(rows.get(0).contains("phone=+1 555-010-0002"), rows.get(0));
        }
        if (variation.equals("name changed by the new invitee")) {
            assertTrue(rows.get(0).contains("full_name=Renamed Person first_name=Renamed last_name=Person"), rows.get(0));
        }
    }

    // ---- poison deliveries ----------------------------------------------------------------------

    @Test
    void nulInAName_isReplacedAtIngest_andTheBookingLands() {
        String email = "nul." + UUID.randomUUID() + "@example.com";
        ObjectNode created = retarget(SignedDeliveries.fixture("invitee.created.basic.json"), "nul", email);
        payload(created).put("name", "Jane\u0000Doe").put("first_name", "Jane\u0000");
        byte[] body = SignedDeliveries.JSON.valueToTree(created).toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(new String(body, StandardCharsets.UTF_8).contains("\\u0000"), "sent as JSON escapes, as Calendly would");

        HttpResponse<String> r = calendly.deliver(body);

        assertEquals(200, r.statusCode(), r.body());
        eventually("the booking to land").until(() -> calendly.dsl().fetchExists(CONTACT, CONTACT.EMAIL.eq(email)));
        ContactRecord contact = contact(email);
        assertEquals("Jane\uFFFDDoe", contact.getFullName());
        assertEquals("Jane\uFFFD", contact.getFirstName());
    }

    @Test
    void aFailureThatCanNeverSucceed_isDeadLetteredAtOnce_notRetriedForHours() {
        String email = "overflow." + UUID.randomUUID() + "@example.com";
        ObjectNode created = retarget(SignedDeliveries.fixture("invitee.created.basic.json"), "ovf", email);
        // A valid ISO instant, but beyond what PostgreSQL's timestamptz holds: no retry can store it.
        ((ObjectNode) payload(created).get("scheduled_event")).put("start_time", "+300000-01-01T00:00:00Z");

        calendly.accepted(created);

        eventually("the delivery to end or be retried").until(() -> {
            JsonNode item = latest("invitee.created");
            String status = item.get("status").asText();
            return !status.equals("PROCESSING") && !(status.equals("PENDING") && item.get("attempts").asInt() == 0);
        });
        JsonNode item = latest("invitee.created");
        assertEquals("DEAD", item.get("status").asText(), item.toString());
        assertEquals(1, item.get("attempts").asInt(), "dead-lettered on the first attempt: " + item);
        assertTrue(item.get("last_error").asText().contains("cannot"), item.toString());
    }

    /** The newest delivery of this event in the webhook log. */
    private static JsonNode latest(String event) {
        JsonNode newest = null;
        for (JsonNode item : calendly.webhookLog("event=" + event)) {
            if (newest == null || item.get("id").asLong() > newest.get("id").asLong()) {
                newest = item;
            }
        }
        return newest;
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static ObjectNode payload(ObjectNode body) {
        return (ObjectNode) body.get("payload");
    }

    private static ObjectNode payload(JsonNode body) {
        return (ObjectNode) body.get("payload");
    }

    /** Gives a fixture's invitee (and its scheduled event) fresh URIs and the e-mail {@code email}. */
    private static ObjectNode retarget(ObjectNode body, String tag, String email) {
        ObjectNode p = payload(body);
        String id = tag + "-" + UUID.randomUUID();
        p.put("uri", "https://api.calendly.com/scheduled_events/ev-" + id + "/invitees/" + id);
        p.put("email", email);
        ((ObjectNode) p.get("scheduled_event")).put("uri", "https://api.calendly.com/scheduled_events/ev-" + id);
        return body;
    }

    /** Gives both halves of a reschedule fresh, matching URIs and one e-mail. */
    private static void relink(ObjectNode[] halves, String tag, String email) {
        String oldUri = "https://api.calendly.com/scheduled_events/old-" + tag + "/invitees/old-" + tag;
        String newUri = "https://api.calendly.com/scheduled_events/new-" + tag + "/invitees/new-" + tag;
        payload(halves[0]).put("uri", oldUri).put("new_invitee", newUri).put("email", email);
        ((ObjectNode) payload(halves[0]).get("scheduled_event")).put("uri", "https://api.calendly.com/scheduled_events/old-" + tag);
        payload(halves[1]).put("uri", newUri).put("old_invitee", oldUri).put("email", email);
        ((ObjectNode) payload(halves[1]).get("scheduled_event")).put("uri", "https://api.calendly.com/scheduled_events/new-" + tag);
    }

    private static ContactRecord contact(String email) {
        ContactRecord c = calendly.dsl().selectFrom(CONTACT).where(CONTACT.EMAIL.equalIgnoreCase(email)).fetchOne();
        assertTrue(c != null, "no contact for " + email);
        return c;
    }

    private static JsonNode JSON(String json) {
        try {
            return SignedDeliveries.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ListAppender<ILoggingEvent> capture(String loggerName) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(loggerName)).addAppender(appender);
        return appender;
    }

    private static void release(String loggerName, ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(loggerName)).detachAppender(appender);
    }
}
