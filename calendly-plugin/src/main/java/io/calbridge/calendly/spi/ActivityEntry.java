package io.calbridge.calendly.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One line on a contact's activity timeline.
 *
 * @param kind       stable machine-readable kind, e.g. {@code calendly.booked}, {@code calendly.canceled}
 * @param summary    one sentence for people
 * @param details    structured details (answers, UTM parameters, meeting times); JSON-friendly values only
 * @param occurredAt when it happened in Calendly (not when the plugin learned of it), so the timeline
 *                   reads in the right order even when deliveries arrive late or out of order
 */
public record ActivityEntry(String kind, String summary, Map<String, Object> details, Instant occurredAt) {
    /**
     * Checks the required parts; null details become an empty map.
     *
     * @param kind stable machine-readable kind, e.g. {@code calendly.booked}, {@code calendly.canceled}
     * @param summary one sentence for people
     * @param details structured details (answers, UTM parameters, meeting times); JSON-friendly values only
     * @param occurredAt when it happened in Calendly (not when the plugin learned of it), so the timeline reads in the right order even when deliveries arrive late or out of order
     * @throws NullPointerException when {@code kind}, {@code summary} or {@code occurredAt} is null
     */
    public ActivityEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(occurredAt, "occurredAt");
        details = details == null ? Map.of() : details;
    }
}
