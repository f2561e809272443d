package io.calbridge.calendly.internal.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.calbridge.calendly.internal.common.Json;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the receiver needs from a delivery body: the event name, the envelope time, the key that tells
 * one real event from a retry of it, and the Calendly users and organizations it belongs to.
 * The raw bytes stay the source of truth; this is read from them and never written back.
 *
 * <p>Envelope: {@code {"created_at", "created_by", "event", "payload": {...}}}. {@code ownerUris} (only
 * collected for the legacy URL) are the envelope's {@code created_by}, the scheduled event's hosts, an
 * event type's {@code profile.owner}, and any {@code user}, {@code organization} or {@code owner} field of
 * the payload. Calendly sends no delivery id, so the dedupe key is built from what stays the same when Calendly retries one event and
 * differs between two real events (see {@link #dedupeKey()}).
 */
record DeliveryEnvelope(String event, Instant createdAt, String dedupeKey, Set<String> ownerUris) {

    /** Events booking processing may act on; anything else is stored and marked IGNORED. */
    static final Set<String> HANDLED_EVENTS = Set.of(
            "invitee.created",
            "invitee.canceled",
            "invitee_no_show.created",
            "invitee_no_show.deleted",
            "routing_form_submission.created",
            "event_type.created",
            "event_type.updated",
            "event_type.deleted");

    static final int MAX_EVENT_LENGTH = 100;

    /** A correctly signed body that is not a Calendly envelope. */
    static final class InvalidPayload extends Exception {
        InvalidPayload(String message) {
            super(message, null, false, false);
        }
    }

    boolean handled() {
        return HANDLED_EVENTS.contains(event);
    }

    static DeliveryEnvelope parse(byte[] body) throws InvalidPayload {
        return parse(body, true);
    }

    /**
     * Reads the envelope with Jackson's streaming parser, keeping only the fields named below and
     * skipping the rest token by token (the whole body is still checked to be one JSON object): this
     * runs for every delivery, and building a tree cost more than the rest of the request.
     *
     * @param withOwners whether to collect owner URIs (only the legacy URL needs them)
     */
    static DeliveryEnvelope parse(byte[] body, boolean withOwners) throws InvalidPayload {
        Fields f = new Fields(withOwners);
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidPayload("body is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "event" -> f.event = text(p, value);
                    case "created_at" -> f.createdAt = text(p, value);
                    case "created_by" -> f.owner(text(p, value));
                    case "payload" -> {
                        f.payloadSeen = value == JsonToken.START_OBJECT;
                        if (f.payloadSeen) {
                            payload(p, f);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
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
            throw new InvalidPayload("body has no \"event\" name");
        }
        if (f.event.length() > MAX_EVENT_LENGTH) {
            throw new InvalidPayload("\"event\" is longer than " + MAX_EVENT_LENGTH + " characters");
        }
        if (!f.payloadSeen) {
            throw new InvalidPayload("body has no \"payload\" object");
        }
        return new DeliveryEnvelope(f.event, instant(f.createdAt), dedupeKey(f, body), Set.copyOf(f.owners));
    }

    /** Line and column of a parse error; never the text there (it is the sender's data). */
    private static String where(JsonProcessingException e) {
        var at = e.getLocation();
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** What the receiver keeps of a body. */
    private static final class Fields {
        final boolean withOwners;
        final Set<String> owners = new LinkedHashSet<>();
        String event;
        boolean payloadSeen;
        String createdAt;
        String uri;
        String updatedAt;
        String cancellationCreatedAt;
        String noShowUri;

        Fields(boolean withOwners) {
            this.withOwners = withOwners;
        }

        void owner(String uri) {
            if (withOwners && uri != null && !uri.isBlank() && owners.size() < 64) {
                owners.add(uri);
            }
        }
    }

    private static void payload(JsonParser p, Fields f) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "uri" -> f.uri = text(p, value);
                case "updated_at" -> f.updatedAt = text(p, value);
                case "cancellation" -> f.cancellationCreatedAt = fieldOf(p, value, "created_at");
                case "no_show" -> f.noShowUri = fieldOf(p, value, "uri");
                case "user", "organization", "owner" -> f.owner(text(p, value));
                case "profile" -> f.owner(fieldOf(p, value, "owner"));
                case "scheduled_event" -> scheduledEvent(p, value, f);
                default -> p.skipChildren();
            }
        }
    }

    private static void scheduledEvent(JsonParser p, JsonToken value, Fields f) throws IOException {
        if (value != JsonToken.START_OBJECT || !f.withOwners) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("event_memberships") && v == JsonToken.START_ARRAY) {
                JsonToken item;
                while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                    f.owner(fieldOf(p, item, "user"));
                }
            } else {
                p.skipChildren();
            }
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
                found = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /**
     * One key per real event, the same for every retry of it:
     * <ul>
     *   <li>{@code invitee.created}: the invitee URI (a reschedule creates a new invitee);</li>
     *   <li>{@code invitee.canceled}: invitee URI + {@code cancellation.created_at};</li>
     *   <li>{@code invitee_no_show.created}: invitee URI + {@code no_show.uri} (each marking is a new
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
        String discriminator = switch (f.event) {
            case "invitee.created", "routing_form_submission.created" -> "";
            case "invitee.canceled" -> f.cancellationCreatedAt;
            case "invitee_no_show.created" -> f.noShowUri;
            case "invitee_no_show.deleted" -> f.createdAt;
            default -> f.updatedAt;
        };
        return f.event + "|" + f.uri + (discriminator == null || discriminator.isEmpty() ? "" : "|" + discriminator);
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
