package io.calbridge.calendly.internal.oauth;

/**
 * Why deliveries may be missing since {@code subscription_gap_started_at}
 * ({@code subscription_gap_cause}), in words that are true for each cause: health messages and the
 * sync feature's backfill results use them.
 */
public final class GapCause {
    private GapCause() {
    }

    public static String words(String cause) {
        return switch (cause == null ? "" : cause) {
            case "deleted" -> "the webhook subscription was deleted in Calendly";
            case "disabled" -> "Calendly disabled the webhook subscription after failed deliveries";
            case "replaced" -> "the webhook subscription had to be re-created";
            case "not_created" -> "the webhook subscription could not be created at first";
            case "silent" -> "no delivery arrived for a long time although the account is active";
            case "reconnected" -> "the integration was connected again";
            default -> "the webhook subscription was interrupted";
        };
    }
}
