package io.calbridge.calendly.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Redacts personal data from a delivery before the webhook log shows it: names, e-mail addresses,
 * phone numbers, answers to booking questions, free-text reasons and notes, phone or address
 * locations, and anything in other strings that looks like an e-mail, a phone number or an IP address.
 * Structure, URIs, times, event names and statuses stay, so an admin can still tell what happened.
 */
final class PayloadRedactor {
    static final String REDACTED = "[redacted]";

    /** Keys whose value is personal wherever it appears (Calendly's names, plus common ones). */
    private static final Set<String> PERSONAL_KEYS = Set.of(
            "email", "name", "first_name", "last_name", "user_email", "user_name", "canceled_by",
            "reason", "text_reminder_number", "phone", "phone_number", "answer", "answers",
            "meeting_notes_plain", "meeting_notes_html", "ip", "ip_address", "remote_ip", "client_ip",
            "additional_info", "invitee_email", "invitee_name", "full_name", "address", "password");

    /** Location kinds whose {@code location} text is the invitee's phone or address. */
    private static final Set<String> PERSONAL_LOCATION_TYPES = Set.of(
            "outbound_call", "inbound_call", "ask_invitee", "physical");

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern IPV4 = Pattern.compile("\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b");
    private static final Pattern IPV6 = Pattern.compile("\\b(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}\\b");
    /** A whole string that is a phone number: optional +, digits and separators, 7 to 15 digits. */
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ().\\-]{5,22}[0-9]");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");

    private PayloadRedactor() {
    }

    static JsonNode redact(JsonNode node) {
        return redact(node, null);
    }

    private static JsonNode redact(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return node;
        }
        if (key != null && PERSONAL_KEYS.contains(key)) {
            return node.isContainerNode() && node.isEmpty() ? node : TextNode.valueOf(REDACTED);
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            boolean personalLocation = node.path("type").isTextual()
                    && PERSONAL_LOCATION_TYPES.contains(node.path("type").asText());
            // A scheduled event (has event_type) or an event type (has scheduling_url) is named by the
            // host's business, not after a person; keep that name so the log stays readable.
            boolean businessName = node.has("event_type") || node.has("scheduling_url");
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (personalLocation && field.getKey().equals("location") && field.getValue().isTextual()) {
                    copy.put("location", REDACTED);
                } else if (businessName && field.getKey().equals("name") && field.getValue().isTextual()) {
                    copy.put("name", scrub(field.getValue().asText()));
                } else {
                    copy.set(field.getKey(), redact(field.getValue(), field.getKey()));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            for (JsonNode item : node) {
                copy.add(redact(item, null));
            }
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(scrub(node.asText()));
        }
        return node;
    }

    /** Personal data inside an otherwise harmless string. */
    static String scrub(String text) {
        if (text.isEmpty()) {
            return text;
        }
        String stripped = text.strip();
        if (PHONE.matcher(stripped).matches() && !DATE.matcher(stripped).matches() && digits(stripped) >= 7) {
            return REDACTED;
        }
        String out = EMAIL.matcher(text).replaceAll(REDACTED);
        out = IPV4.matcher(out).replaceAll(REDACTED);
        return IPV6.matcher(out).replaceAll(REDACTED);
    }

    private static int digits(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                n++;
            }
        }
        return n;
    }
}
