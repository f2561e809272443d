package io.calbridge.host.web;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages show values. Times always in the tenant's zone, with the zone's abbreviation. */
public final class Formats {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm zzz", Locale.ENGLISH);

    private Formats() {
    }

    /** {@code Tue 24 Nov 2026, 09:30 EST}; empty for {@code null}. */
    public static String dateTime(OffsetDateTime t, ZoneId zone) {
        return t == null ? "" : DATE_TIME.format(t.atZoneSameInstant(zone));
    }

    /** ISO-8601 instant for a {@code <time datetime>} attribute. */
    public static String iso(OffsetDateTime t) {
        return t == null ? "" : t.toInstant().toString();
    }
}
