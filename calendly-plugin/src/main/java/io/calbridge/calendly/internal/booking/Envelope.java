package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.calbridge.calendly.internal.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The top level of a Calendly delivery, {@code {"created_at", "created_by", "event", "payload"}},
 * read in one streaming pass that only notes where the payload's bytes are: the payload is then
 * bound straight from them and stored as sent, without building and re-writing a JSON tree.
 *
 * @param payloadStart byte offset of the payload object's opening brace, or -1 when there is none
 */
record Envelope(String event, String createdAt, byte[] body, int payloadStart, int payloadEnd) {

    /** @throws IOException when the body is not a JSON object */
    static Envelope read(byte[] body) throws IOException {
        String event = null;
        String createdAt = null;
        int start = -1;
        int end = -1;
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "event" -> event = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "created_at" -> createdAt = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "payload" -> {
                        if (value == JsonToken.START_OBJECT) {
                            start = (int) p.currentTokenLocation().getByteOffset();
                            p.skipChildren();
                            end = (int) p.currentLocation().getByteOffset();
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            while (p.nextToken() != null) {
                // reads to the end, so trailing garbage makes the body invalid as a whole
            }
        }
        return new Envelope(event, createdAt, start < 0 ? body : withoutNul(body, start, end), start, end);
    }

    /**
     * {@code body} with every JSON escape of NUL (backslash, {@code u0000}) between {@code from} and
     * {@code to} turned into one of U+FFFD, the replacement character (backslash, {@code uFFFD}); the
     * same array when there is
     * none. PostgreSQL's text and jsonb cannot hold NUL, so a payload with one could never be stored;
     * both escapes are six bytes, so every offset stays valid. A raw NUL byte cannot occur: JSON
     * strings must escape control characters, and the parser refuses them.
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

    boolean hasPayload() {
        return payloadStart >= 0 && payloadEnd > payloadStart;
    }

    <T> T payload(Class<T> type) throws IOException {
        return Json.mapper().readValue(body, payloadStart, payloadEnd - payloadStart, type);
    }

    /** The payload exactly as Calendly sent it. */
    String payloadJson() {
        return new String(body, payloadStart, payloadEnd - payloadStart, StandardCharsets.UTF_8);
    }
}
