package io.calbridge.calendly.internal.webhook;

import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeliveryEnvelopeTest {

    static java.util.List<String> fixtures() {
        return CalendlyFixtures.webhookDeliveries();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixture_parsesWithEvent(String name) throws Exception {
        var envelope = DeliveryEnvelope.parse(CalendlyFixtures.webhook(name));

        assertTrue(name.startsWith(envelope.event().replace("sample_webhook_data.", "")) || name.contains(envelope.event()), name);
        assertTrue(envelope.handled());
        assertTrue(envelope.dedupeKey().startsWith(envelope.event() + "|https://"), envelope.dedupeKey());
    }

    /** The keys the reader computed at commit 7e1956d: a change here re-delivers or merges events that are already stored. */
    static final Map<String, String> PINNED_KEYS = Map.ofEntries(
            Map.entry("event_type.created.standard.docs-example.json", "event_type.created|https://api.calendly.com/event_types/AAAAAAAAAAAAAAAA|2019-08-07T06:05:04.321123Z"),
            Map.entry("invitee.canceled.by-host.json", "invitee.canceled|https://api.calendly.com/scheduled_events/54bb585a-e674-4d55-b1b3-d58f8e5c9a41/invitees/f6c07d3a-90ce-406b-af7c-6cfc2b6709fd|2026-04-09T11:40:12.242966Z"),
            Map.entry("invitee.canceled.by-invitee.json", "invitee.canceled|https://api.calendly.com/scheduled_events/2d01515d-4ef0-4722-8ab7-a8c744e2de73/invitees/59dba668-7a95-4a6d-96db-d79e0bb12b31|2026-04-09T15:30:41.781268Z"),
            Map.entry("invitee.canceled.docs-example.json", "invitee.canceled|https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA|2020-11-23T17:54:22.356897Z"),
            Map.entry("invitee.canceled.reschedule-old.json", "invitee.canceled|https://api.calendly.com/scheduled_events/b0c4d91c-3ca3-4976-a8fa-9048e7d25cc9/invitees/8740113b-dac7-4c55-995d-edfe6c07ab3a|2026-04-16T20:00:31.549973Z"),
            Map.entry("invitee.created.basic.json", "invitee.created|https://api.calendly.com/scheduled_events/7c6376d9-bf8f-430c-ad97-76f4d11024eb/invitees/899e8c60-9931-43be-8ab4-5d0ce9fe7fec"),
            Map.entry("invitee.created.docs-example.json", "invitee.created|https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA"),
            Map.entry("invitee.created.google-meet-processing.with-guest.json", "invitee.created|https://api.calendly.com/scheduled_events/7ad2d944-a72f-48b8-93f6-10318311cd75/invitees/7c0c581f-85a4-49a8-9124-0669da3ae9cc"),
            Map.entry("invitee.created.reschedule-new.json", "invitee.created|https://api.calendly.com/scheduled_events/1d894a9c-6738-4c5a-ad20-3047d4b3565b/invitees/b019eae1-ffbc-48f0-94b3-2b78967936fa"),
            Map.entry("invitee.created.zoom.single-name-field.json", "invitee.created|https://api.calendly.com/scheduled_events/fa0e4a18-4540-4698-912e-ebffade02f2f/invitees/6560c89d-de50-4b52-923c-0b51e6a7745d"),
            Map.entry("invitee.created.zoom.with-guest.rescheduled-new.json", "invitee.created|https://api.calendly.com/scheduled_events/1c3ba7ea-5ddb-4b4a-82fb-eb465d4c00c0/invitees/fa178de9-c763-4821-9c74-45e41855af4d"),
            Map.entry("invitee_no_show.deleted.docs-example.json", "invitee_no_show.deleted|https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA|2020-11-23T17:51:19.000000Z"),
            Map.entry("sample_webhook_data.invitee.created.docs-example.json", "invitee.created|https://calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA"));

    @Test
    void everyFixture_hasAPinnedKey() {
        assertEquals(new java.util.TreeSet<>(PINNED_KEYS.keySet()), new java.util.TreeSet<>(fixtures()));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void dedupeKeys_areThePinnedOnes(String name) throws Exception {
        assertEquals(PINNED_KEYS.get(name), DeliveryEnvelope.parse(CalendlyFixtures.webhook(name)).dedupeKey(), name);
    }

    @Test
    void aBodyBrokenAfterTheKeysFields_isRefused() {
        byte[] body = ("{\"created_at\":\"2026-05-01T10:00:00Z\",\"event\":\"invitee.canceled\",\"payload\":{"
                + "\"uri\":\"https://api.calendly.com/scheduled_events/E/invitees/I\",\"cancellation\":{\"created_at\":\"C1\"},"
                + "\"name\": not json at all").getBytes(StandardCharsets.UTF_8);

        assertThrows(DeliveryEnvelope.InvalidPayload.class, () -> DeliveryEnvelope.parse(body));
    }

    @Test
    void realFixtures_haveDistinctDedupeKeys() throws Exception {
        Set<String> keys = new HashSet<>();
        for (String name : CalendlyFixtures.webhookDeliveries()) {
            if (!name.contains("docs-example")) {
                assertTrue(keys.add(DeliveryEnvelope.parse(CalendlyFixtures.webhook(name)).dedupeKey()), name);
            }
        }
    }

    @Test
    void invitee_created_isKeyedByInviteeUri() throws Exception {
        var e = DeliveryEnvelope.parse(CalendlyFixtures.webhook("invitee.created.basic.json"));

        assertEquals("invitee.created|https://api.calendly.com/scheduled_events/7c6376d9-bf8f-430c-ad97-76f4d11024eb/invitees/"
                + "899e8c60-9931-43be-8ab4-5d0ce9fe7fec", e.dedupeKey());
        assertEquals(Instant.parse("2026-04-19T20:58:39Z"), e.createdAt());
    }

    @Test
    void retryWithNewEnvelopeTime_keepsTheKey_butCreateAndCancelOfOneInviteeDiffer() throws Exception {
        String created = new String(CalendlyFixtures.webhook("invitee.created.basic.json"), StandardCharsets.UTF_8);
        String restamped = created.replace("\"created_at\":\"2026-04-19T20:58:39.000000Z\"", "\"created_at\":\"2026-04-19T20:59:40.000000Z\"");
        String canceled = created.replace("\"event\":\"invitee.created\"", "\"event\":\"invitee.canceled\"")
                .replace("\"payment\":null", "\"payment\":null,\"cancellation\":{\"canceled_by\":\"x\",\"canceler_type\":\"host\",\"created_at\":\"2026-04-20T10:00:00.000000Z\",\"reason\":null}");

        var original = DeliveryEnvelope.parse(created.getBytes(StandardCharsets.UTF_8));
        var retry = DeliveryEnvelope.parse(restamped.getBytes(StandardCharsets.UTF_8));
        var cancel = DeliveryEnvelope.parse(canceled.getBytes(StandardCharsets.UTF_8));

        assertEquals(original.dedupeKey(), retry.dedupeKey());
        assertNotEquals(original.dedupeKey(), cancel.dedupeKey());
        assertTrue(cancel.dedupeKey().endsWith("|2026-04-20T10:00:00.000000Z"), cancel.dedupeKey());
    }

    @Test
    void noShowMarkedTwice_givesTwoKeys() throws Exception {
        String template = "{\"created_at\":\"2026-01-01T00:00:00.000000Z\",\"event\":\"invitee_no_show.created\",\"payload\":"
                + "{\"uri\":\"https://api.calendly.com/scheduled_events/E/invitees/I\",\"no_show\":{\"uri\":\"https://api.calendly.com/invitee_no_shows/%s\"}}}";

        var first = DeliveryEnvelope.parse(String.format(template, "N1").getBytes(StandardCharsets.UTF_8));
        var second = DeliveryEnvelope.parse(String.format(template, "N2").getBytes(StandardCharsets.UTF_8));

        assertNotEquals(first.dedupeKey(), second.dedupeKey());
    }

    @Test
    void noShowDeleted_isKeyedByEnvelopeTime() throws Exception {
        var e = DeliveryEnvelope.parse(CalendlyFixtures.webhook("invitee_no_show.deleted.docs-example.json"));

        assertEquals("invitee_no_show.deleted|https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA"
                + "|2020-11-23T17:51:19.000000Z", e.dedupeKey());
    }

    @Test
    void unknownEvent_isNotHandled_andWithoutUriIsKeyedByBodyHash() throws Exception {
        var e = DeliveryEnvelope.parse("{\"event\":\"contact.created\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8));

        assertFalse(e.handled());
        assertTrue(e.dedupeKey().matches("contact\\.created\\|sha256:[0-9a-f]{64}"), e.dedupeKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-04-19T20:58:39.000000Z", "2026-04-19T20:58:38.460659Z", "2019-08-24T14:15:22Z",
        "2019-08-24T14:15:22.1Z", "2024-02-29T23:59:59.999999999Z", "2026-04-19T20:58:39+02:00", "1970-01-01T00:00:00Z"})
    void envelopeTimes_readAsJavaTimeWould(String text) {
        assertEquals(java.time.OffsetDateTime.parse(text).toInstant(), DeliveryEnvelope.instant(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-13-19T20:58:39Z", "2026-04-19T24:00:00Z", "2026-02-30T10:00:00Z", "yesterday",
        "2026-04-19T2x:58:39Z"})
    void unreadableEnvelopeTimes_areNull(String text) {
        assertEquals(null, DeliveryEnvelope.instant(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "{}", "{\"event\":\"invitee.created\"}",
        "{\"event\":\"\",\"payload\":{}}", "{\"event\":5,\"payload\":{}}", "{\"event\":\"invitee.created\",\"payload\":[]}",
        "{\"payload\":{}}"})
    void notAnEnvelope_isInvalid(String body) {
        assertThrows(DeliveryEnvelope.InvalidPayload.class, () -> DeliveryEnvelope.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void thePayload_isReadFromItsOwnBytes_asSent(String name) throws Exception {
        byte[] body = CalendlyFixtures.webhook(name);
        var envelope = DeliveryEnvelope.parse(body);

        var tree = io.calbridge.calendly.internal.common.Json.mapper().readTree(body).get("payload");
        assertEquals(tree, io.calbridge.calendly.internal.common.Json.mapper().readTree(envelope.payloadJson()));
        assertEquals(tree, envelope.payload(com.fasterxml.jackson.databind.JsonNode.class));
    }

    @Test
    void nulInThePayload_isReadAsTheReplacementCharacter_andAnEscapedBackslashIsLeftAlone() throws Exception {
        // In this Java source, \\u0000 is the six characters of the JSON escape, \\\\ one escaped backslash.
        String body = "{\"event\":\"invitee.created\",\"payload\":{\"uri\":\"u\",\"name\":\"Jane\\u0000Doe\","
                + "\"note\":\"C:\\\\u0000\"}}";
        var envelope = DeliveryEnvelope.parse(body.getBytes(StandardCharsets.UTF_8));

        var payload = envelope.payload(com.fasterxml.jackson.databind.JsonNode.class);
        assertEquals("Jane\uFFFDDoe", payload.get("name").asText());
        assertEquals("C:\\u0000", payload.get("note").asText(), "a backslash followed by the text u0000 is no NUL");
        assertFalse(envelope.payloadJson().contains("Jane\\u0000"), envelope.payloadJson());
        assertTrue(new String(envelope.body(), StandardCharsets.UTF_8).contains("Jane\\u0000Doe"), "the raw body is not changed");
    }
}
