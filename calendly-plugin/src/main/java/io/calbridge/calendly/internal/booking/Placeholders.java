package io.calbridge.calendly.internal.booking;

import java.util.List;

/** The task templates' placeholders, for editors that explain a mistake next to the field. */
public final class Placeholders {
    private Placeholders() {
    }

    /** Every placeholder a template may use, sorted ({@code answer.N} stands for answers 1 to 99). */
    public static List<String> known() {
        return java.util.stream.Stream.concat(Templates.PLACEHOLDERS.stream(), java.util.stream.Stream.of("answer.N"))
                .sorted().toList();
    }

    /** The placeholders of {@code template} that do not exist, in order of appearance. */
    public static List<String> unknown(String template) {
        return template == null ? List.of() : Templates.unknownPlaceholders(template);
    }
}
