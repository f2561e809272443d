package io.calbridge.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An invitee booking an event type, as the Calendly booking page would submit it. Fluent; setters
 * return {@code this}.
 *
 * <pre>{@code
 * BookingRequest.of(et, "Jane Doe", "jane@example.com", start)
 *     .timezone("America/New_York").answer("Company?", "Acme").utmSource("google").guest("g@example.com");
 * }</pre>
 */
public final class BookingRequest {
    private final String eventTypeUri;
    private final String name;
    private final String email;
    private final Instant start;
    private String timezone = "UTC";
    private final Map<String, String> answers = new LinkedHashMap<>();
    private final List<String> guests = new ArrayList<>();
    private String utmCampaign;
    private String utmSource;
    private String utmMedium;
    private String utmContent;
    private String utmTerm;
    private String salesforceUuid;
    private String textReminderNumber;
    private boolean singleNameField;
    private String firstName;
    private String lastName;
    private String hostUri;
    private boolean scheduledByHost;
    private String routingFormSubmissionUri;
    private boolean reconfirmationRequested;
    private boolean reconfirmed;
    private String paymentProvider;
    private double paymentAmount;
    private String paymentCurrency;

    private BookingRequest(String eventTypeUri, String name, String email, Instant start) {
        this.eventTypeUri = Objects.requireNonNull(eventTypeUri, "event type");
        this.name = Objects.requireNonNull(name, "name");
        this.email = Objects.requireNonNull(email, "email");
        this.start = Objects.requireNonNull(start, "start");
    }

    public static BookingRequest of(SandboxEventType eventType, String name, String email, Instant start) {
        return new BookingRequest(eventType.uri(), name, email, start);
    }

    /** {@code eventType} is an event type URI or UUID. */
    public static BookingRequest of(String eventType, String name, String email, Instant start) {
        return new BookingRequest(eventType, name, email, start);
    }

    /** The invitee's IANA time zone, e.g. {@code America/New_York}; default UTC. */
    public BookingRequest timezone(String tz) {
        this.timezone = Objects.requireNonNull(tz, "timezone");
        return this;
    }

    /** An answer to a question; positions follow the event type's questions, else the order given. */
    public BookingRequest answer(String question, String answer) {
        answers.put(Objects.requireNonNull(question, "question"), Objects.requireNonNull(answer, "answer"));
        return this;
    }

    public BookingRequest guest(String email) {
        guests.add(Objects.requireNonNull(email, "guest email"));
        return this;
    }

    public BookingRequest utmCampaign(String v) {
        this.utmCampaign = v;
        return this;
    }

    public BookingRequest utmSource(String v) {
        this.utmSource = v;
        return this;
    }

    public BookingRequest utmMedium(String v) {
        this.utmMedium = v;
        return this;
    }

    public BookingRequest utmContent(String v) {
        this.utmContent = v;
        return this;
    }

    public BookingRequest utmTerm(String v) {
        this.utmTerm = v;
        return this;
    }

    public BookingRequest salesforceUuid(String v) {
        this.salesforceUuid = v;
        return this;
    }

    public BookingRequest textReminderNumber(String number) {
        this.textReminderNumber = number;
        return this;
    }

    /**
     * The event type asks for one "Name" field: {@code first_name}/{@code last_name} are null.
     * Otherwise the name is split at its first space (or use {@link #firstLast}).
     */
    public BookingRequest singleNameField(boolean single) {
        this.singleNameField = single;
        return this;
    }

    public BookingRequest firstLast(String first, String last) {
        this.firstName = first;
        this.lastName = last;
        return this;
    }

    /** Books with another host than the event type's owner (round robin / reassigned). */
    public BookingRequest host(SandboxUser host) {
        return host(host.uri());
    }

    public BookingRequest host(String hostUri) {
        this.hostUri = hostUri;
        return this;
    }

    /** The host booked on the invitee's behalf: {@code invitee_scheduled_by} = host, {@code scheduling_method: instant_book}. */
    public BookingRequest scheduledByHost(boolean byHost) {
        this.scheduledByHost = byHost;
        return this;
    }

    /** Links the invitee to a routing form submission ({@code routing_form_submission}). */
    public BookingRequest routingFormSubmission(String submissionUri) {
        this.routingFormSubmissionUri = submissionUri;
        return this;
    }

    /** Sets {@code reconfirmation: {created_at, confirmed_at: null}}. */
    public BookingRequest reconfirmationRequested(boolean requested) {
        this.reconfirmationRequested = requested;
        return this;
    }

    /** Sets {@code reconfirmation: {created_at, confirmed_at}} with both times set: the invitee reconfirmed. */
    public BookingRequest reconfirmed(boolean confirmed) {
        this.reconfirmed = confirmed;
        this.reconfirmationRequested |= confirmed;
        return this;
    }

    /** A paid booking: {@code payment {external_id, provider, amount, currency, terms, successful}}. */
    public BookingRequest payment(String provider, double amount, String currency) {
        this.paymentProvider = Objects.requireNonNull(provider, "provider");
        this.paymentAmount = amount;
        this.paymentCurrency = Objects.requireNonNull(currency, "currency");
        return this;
    }

    /** The request as the sandbox books it: an immutable copy, unaffected by later setter calls. */
    public Snapshot snapshot() {
        return new Snapshot(eventTypeUri, name, email, start, timezone, answers, guests, utmCampaign, utmSource,
                utmMedium, utmContent, utmTerm, salesforceUuid, textReminderNumber, singleNameField, firstName,
                lastName, hostUri, scheduledByHost, routingFormSubmissionUri, reconfirmationRequested, reconfirmed,
                paymentProvider, paymentAmount, paymentCurrency);
    }

    /** The values of a {@link BookingRequest} at one moment; each component is documented at its setter. */
    public record Snapshot(String eventTypeUri, String name, String email, Instant start, String timezone,
                           Map<String, String> answers, List<String> guests, String utmCampaign, String utmSource,
                           String utmMedium, String utmContent, String utmTerm, String salesforceUuid,
                           String textReminderNumber, boolean singleNameField, String firstName, String lastName,
                           String hostUri, boolean scheduledByHost, String routingFormSubmissionUri,
                           boolean reconfirmationRequested, boolean reconfirmed, String paymentProvider,
                           double paymentAmount, String paymentCurrency) {
        public Snapshot {
            answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
            guests = List.copyOf(guests);
        }
    }
}
