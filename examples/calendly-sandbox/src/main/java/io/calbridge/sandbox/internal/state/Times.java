package io.calbridge.sandbox.internal.state;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Calendly's timestamp formats: microseconds everywhere, whole seconds for the webhook envelope. */
public final class Times {
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** {@code 2026-04-19T20:58:38.460659Z}. */
    public static String micros(Instant t) {
        return t == null ? null : MICROS.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    /** {@code 2026-04-19T20:58:39.000000Z}: the envelope's {@code created_at}. */
    public static String wholeSeconds(Instant t) {
        return MICROS.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    public static Instant micro(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
