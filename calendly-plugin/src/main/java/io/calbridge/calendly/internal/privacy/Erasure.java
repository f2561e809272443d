package io.calbridge.calendly.internal.privacy;

import io.calbridge.calendly.PersonErased;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.PersonErasure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases one person (an e-mail) of one tenant (docs/privacy.md, "Erasure"):
 * <ol>
 *   <li>the plugin's tables: the person's booking rows (found by e-mail index) and the effect ledger of
 *       their chains are deleted; every stored webhook body and rejection detail of the tenant that
 *       names the e-mail is opened, checked and purged;</li>
 *   <li>the person is remembered as erased (the e-mail's index only), so a later delivery is handled as
 *       the tenant chose ({@link TenantPrivacy.AfterErasure});</li>
 *   <li>the host's {@link PersonErasure}, when it has one, erases or anonymises its contact, tasks and
 *       activity;</li>
 *   <li>when the tenant opted in, Calendly's data-compliance deletion is requested.</li>
 * </ol>
 * Idempotent: erasing again finds nothing more in the plugin and asks the host and Calendly again.
 * Logs and the answer hold counts, never the e-mail.
 *
 * @param host   the host's optional person erasure, or null
 * @param erased the tenant's erased people as deliveries see them; told here when they change
 */
public record Erasure(Db db, PersonalData personal, PersonErasure host, CalendlyDeletion calendly, Clock clock,
                      AuditTrail audit, ErasedPeople erased) {
    private static final Logger log = LoggerFactory.getLogger(Erasure.class);
    private static final int SCAN_BATCH = 200;
    /** Stateless: the plugin's queries on privacy tables. */
    private static final PrivacyStore STORE = new PrivacyStore();

    /** Asks Calendly to delete an invitee's data through one integration's connection; throws when refused. */
    @FunctionalInterface
    public interface CalendlyDeletion {
        void delete(UUID integrationId, String email);
    }

    /** Validates an e-mail given by a person: 400 naming the field otherwise. */
    static String requireEmail(String email) {
        if (email == null || email.isBlank()) {
            throw ApiException.badRequest("missing", "email is required", "email");
        }
        String e = email.strip();
        if (e.length() > 320 || !e.matches("[^@\\s]+@[^@\\s]+")) {
            throw ApiException.badRequest("invalid", "email must be an e-mail address", "email");
        }
        return e;
    }

    public PersonErased erase(String tenantId, String email, String actor) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId is required");
        }
        String normalised = PersonalData.normalise(requireEmail(email));
        Instant now = clock.instant();
        byte[] index = personal.emailIndex(tenantId, normalised);
        TenantPrivacy privacy = db.tx(dsl -> STORE.settings(dsl, tenantId));

        // 1. Bookings and their ledger, and the person remembered as erased, in one transaction.
        int bookings = db.tx(dsl -> {
            var rows = STORE.bookingsOf(dsl, tenantId, index, normalised);
            Set<UUID> ids = new LinkedHashSet<>();
            Set<UUID> chains = new LinkedHashSet<>();
            rows.forEach(r -> {
                ids.add(r.value1());
                chains.add(r.value2());
            });
            if (!ids.isEmpty()) {
                STORE.deleteBookings(dsl, tenantId, ids, chains);
            }
            STORE.rememberErased(dsl, tenantId, index, now);
            return ids.size();
        });
        erased.changed(tenantId);

        // 2. Stored bodies and rejection details that name the person (sealed: opened one by one).
        int deliveries = purgeBodies(tenantId, normalised, now);
        int rejections = purgeRejections(tenantId, normalised);

        List<String> problems = new ArrayList<>();
        // 3. The host.
        PersonErasure.Erased inHost = new PersonErasure.Erased(0, 0, 0);
        if (host != null) {
            try {
                inHost = host.erase(HostCall.effect(tenantId, "calendly:erase:" + HexFormat.of().formatHex(index), null),
                        email.strip());
                if (inHost == null) {
                    inHost = new PersonErasure.Erased(0, 0, 0);
                }
            } catch (RuntimeException e) {
                problems.add("The host could not erase the person's contact, tasks and activity ("
                        + e.getClass().getSimpleName() + "); erase again to retry.");
                log.warn("Host erasure failed for tenant {}: {}", tenantId, e.getClass().getName());
            }
        }
        // 4. Calendly, when the tenant opted in.
        boolean atCalendly = false;
        if (privacy.calendlyDeletion()) {
            List<UUID> integrations = db.tx(dsl -> STORE.connectedIntegrations(dsl, tenantId));
            if (integrations.isEmpty()) {
                problems.add("Calendly's deletion was not requested: the tenant has no connected Calendly integration.");
            }
            for (UUID integration : integrations) {
                try {
                    calendly.delete(integration, email.strip());
                    atCalendly = true;
                    break;
                } catch (RuntimeException e) {
                    problems.add("Calendly refused the data-compliance deletion through integration " + integration
                            + " (" + describe(e) + "); it needs an Enterprise plan and an admin connection with the"
                            + " data_compliance:write scope.");
                }
            }
            if (atCalendly) {
                problems.clear();
            }
        }
        log.info("Erased a person of tenant {}: {} bookings, {} delivery bodies, {} rejections; host asked: {}; Calendly: {}",
                tenantId, bookings, deliveries, rejections, host != null, atCalendly);
        PersonErased result = new PersonErased(tenantId, bookings, deliveries, rejections, host != null, inHost.contacts(),
                inHost.tasks(), inHost.activities(), atCalendly, privacy.afterErasure().name(), now, problems);
        if (audit != null) {
            audit.record(tenantId, actor, "person.erased", null, java.util.Map.of("bookings", bookings, "deliveries", deliveries,
                    "rejections", rejections, "host_contacts", inHost.contacts(), "calendly_deletion", atCalendly,
                    "problems", problems.size()));
        }
        return result;
    }

    /**
     * Everything the plugin holds about one person of one tenant, opened (an access request): booking
     * rows, the effect ledger of their chains, stored deliveries and rejection details naming the
     * e-mail, and whether the person was erased. For the tenant admin only; recorded in the audit trail
     * with counts.
     */
    public java.util.Map<String, Object> export(String tenantId, String email, String actor) {
        String normalised = PersonalData.normalise(requireEmail(email));
        byte[] index = personal.emailIndex(tenantId, normalised);
        var out = new java.util.LinkedHashMap<String, Object>();
        out.put("email", email.strip());
        out.put("exported_at", clock.instant().toString());
        List<Object> bookings = new ArrayList<>();
        Set<UUID> chains = new LinkedHashSet<>();
        for (var r : db.tx(dsl -> STORE.bookingRows(dsl, tenantId, index, normalised))) {
            chains.add(r.getChainId());
            String row = r.getId().toString();
            var b = new java.util.LinkedHashMap<String, Object>();
            b.put("invitee_uri", r.getInviteeUri());
            b.put("scheduled_event_uri", r.getScheduledEventUri());
            b.put("event_type_uri", r.getEventTypeUri());
            b.put("event_name", r.getEventName());
            b.put("email", open(tenantId, "calendly_booking.email", row, r.getEmailEnc(), r.getEmail()));
            b.put("name", open(tenantId, "calendly_booking.name", row, r.getNameEnc(), r.getName()));
            b.put("status", r.getStatus());
            b.put("start_time", r.getStartTime() == null ? null : r.getStartTime().toInstant().toString());
            b.put("end_time", r.getEndTime() == null ? null : r.getEndTime().toInstant().toString());
            b.put("timezone", r.getInviteeTimezone());
            b.put("no_show", r.getNoShow());
            b.put("cancel_reason", open(tenantId, "calendly_booking.cancel_reason", row, r.getCancelReasonEnc(), r.getCancelReason()));
            b.put("canceled_by", open(tenantId, "calendly_booking.canceled_by", row, r.getCanceledByEnc(), r.getCanceledBy()));
            b.put("host_contact_id", r.getContactRef());
            b.put("host_task_id", r.getTaskRef());
            b.put("created_at", r.getCreatedAt().toInstant().toString());
            b.put("personal_fields_purged_at", r.getPersonalPurgedAt() == null ? null : r.getPersonalPurgedAt().toInstant().toString());
            b.put("payload", json(open(tenantId, "calendly_booking.invitee_payload", row, r.getPayloadEnc(),
                    r.getInviteePayload() == null ? null : r.getInviteePayload().data())));
            bookings.add(b);
        }
        out.put("bookings", bookings);
        List<Object> effects = new ArrayList<>();
        if (!chains.isEmpty()) {
            for (var l : db.tx(dsl -> STORE.ledger(dsl, tenantId, chains))) {
                var e = new java.util.LinkedHashMap<String, Object>();
                e.put("effect", l.getEffectKey());
                e.put("result", json(open(tenantId, "calendly_effect_ledger.result", l.getEffectKey(), l.getResultEnc(), l.getResult())));
                e.put("applied_at", l.getAppliedAt().toInstant().toString());
                effects.add(e);
            }
        }
        out.put("effects", effects);
        List<Object> deliveries = new ArrayList<>();
        bodiesNaming(tenantId, normalised, batch -> {
            for (Naming body : batch) {
                var info = db.tx(dsl -> STORE.deliveryInfo(dsl, body.id()));
                var d = new java.util.LinkedHashMap<String, Object>();
                d.put("id", body.id());
                d.put("event", info.value2());
                d.put("status", info.value3());
                d.put("received_at", info.value4().toInstant().toString());
                d.put("body", json(body.text()));
                deliveries.add(d);
            }
            return batch.size();
        });
        out.put("deliveries", deliveries);
        List<Object> rejected = new ArrayList<>();
        for (Naming r : rejectionsNaming(tenantId, normalised)) {
            rejected.add(java.util.Map.of("id", r.id(), "received_at", r.receivedAt().toString(), "detail", r.text()));
        }
        out.put("rejections", rejected);
        out.put("erased", db.tx(dsl -> STORE.erased(dsl, tenantId)).contains(ByteBuffer.wrap(index)));
        if (audit != null) {
            audit.record(tenantId, actor, "person.exported", null, java.util.Map.of("bookings", bookings.size(),
                    "effects", effects.size(), "deliveries", deliveries.size(), "rejections", rejected.size()));
        }
        return out;
    }

    private String open(String tenantId, String field, String row, byte[] sealed, String clear) {
        if (sealed == null) {
            return clear;
        }
        try {
            return personal.openText(tenantId, field, row, sealed);
        } catch (SecretUnavailableException e) {
            return "[unreadable]";
        }
    }

    private static Object json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return io.calbridge.calendly.internal.common.Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return text;
        }
    }

    private static String describe(RuntimeException e) {
        return e instanceof io.calbridge.calendly.internal.client.CalendlyApiException api ? "HTTP " + api.status()
                : e.getClass().getSimpleName();
    }

    private int purgeBodies(String tenantId, String email, Instant now) {
        return bodiesNaming(tenantId, email, batch -> {
            List<Long> naming = batch.stream().map(Naming::id).toList();
            return db.tx(dsl -> STORE.purgeBodies(dsl, tenantId, naming, now));
        });
    }

    private int purgeRejections(String tenantId, String email) {
        List<Long> naming = rejectionsNaming(tenantId, email).stream().map(Naming::id).toList();
        return naming.isEmpty() ? 0 : db.tx(dsl -> STORE.deleteRejections(dsl, tenantId, naming));
    }

    /** A stored text that names the person: its row, its opened text and, for a rejection, when it came. */
    private record Naming(long id, String text, Instant receivedAt) {
    }

    /**
     * The tenant's stored webhook bodies that contain {@code needle} (lower case), handed over one
     * scan batch at a time (batches without one are skipped); the sum of what {@code eachBatch}
     * counted. A body whose key is shredded is unreadable for everyone: there is nothing in it to
     * export or erase.
     */
    private int bodiesNaming(String tenantId, String needle, ToIntFunction<List<Naming>> eachBatch) {
        int counted = 0;
        long after = 0;
        while (true) {
            long from = after;
            var rows = db.tx(dsl -> STORE.bodies(dsl, tenantId, from, SCAN_BATCH));
            List<Naming> naming = new ArrayList<>();
            for (var r : rows) {
                after = r.value1();
                String text;
                try {
                    text = new String(personal.openBody(tenantId, "calendly_webhook_inbox.raw_body",
                            r.value2() + "/" + r.value3(), r.value4()), StandardCharsets.UTF_8);
                } catch (SecretUnavailableException e) {
                    continue;
                }
                if (text.toLowerCase(Locale.ROOT).contains(needle)) {
                    naming.add(new Naming(r.value1(), text, null));
                }
            }
            if (!naming.isEmpty()) {
                counted += eachBatch.applyAsInt(naming);
            }
            if (rows.size() < SCAN_BATCH) {
                return counted;
            }
        }
    }

    /** The tenant's webhook rejections whose detail contains {@code needle} (lower case); unreadable ones are skipped. */
    private List<Naming> rejectionsNaming(String tenantId, String needle) {
        List<Naming> naming = new ArrayList<>();
        for (var r : db.tx(dsl -> STORE.rejections(dsl, tenantId))) {
            Instant receivedAt = r.value3().toInstant();
            String detail;
            try {
                detail = r.value5() == null ? r.value4() : personal.openText(tenantId, "calendly_webhook_rejection.detail",
                        rejectionRowKey(r.value2(), receivedAt), r.value5());
            } catch (SecretUnavailableException e) {
                continue;
            }
            if (detail != null && detail.toLowerCase(Locale.ROOT).contains(needle)) {
                naming.add(new Naming(r.value1(), detail, receivedAt));
            }
        }
        return naming;
    }

    /** As {@code WebhookInbox.rejectionRowKey}: integration and receive instant to the microsecond. */
    private static String rejectionRowKey(UUID integrationId, Instant receivedAt) {
        Instant micros = receivedAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return integrationId + "/" + micros.getEpochSecond() + "." + micros.getNano() / 1000;
    }

    TenantPrivacy settings(String tenantId) {
        return db.tx(dsl -> STORE.settings(dsl, tenantId));
    }

    void saveSettings(String tenantId, TenantPrivacy privacy, String userId) {
        db.txRun(dsl -> STORE.saveSettings(dsl, tenantId, privacy, userId, clock.instant()));
        erased.changed(tenantId);
    }
}
