package io.calbridge.calendly.internal.booking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{placeholder}}} templates for task titles and descriptions. Unknown placeholders are
 * refused when settings are saved, so rendering never meets one it cannot fill; a known placeholder
 * without a value renders as an empty string.
 */
final class Templates {
    static final Set<String> PLACEHOLDERS = Set.of(
            "invitee.name", "invitee.first_name", "invitee.last_name", "invitee.email", "invitee.phone",
            "invitee.timezone", "invitee.cancel_url", "invitee.reschedule_url",
            "event.name", "event.start_local", "event.end_local", "event.date_local", "event.time_local",
            "event.start_utc", "event.location", "event.host_name", "event.host_email", "event.type_uri",
            "answers",
            "utm.source", "utm.medium", "utm.campaign", "utm.content", "utm.term",
            "cancel.reason", "cancel.canceled_by");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]+)\\s*}}");
    private static final Pattern ANSWER = Pattern.compile("answer\\.([1-9][0-9]?)");

    private Templates() {
    }

    /** Placeholders in {@code template} that are not known; empty when it is fine. */
    static List<String> unknownPlaceholders(String template) {
        List<String> unknown = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String name = m.group(1);
            if (!PLACEHOLDERS.contains(name) && !ANSWER.matcher(name).matches()) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString().strip();
    }
}
