package io.calbridge.calendly.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Redacts personal data and meeting credentials from a delivery before the webhook log shows it:
 * names, e-mail addresses, phone numbers, answers to booking questions, free-text reasons and notes,
 * phone or address locations, meeting join URLs with their ids and passwords, and anything in other
 * strings that looks like an e-mail, a phone number, an IP address or a link into a video meeting.
 * Structure, URIs, times, event names and statuses stay, so an admin can still tell what happened.
 *
 * <p>Time is linear in the size of the payload: strings are searched by hand-written scanners or by
 * patterns whose every quantifier is bounded, never by a pattern that can backtrack over a whole
 * string (an e-mail pattern with {@code +} before the {@code @} took 24 s on a 40,000-character value).
 */
final class PayloadRedactor {
    static final String REDACTED = "[redacted]";

    /** Keys whose value is personal or a credential wherever it appears (Calendly's names, plus common ones). */
    private static final Set<String> PERSONAL_KEYS = Set.of(
            "email", "name", "first_name", "last_name", "user_email", "user_name", "canceled_by",
            "reason", "text_reminder_number", "phone", "phone_number", "answer", "answers",
            "meeting_notes_plain", "meeting_notes_html", "ip", "ip_address", "remote_ip", "client_ip",
            "additional_info", "invitee_email", "invitee_name", "full_name", "address",
            "password", "passcode", "pwd", "pin", "join_url", "start_url");

    /** Location kinds whose {@code location} text is the invitee's phone or address. */
    private static final Set<String> PERSONAL_LOCATION_TYPES = Set.of(
            "outbound_call", "inbound_call", "ask_invitee", "physical");

    /**
     * Hosts of video meetings: a link to one (Zoom's carries the password in {@code pwd=}) lets anyone
     * join, so it is redacted in free text too. Subdomains count ({@code us02web.zoom.us}).
     */
    private static final List<String> MEETING_HOSTS = List.of(
            "zoom.us", "zoom.com", "zoomgov.com", "meet.google.com", "teams.microsoft.com", "teams.live.com",
            "webex.com", "gotomeeting.com", "gotomeet.me", "meet.goto.com", "whereby.com", "chime.aws");

    // Every quantifier is bounded, so each start position costs constant time: linear in the text.
    private static final Pattern IPV4 = Pattern.compile("\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b");
    private static final Pattern IPV6 = Pattern.compile("\\b(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}\\b");
    /** A whole string that is a phone number: optional +, digits and separators, 7 to 15 digits. */
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ().\\-]{5,22}[0-9]");
    /** The longest string {@link #PHONE} can match: 1 + 1 + 22 + 1. */
    private static final int PHONE_MAX_LENGTH = 25;
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
            String type = node.path("type").isTextual() ? node.path("type").asText() : "";
            boolean personalLocation = PERSONAL_LOCATION_TYPES.contains(type);
            // A conference location's data holds the meeting id, its password and dial-in details.
            boolean conference = node.has("join_url") || type.endsWith("_conference") || type.equals("zoom");
            // A scheduled event (has event_type) or an event type (has scheduling_url) is named by the
            // host's business, not after a person; keep that name so the log stays readable.
            boolean businessName = node.has("event_type") || node.has("scheduling_url");
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (personalLocation && name.equals("location") && value.isTextual()) {
                    copy.put("location", REDACTED);
                } else if (conference && name.equals("data") && !value.isNull()) {
                    copy.put("data", REDACTED);
                } else if (businessName && name.equals("name") && value.isTextual()) {
                    copy.put("name", scrub(value.asText()));
                } else {
                    copy.set(name, redact(value, name));
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

    /** Personal data inside an otherwise harmless string. Linear in its length. */
    static String scrub(String text) {
        if (text.isEmpty()) {
            return text;
        }
        String stripped = text.strip();
        if (stripped.length() <= PHONE_MAX_LENGTH && PHONE.matcher(stripped).matches()
                && !DATE.matcher(stripped).matches() && digits(stripped) >= 7) {
            return REDACTED;
        }
        String out = meetingLinks(emails(text));
        if (hasDigitDotDigit(out)) {
            out = IPV4.matcher(out).replaceAll(REDACTED);
        }
        if (atLeastThreeColons(out)) { // what IPV6 needs; URIs and times have fewer
            out = IPV6.matcher(out).replaceAll(REDACTED);
        }
        return out;
    }

    /**
     * Replaces what {@code [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}} would match, found from each
     * {@code @} outwards instead of from every start position. Neither side of a match crosses an
     * {@code @}, so each character is looked at a bounded number of times.
     */
    static String emails(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        while (at >= 0) {
            int start = at;
            while (start > copied && isLocalPart(text.charAt(start - 1))) {
                start--;
            }
            int end = start < at ? domainEnd(text, at + 1) : -1;
            if (end < 0) {
                at = text.indexOf('@', at + 1);
                continue;
            }
            out.append(text, copied, start).append(REDACTED);
            copied = end;
            at = text.indexOf('@', end);
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** End of {@code [A-Za-z0-9.-]+\.[A-Za-z]{2,}} at {@code from} (greedy, as the pattern), or -1. */
    private static int domainEnd(String text, int from) {
        int runEnd = from;
        while (runEnd < text.length() && isDomain(text.charAt(runEnd))) {
            runEnd++;
        }
        for (int dot = runEnd - 3; dot > from; dot--) {
            if (text.charAt(dot) == '.' && isLetter(text.charAt(dot + 1)) && isLetter(text.charAt(dot + 2))) {
                int end = dot + 3;
                while (end < runEnd && isLetter(text.charAt(end))) {
                    end++;
                }
                return end;
            }
        }
        return -1;
    }

    /** Replaces http(s) links to a video meeting host, up to the next blank or quote. */
    static String meetingLinks(String text) {
        int sep = text.indexOf("://");
        if (sep < 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        while (sep >= 0) {
            int start = schemeStart(text, sep);
            int end = sep + 3;
            while (end < text.length() && !endsUrl(text.charAt(end))) {
                end++;
            }
            if (start >= copied && start >= 0 && isMeetingHost(text, sep + 3, end)) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, start).append(REDACTED);
                copied = end;
            }
            sep = text.indexOf("://", end);
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** Where "http" or "https" starts right before {@code ://}, or -1. */
    private static int schemeStart(String text, int sep) {
        if (sep >= 5 && text.regionMatches(true, sep - 5, "https", 0, 5)) {
            return sep - 5;
        }
        if (sep >= 4 && text.regionMatches(true, sep - 4, "http", 0, 4)) {
            return sep - 4;
        }
        return -1;
    }

    private static boolean isMeetingHost(String text, int from, int urlEnd) {
        int end = from;
        while (end < urlEnd && "/?#:".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        String host = text.substring(from, end).toLowerCase(Locale.ROOT);
        int userInfo = host.lastIndexOf('@');
        if (userInfo >= 0) {
            host = host.substring(userInfo + 1);
        }
        for (String meeting : MEETING_HOSTS) {
            if (host.equals(meeting) || host.endsWith("." + meeting)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsUrl(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>';
    }

    private static boolean hasDigitDotDigit(String s) {
        for (int i = s.indexOf('.'); i > 0 && i < s.length() - 1; i = s.indexOf('.', i + 1)) {
            if (isDigit(s.charAt(i - 1)) && isDigit(s.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean atLeastThreeColons(String s) {
        int first = s.indexOf(':');
        int second = first < 0 ? -1 : s.indexOf(':', first + 1);
        return second >= 0 && s.indexOf(':', second + 1) >= 0;
    }

    private static boolean isLocalPart(char c) {
        return isDomain(c) || c == '_' || c == '%' || c == '+';
    }

    private static boolean isDomain(char c) {
        return isLetter(c) || isDigit(c) || c == '.' || c == '-';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
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
