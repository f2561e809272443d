package io.calbridge.calendly.internal.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What every template of one request needs: texts in the caller's language, times in the tenant's
 * zone (the one rule: every time on the page is in the tenant's zone, with the zone's name), the
 * UI's URLs, the host's CSRF field, and the section and integration being shown.
 *
 * @param base        where the UI is mounted, e.g. {@code /app/calendly}
 * @param section     {@code connection}, {@code bookings}, {@code event-types} or {@code activity}
 * @param integration the integration the page is about, or null when none is connected
 * @param csrfField   the host's form field for the CSRF token
 * @param csrfToken   the token, or "" when the host has none (the UI then refuses form posts)
 * @param result      what the last action did, shown until dismissed, or null
 */
public record Ui(Messages messages, Locale locale, ZoneId zone, String base, String section, UUID integration,
                 String csrfField, String csrfToken, Notice result) {

    /** A message that stays until dismissed: {@code kind} is {@code ok} or {@code error}. */
    public record Notice(String kind, String text) {
    }

    public String t(String key, Object... args) {
        return messages.text(locale, key, args);
    }

    /** The text of {@code prefix + code} if there is one, else {@code fallback}: translated codes from the services. */
    public String code(String prefix, String code, String fallback) {
        return code != null && messages.has(locale, prefix + code) ? t(prefix + code) : fallback;
    }

    public String lang() {
        return locale.toLanguageTag();
    }

    /** An instant in the tenant's zone with the zone's short name, e.g. {@code 24 Nov 2026, 06:45 CET}; a dash for none. */
    public String time(Instant instant) {
        if (instant == null) {
            return "\u2013";
        }
        return DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm z", locale).withZone(zone).format(instant);
    }

    /** The zone's id and name, e.g. {@code Europe/Berlin (Central European Time)}. */
    public String zoneName() {
        String name = zone.getDisplayName(TextStyle.FULL, locale);
        return name.equals(zone.getId()) ? name : zone.getId() + " (" + name + ")";
    }

    /** A URL of the UI: {@code url("event-types")} for the section, with the integration selected. */
    public String url(String path) {
        return url(path, Map.of());
    }

    public String url(String path, Map<String, String> query) {
        StringBuilder s = new StringBuilder(base);
        if (path != null && !path.isEmpty()) {
            s.append('/').append(path);
        }
        char sep = '?';
        if (integration != null) {
            s.append(sep).append("integration=").append(integration);
            sep = '&';
        }
        for (Map.Entry<String, String> e : query.entrySet()) {
            if (e.getValue() != null) {
                s.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        return s.toString();
    }

    /** The URL of the current section without the result: the "dismiss" link. */
    public String here() {
        return url("connection".equals(section) ? "" : section);
    }

    public String asset(String name) {
        return base + "/assets/" + name;
    }
}
