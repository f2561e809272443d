package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.webhook.PermanentProcessingException;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.UnknownReferenceException;
import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code routing_form_submission.created}: when the integration's settings enable it, the
 * submitter becomes (or updates) a contact with the form's answers and UTM parameters as fields.
 * The email is the first answer that is an email address; without one, the submitter's: the invitee
 * that {@code submitter} names (Calendly's own example has no e-mail answer), taken from its stored
 * booking (retried until its {@code invitee.created} has arrived). A submission with neither is
 * ignored, and the log says why.
 */
final class RoutingForms {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private static final Logger log = LoggerFactory.getLogger(RoutingForms.class);

    private final HostServices host;
    private final BookingStore bookings;
    private final LedgerStore ledgers;
    private final SettingsStore settings;

    RoutingForms(HostServices host, BookingStore bookings, LedgerStore ledgers, SettingsStore settings) {
        this.host = host;
        this.bookings = bookings;
        this.ledgers = ledgers;
        this.settings = settings;
    }

    ProcessingResult process(DSLContext dsl, Connection conn, StoredDelivery d, ObjectNode payload, Instant eventAt, Instant now) {
        BookingSettings s = settings.settings(dsl, d.tenantId(), d.integrationId())
                .orElseThrow(() -> new PermanentProcessingException("The Calendly integration " + d.integrationId()
                        + " of this delivery no longer exists for tenant " + d.tenantId() + "."));
        BookingSettings.RoutingFormSettings rules = s.routingForms();
        String uri = Ledger.text(payload, "uri");
        if (!rules.enabled()) {
            return ProcessingResult.IGNORED;
        }
        if (uri == null) {
            throw new PermanentProcessingException("The routing form submission has no uri, so it cannot be recorded once.");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String email = null;
        String name = null;
        for (JsonNode qa : payload.path("questions_and_answers")) {
            String question = Ledger.text(qa, "question");
            String answer = qa.path("answer").isValueNode() ? Ledger.text(qa, "answer") : null;
            if (question == null || answer == null || answer.isBlank()) {
                continue;
            }
            fields.put(question.strip(), answer);
            if (email == null && EMAIL.matcher(answer.strip()).matches()) {
                email = answer.strip();
            } else if (name == null && question.toLowerCase(Locale.ROOT).contains("name")) {
                name = answer.strip();
            }
        }
        if (email == null) {
            String submitter = Ledger.text(payload, "submitter");
            if (submitter == null || submitter.isBlank()) {
                log.info("Routing form submission {} of integration {} created no contact: no answer is an e-mail address "
                        + "and it names no submitter invitee", Invitee.idOf(uri), d.integrationId());
                return ProcessingResult.IGNORED;
            }
            Booking invitee = bookings.findByUris(dsl, d.integrationId(), List.of(submitter)).get(submitter);
            if (invitee == null || invitee.email == null || invitee.email.isBlank()) {
                // Calendly sends the submitter's invitee.created on its own; it may simply not be here yet.
                throw new IllegalStateException("routing form submission " + Invitee.idOf(uri) + " has no e-mail answer and its "
                        + "submitter invitee " + Invitee.idOf(submitter) + " has not been received yet; trying again later");
            }
            email = invitee.email.strip();
            name = name != null ? name : invitee.name;
        }
        JsonNode tracking = payload.path("tracking");
        for (String utm : List.of("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "salesforce_uuid")) {
            String v = Ledger.text(tracking, utm);
            if (v != null && !v.isBlank()) {
                fields.put(utm, v);
            }
        }

        Locks.lockInvitees(dsl, d.integrationId(), List.of(uri));
        String submission = Invitee.idOf(uri);
        String prefix = d.integrationId() + "/rf/" + submission + "/";
        Ledger ledger = new Ledger(ledgers.loadPrefix(dsl, d.tenantId(), prefix));
        String key = "calendly:rf:" + submission + ":";
        try {
            String contactId = Ledger.text(ledger.get("contact"), "id");
            if (!ledger.has("contact")) {
                ContactRef ref = host.contacts().findOrCreate(HostCall.effect(d.tenantId(), key + "contact", conn),
                        new ContactDraft(email, name, null, null, null, null, rules.status(), null, fields, "calendly routing form"));
                contactId = ref.id();
                ObjectNode r = Ledger.object();
                r.put("id", contactId);
                ledger.put("contact", r);
            }
            if (!ledger.has("lists") && !rules.listIds().isEmpty()) {
                host.mailingLists().subscribe(HostCall.effect(d.tenantId(), key + "lists", conn), contactId, rules.listIds());
                ledger.put("lists", Ledger.object());
            }
            if (!ledger.has("tags") && !rules.tagIds().isEmpty()) {
                host.mailingLists().tag(HostCall.effect(d.tenantId(), key + "tags", conn), contactId, rules.tagIds());
                ledger.put("tags", Ledger.object());
            }
            if (!ledger.has("activity")) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("submission", uri);
                details.put("routing_form", Ledger.text(payload, "routing_form"));
                details.put("answers", fields);
                details.put("result", Ledger.text(payload.path("result"), "value"));
                Instant at = parse(Ledger.text(payload, "created_at"), eventAt);
                host.contacts().addActivity(HostCall.effect(d.tenantId(), key + "activity", conn), contactId,
                        new ActivityEntry("calendly.routing_form", "Submitted a Calendly routing form", details, at));
                ledger.put("activity", Ledger.object());
            }
        } catch (UnknownReferenceException e) {
            throw new PermanentProcessingException(BookingProcessor.explain(e, new Policy(s, null)), e);
        }
        LedgerStore.writeTogether(dsl, java.util.Collections.singletonList(ledgers.save(d.tenantId(), null, prefix, ledger.writes(), now)));
        return ProcessingResult.PROCESSED;
    }

    private static Instant parse(String text, Instant fallback) {
        try {
            return text == null ? fallback : Instant.parse(text);
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
