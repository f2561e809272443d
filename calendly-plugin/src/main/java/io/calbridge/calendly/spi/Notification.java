package io.calbridge.calendly.spi;

import java.util.Map;
import java.util.Objects;

/**
 * Something a tenant's admins should hear about.
 *
 * @param kind    what happened
 * @param title   short, for a list or an e-mail subject
 * @param message what happened and what to do, for people; never contains secrets
 * @param details JSON-friendly values (integration id, delivery id, event name, ...)
 */
public record Notification(Kind kind, String title, String message, Map<String, Object> details) {
    /** What happened, for hosts that route notifications by kind. */
    public enum Kind {
        /** Calendly refused the stored tokens: someone must connect the account again. */
        REAUTHORIZATION_REQUIRED,
        /** A webhook delivery could not be applied and will not be retried. */
        DELIVERY_DEAD_LETTERED,
        /** Calendly disabled the webhook subscription; deliveries may be missing. */
        SUBSCRIPTION_DISABLED,
        /** Anything else an admin should act on. */
        OTHER
    }

    /**
     * Checks the required parts; null details become an empty map.
     *
     * @param kind what happened
     * @param title short, for a list or an e-mail subject
     * @param message what happened and what to do, for people; never contains secrets
     * @param details JSON-friendly values (integration id, delivery id, event name, ...)
     * @throws NullPointerException when {@code kind}, {@code title} or {@code message} is null
     */
    public Notification {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(message, "message");
        details = details == null ? Map.of() : details;
    }
}
