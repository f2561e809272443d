package io.calbridge.calendly.internal.webhook;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one catalogue of Calendly webhook events the plugin knows. The receiver (what is stored for
 * processing, how a retry is recognised), the worker, the subscription manager (what is subscribed)
 * and booking processing (what a delivery does) all ask here, so they cannot disagree about an event.
 * An event name that is not here is stored as IGNORED and never reaches a processor.
 *
 * <p>{@code invitee.no_show} is an older name of {@code invitee_no_show.created} (the seed's, and
 * some integrations' recorded data): it is the same event, handled the same way, deduplicated with it.
 */
public enum CalendlyEvent {
    INVITEE_CREATED("invitee.created", Subscription.INVITEE),
    INVITEE_CANCELED("invitee.canceled", Subscription.INVITEE),
    NO_SHOW_CREATED("invitee_no_show.created", Subscription.INVITEE, "invitee.no_show"),
    NO_SHOW_DELETED("invitee_no_show.deleted", Subscription.INVITEE),
    ROUTING_FORM_SUBMITTED("routing_form_submission.created", Subscription.ORGANIZATION_ONLY),
    EVENT_TYPE_CREATED("event_type.created", Subscription.NONE),
    EVENT_TYPE_UPDATED("event_type.updated", Subscription.NONE),
    EVENT_TYPE_DELETED("event_type.deleted", Subscription.NONE);

    /** Which webhook subscription asks Calendly for an event. */
    public enum Subscription {
        /** Every subscription, user or organization scope. */
        INVITEE,
        /** Organization-scope subscriptions only (Calendly offers the event at that scope only). */
        ORGANIZATION_ONLY,
        /** Not subscribed; stored when it comes anyway (e.g. a subscription made elsewhere). */
        NONE
    }

    private static final Map<String, CalendlyEvent> BY_NAME = Arrays.stream(values())
            .flatMap(e -> Stream.concat(Stream.of(e.wireName), e.aliases.stream()).map(n -> Map.entry(n, e)))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private final String wireName;
    private final Subscription subscription;
    private final List<String> aliases;

    CalendlyEvent(String wireName, Subscription subscription, String... aliases) {
        this.wireName = wireName;
        this.subscription = subscription;
        this.aliases = List.of(aliases);
    }

    /** The event for a name Calendly sends (current or older), or null when the plugin does not know it. */
    public static CalendlyEvent of(String name) {
        return name == null ? null : BY_NAME.get(name);
    }

    /** Whether a delivery of this name is stored for processing (PENDING) rather than as IGNORED. */
    public static boolean processed(String name) {
        return of(name) != null;
    }

    /** The name Calendly uses today, e.g. {@code invitee_no_show.created}. */
    public String wireName() {
        return wireName;
    }

    /** The events a subscription of this scope asks for, in catalogue order. */
    public static List<String> subscribed(boolean organizationScope) {
        return Arrays.stream(values())
                .filter(e -> e.subscription == Subscription.INVITEE
                        || organizationScope && e.subscription == Subscription.ORGANIZATION_ONLY)
                .map(CalendlyEvent::wireName)
                .toList();
    }

    /** The events every subscription asks for (user or organization scope). */
    public static List<String> inviteeEvents() {
        return subscribed(false);
    }
}
