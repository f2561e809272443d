package io.calbridge.calendly.internal.privacy;

import java.time.Duration;

/**
 * How long invitees' data is kept (see docs/privacy.md, "Retention").
 *
 * @param bodyRetention       a processed (DONE or IGNORED) delivery's body is purged this long after processing
 * @param deadLetterRetention a dead letter's body is kept this long after it died, unless replayed before
 * @param bookingRetention    a booking row's personal fields are dropped this long after the meeting ended
 *                            (a reschedule, cancel or no-show can no longer arrive); its facts stay
 * @param purgeBatchSize      rows per purge transaction (small: never a long lock or a big WAL burst)
 * @param purgeInterval       how often a node tries to run the purge; {@code Duration.ZERO} never
 */
public record PrivacySettings(Duration bodyRetention, Duration deadLetterRetention, Duration bookingRetention,
                              int purgeBatchSize, Duration purgeInterval) {
    public static final Duration DEFAULT_BODY_RETENTION = Duration.ofDays(30);
    public static final Duration DEFAULT_DEAD_LETTER_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_BOOKING_RETENTION = Duration.ofDays(90);
    public static final int DEFAULT_PURGE_BATCH = 500;
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofHours(1);

    public PrivacySettings {
        positive("webhookBodyRetention", bodyRetention);
        positive("deadLetterRetention", deadLetterRetention);
        positive("bookingPersonalDataRetention", bookingRetention);
        if (purgeBatchSize < 1 || purgeBatchSize > 10_000) {
            throw new IllegalArgumentException("retentionPurgeBatchSize must be between 1 and 10000: " + purgeBatchSize);
        }
        if (purgeInterval == null || purgeInterval.isNegative()) {
            throw new IllegalArgumentException("retentionPurgeInterval cannot be negative (Duration.ZERO disables the purge): "
                    + purgeInterval);
        }
    }

    public static PrivacySettings defaults() {
        return new PrivacySettings(DEFAULT_BODY_RETENTION, DEFAULT_DEAD_LETTER_RETENTION, DEFAULT_BOOKING_RETENTION,
                DEFAULT_PURGE_BATCH, DEFAULT_PURGE_INTERVAL);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
