package io.calbridge.calendly.internal.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.calbridge.calendly.internal.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * The one reader of a Calendly delivery body, for the receiver and for booking processing: the event
 * name, the envelope time, the key that tells one real event from a retry of it, and where the
 * payload's bytes are, so booking binds the payload straight from them without building and re-writing
 * a JSON tree. The raw bytes stay the source of truth; this is read from them and never written back.
 *
 * <p>Envelope: {@code {"created_at", "created_by", "event", "payload": {...}}}. Calendly sends no
 * delivery id, so the dedupe key is built from what stays the same when Calendly retries one event and
 * differs between two real events (see {@link #dedupeKey()}).
 *
 * @param payloadStart byte offset of the payload object's opening brace in {@code body}
 * @param payloadEnd   byte offset just after its closing brace
 */
public record DeliveryEnvelope(String event, Instant createdAt, String dedupeKey, byte[] body, int payloadStart,
                               int payloadEnd) {

    static final int MAX_EVENT_LENGTH = 100;

    /** A correctly signed body that is not a Calendly envelope. */
    public static final class InvalidPayload extends Exception {
        private final String field;

        InvalidPayload(String message) {
            this(message, null);
        }

        /** @param field the envelope field that is missing or wrong in a body that is a JSON object */
        InvalidPayload(String message, String field) {
            super(message, null, false, false);
            this.field = field;
        }

        /** The envelope field ({@code event}, {@code payload}) missing or wrong; null when the body is no JSON object. */
        public String field() {
            return field;
        }
    }

    /** Whether the event is in the {@link CalendlyEvent} catalogue: stored for processing, not as IGNORED. */
    boolean handled() {
        return CalendlyEvent.processed(event);
    }

    /**
     * Reads the envelope with Jackson's streaming parser, keeping only the fields named below and
     * skipping the rest without building values (the whole body is still checked to be one JSON
     * object): this runs for every delivery, and building a tree cost more than the rest of the
     * request. It reads to the end because Calendly lists payload fields alphabetically, so
     * {@code uri}, the last field the dedupe key needs, comes last anyway.
     */
    public static DeliveryEnvelope parse(byte[] body) throws InvalidPayload {
        Fields f = new Fields();
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidPayload("body is not a JSON object");
            }
            eachField(p, f, DeliveryEnvelope::envelopeField);
            if (p.nextToken() != null) {
                throw new InvalidPayload("body has data after its JSON object");
            }
        } catch (StreamConstraintsException e) {
            throw new InvalidPayload("body nests too deeply or holds an over-long value" + where(e));
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the body ("Unrecognized token 'Jane...'"): only say where.
            throw new InvalidPayload("body is not JSON" + where(e));
        } catch (IOException e) {
            throw new InvalidPayload("body is not JSON");
        }
        if (f.event == null || f.event.isBlank()) {
            throw new InvalidPayload("body has no \"event\" name", "event");
        }
        if (f.event.length() > MAX_EVENT_LENGTH) {
            throw new InvalidPayload("\"event\" is longer than " + MAX_EVENT_LENGTH + " characters", "event");
        }
        if (!f.payloadSeen) {
            throw new InvalidPayload("body has no \"payload\" object", "payload");
        }
        return new DeliveryEnvelope(f.event, instant(f.createdAt), dedupeKey(f, body), body, f.payloadStart,
                f.payloadEnd);
    }

    /**
     * The payload bound to {@code type}, read from the payload's own bytes with every NUL turned into
     * U+FFFD (see {@link #withoutNul(byte[], int, int)}).
     */
    public <T> T payload(Class<T> type) throws IOException {
        return Json.mapper().readValue(withoutNul(body, payloadStart, payloadEnd), payloadStart, payloadEnd - payloadStart, type);
    }

    /** The payload as sent, but with every NUL turned into U+FFFD: what booking stores. */
    public String payloadJson() {
        return new String(withoutNul(body, payloadStart, payloadEnd), payloadStart, payloadEnd - payloadStart,
                StandardCharsets.UTF_8);
    }


    /**
     * {@code body} with every JSON escape of NUL (backslash, {@code u0000}) between {@code from} and
     * {@code to} turned into one of U+FFFD, the replacement character (backslash, {@code uFFFD}); the
     * same array when there is none. PostgreSQL's text and jsonb cannot hold NUL, so a payload with
     * one could never be stored; both escapes are six bytes, so every offset stays valid. A raw NUL
     * byte cannot occur: JSON strings must escape control characters, and the parser refuses them.
     */
    static byte[] withoutNul(byte[] body, int from, int to) {
        byte[] out = body;
        for (int i = from; i < to - 1; i++) {
            if (body[i] != '\\') {
                continue;
            }
            if (body[i + 1] == 'u' && i + 5 < to && body[i + 2] == '0' && body[i + 3] == '0' && body[i + 4] == '0'
                    && body[i + 5] == '0') {
                if (out == body) {
                    out = body.clone();
                }
                out[i + 2] = 'F';
                out[i + 3] = 'F';
                out[i + 4] = 'F';
                out[i + 5] = 'D';
            }
            i++; // skip the escaped character: an escaped backslash followed by the text "u0000" is left alone
        }
        return out;
    }

    /** Line and column of a parse error; never the text there (it is the sender's data). */
    private static String where(JsonProcessingException e) {
        var at = e.getLocation();
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** What the receiver keeps of a body. */
    private static final class Fields {
        String event;
        boolean payloadSeen;
        int payloadStart = -1;
        int payloadEnd = -1;
        String createdAt;
        String uri;
        String updatedAt;
        String cancellationCreatedAt;
        String noShowUri;
    }

    /** Reads one field of the object the parser is in; {@code value} is the field's first token. */
    private interface FieldReader {
        void read(JsonParser p, Fields f, String name, JsonToken value) throws IOException;
    }

    /** Hands every field of the object the parser is in to {@code reader}, which reads or skips its value. */
    private static void eachField(JsonParser p, Fields f, FieldReader reader) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            reader.read(p, f, name, p.nextToken());
        }
    }

    private static void envelopeField(JsonParser p, Fields f, String name, JsonToken value) throws IOException {
        switch (name) {
            case "event" -> f.event = text(p, value);
            case "created_at" -> f.createdAt = text(p, value);
            case "payload" -> {
                f.payloadSeen = value == JsonToken.START_OBJECT;
                if (f.payloadSeen) {
                    f.payloadStart = (int) p.currentTokenLocation().getByteOffset();
                    eachField(p, f, DeliveryEnvelope::payloadField);
                    f.payloadEnd = (int) p.currentLocation().getByteOffset();
                } else {
                    p.skipChildren();
                }
            }
            default -> p.skipChildren();
        }
    }

    private static void payloadField(JsonParser p, Fields f, String name, JsonToken value) throws IOException {
        switch (name) {
            case "uri" -> f.uri = text(p, value);
            case "updated_at" -> f.updatedAt = text(p, value);
            case "cancellation" -> f.cancellationCreatedAt = fieldOf(p, value, "created_at");
            case "no_show" -> f.noShowUri = fieldOf(p, value, "uri");
            default -> p.skipChildren();
        }
    }

    /** The string field {@code name} of the object starting at {@code value}; skips anything else. */
    private static String fieldOf(JsonParser p, JsonToken value, String name) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals(name) && v == JsonToken.VALUE_STRING) {
                found = withoutNul(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return withoutNul(p.getText());
        }
        p.skipChildren();
        return null;
    }

    /**
     * NUL turned into U+FFFD, as booking does with payloads: the event name and the dedupe key are
     * stored as text, which in PostgreSQL cannot hold NUL, so a signed body with one must not fail
     * its insert (Calendly would retry it for days).
     */
    static String withoutNul(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    /**
     * One key per real event, the same for every retry of it:
     * <ul>
     *   <li>{@code invitee.created}: the invitee URI (a reschedule creates a new invitee);</li>
     *   <li>{@code invitee.canceled}: invitee URI + {@code cancellation.created_at};</li>
     *   <li>{@code invitee_no_show.created} (also under its older name {@code invitee.no_show}, keyed
     *       with the current name): invitee URI + {@code no_show.uri} (each marking is a new
     *       no-show resource, so mark, unmark, mark again are three events);</li>
     *   <li>{@code invitee_no_show.deleted}: invitee URI + envelope {@code created_at}, because the payload
     *       no longer names the deleted no-show. If Calendly re-stamped a retry, the worst case is a
     *       second "unmark", which is harmless; merging two real unmarks would not be;</li>
     *   <li>{@code routing_form_submission.created}: the submission URI;</li>
     *   <li>anything else (event types, newer events): URI + {@code updated_at};</li>
     *   <li>no {@code payload.uri}: the SHA-256 of the body.</li>
     * </ul>
     */
    private static String dedupeKey(Fields f, byte[] body) {
        if (f.uri == null) {
            return f.event + "|sha256:" + sha256(body);
        }
        CalendlyEvent known = CalendlyEvent.of(f.event);
        String discriminator = known == null ? f.updatedAt : switch (known) {
            case INVITEE_CREATED, ROUTING_FORM_SUBMITTED -> "";
            case INVITEE_CANCELED -> f.cancellationCreatedAt;
            case NO_SHOW_CREATED -> f.noShowUri;
            case NO_SHOW_DELETED -> f.createdAt;
            default -> f.updatedAt;
        };
        // An older name of an event (invitee.no_show) keys like the current one: the same event twice.
        String name = known == null ? f.event : known.wireName();
        return name + "|" + f.uri + (discriminator == null || discriminator.isEmpty() ? "" : "|" + discriminator);
    }

    /** Calendly's {@code 2026-04-19T20:58:39.000000Z}, read without a DateTimeFormatter on the hot path. */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        if (text.length() >= 20 && text.length() <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-'
                && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':'
                && text.charAt(text.length() - 1) == 'Z') {
            try {
                int hour = digits(text, 11, 13);
                int minute = digits(text, 14, 16);
                int second = digits(text, 17, 19);
                if (hour > 23 || minute > 59 || second > 59) {
                    return slowInstant(text);
                }
                long seconds = java.time.LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10))
                        .toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second;
                int nanos = 0;
                if (text.charAt(19) == '.') {
                    String fraction = text.substring(20, text.length() - 1);
                    if (fraction.isEmpty() || fraction.length() > 9) {
                        return slowInstant(text);
                    }
                    nanos = digits(fraction, 0, fraction.length()) * (int) Math.pow(10, 9 - fraction.length());
                } else if (text.length() != 20) {
                    return slowInstant(text);
                }
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (RuntimeException e) {
                return slowInstant(text);
            }
        }
        return slowInstant(text);
    }

    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(s);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static Instant slowInstant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
