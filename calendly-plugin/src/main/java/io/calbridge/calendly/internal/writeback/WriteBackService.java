package io.calbridge.calendly.internal.writeback;

import io.calbridge.calendly.ActionResult;
import io.calbridge.calendly.Meeting;
import io.calbridge.calendly.Meetings;
import io.calbridge.calendly.SchedulingLink;
import io.calbridge.calendly.SchedulingLinkRequest;
import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.EventType;
import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.oauth.NotConnectedException;
import io.calbridge.calendly.internal.oauth.TokenSource;
import io.calbridge.calendly.internal.writeback.Refusals.Need;
import io.calbridge.calendly.internal.writeback.WriteBackStore.BookingRow;
import io.calbridge.calendly.internal.writeback.WriteBackStore.IntegrationFacts;
import io.calbridge.calendly.internal.writeback.WriteBackStore.LinkRow;
import io.calbridge.calendly.internal.writeback.WriteBackStore.LiveIntegration;
import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostSecurity.Action;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Acting on Calendly from the CRM. Every operation checks the host's permission, resolves ids within
 * the caller's tenant, and is safe to repeat: cancel and no-show are judged by the state Calendly
 * shows (already there: done, nothing changed), a scheduling link is stored under the caller's
 * idempotency key before Calendly is asked.
 *
 * <p>None of them writes a booking, contact or task: Calendly's webhook for the change does, through
 * the booking path, exactly as for a change made in Calendly. So a cancel from the CRM and its webhook
 * are one change, applied once.
 */
public final class WriteBackService {
    /** The tracking value of a scheduling link: this prefix and the link's token. */
    static final String TOKEN_PREFIX = "calbridge-link.";
    static final int MAX_REASON = 10_000;
    /** The most meetings one refresh reads again from Calendly (one call each). */
    static final int MAX_REFRESH = 25;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final CalendlyClient calendly;
    private final TokenSource tokens;
    private final HostSecurity security;
    private final Contacts contacts;
    private final WriteBack.MissingMeetings missing;
    private final Clock clock;
    private final WriteBackStore store = new WriteBackStore();

    WriteBackService(Db db, CalendlyClient calendly, TokenSource tokens, HostSecurity security, Contacts contacts,
                     WriteBack.MissingMeetings missing, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        // Someone is waiting for each answer: a 429 is answered, not slept on.
        this.calendly = Objects.requireNonNull(calendly, "calendly").impatient();
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.security = Objects.requireNonNull(security, "security");
        this.contacts = Objects.requireNonNull(contacts, "contacts");
        this.missing = Objects.requireNonNull(missing, "missing");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void permit(Caller caller, Action action) {
        if (!security.mayAct(caller, action)) {
            throw new ApiException(403, "forbidden", switch (action) {
                case VIEW_MEETINGS -> "You may not see Calendly meetings in this workspace.";
                case CANCEL_MEETING -> "You may not cancel Calendly meetings in this workspace.";
                case MARK_NO_SHOW -> "You may not mark Calendly no-shows in this workspace.";
                case SEND_SCHEDULING_LINK -> "You may not send Calendly scheduling links in this workspace.";
            });
        }
    }

    // ---- cancel ---------------------------------------------------------------------------------

    public ActionResult cancel(Caller caller, String meetingId, String reason) {
        permit(caller, Action.CANCEL_MEETING);
        optional(reason, "reason", Integer.MAX_VALUE);
        if (reason != null && reason.length() > MAX_REASON) {
            throw ApiException.badRequest("invalid_value", "reason: at most " + MAX_REASON + " characters", "reason");
        }
        BookingRow b = booking(caller, meetingId);
        if ("RESCHEDULED".equals(b.status())) {
            throw new ApiException(409, "meeting_rescheduled",
                    "This meeting was moved to another time; cancel the meeting it was moved to.");
        }
        if ("CANCELED".equals(b.status())) {
            return new ActionResult(b.id().toString(), "cancel", true);
        }
        if (b.scheduledEventUri() == null) {
            throw new ApiException(409, "gone_at_calendly", "Calendly has not told which event this meeting is.");
        }
        return atCalendly(caller, b, "cancel", Need.CANCEL, api -> {
            // Calendly cancels events, not invitees: in a group event that would cancel everyone else's too.
            var counter = api.scheduledEvent(b.scheduledEventUri()).inviteesCounter();
            if (counter != null && counter.active() != null && counter.active() > 1) {
                throw new ApiException(409, "group_meeting", "This is a group event with other invitees; Calendly "
                        + "would cancel it for all of them. Cancel it in Calendly if that is what you mean.");
            }
            api.cancelScheduledEvent(b.scheduledEventUri(), reason == null ? null : reason.strip());
            return false;
        }, e -> {
            if (e.status() == 403 && Refusals.messageSays(e, "already canceled")) {
                return true;
            }
            if (e.status() == 403 && Refusals.messageSays(e, "in the past")) {
                throw new ApiException(409, "meeting_in_past", "This meeting has already taken place; Calendly "
                        + "cancels only meetings that are still to come.");
            }
            return false;
        });
    }

    // ---- no-shows -------------------------------------------------------------------------------

    public ActionResult markNoShow(Caller caller, String meetingId) {
        permit(caller, Action.MARK_NO_SHOW);
        BookingRow b = booking(caller, meetingId);
        return atCalendly(caller, b, "mark_no_show", Need.NO_SHOW, api -> {
            api.createInviteeNoShow(b.inviteeUri());
            return false;
        }, e -> e.status() == 400 && Refusals.messageSays(e, "already"));
    }

    /**
     * Reads the invitee first: its {@code no_show} names what to delete, also when the webhook of the
     * mark has not arrived yet, and says "not a no-show" when there is nothing to take back.
     */
    public ActionResult unmarkNoShow(Caller caller, String meetingId) {
        permit(caller, Action.MARK_NO_SHOW);
        BookingRow b = booking(caller, meetingId);
        return atCalendly(caller, b, "unmark_no_show", Need.NO_SHOW, api -> {
            Invitee invitee = api.invitee(b.inviteeUri());
            if (invitee.noShow() == null || invitee.noShow().uri() == null) {
                return true;
            }
            try {
                api.deleteInviteeNoShow(invitee.noShow().uri());
            } catch (CalendlyApiException e) {
                if (e.isNotFound()) {
                    return true;
                }
                throw e;
            }
            return false;
        }, e -> false);
    }

    /** One change at Calendly for a meeting; answers whether there was nothing left to do. */
    @FunctionalInterface
    private interface Change {
        boolean apply(CalendlyApi api);
    }

    /**
     * Reads Calendly's refusal of a {@link Change}: true when it says the change was made already; may
     * throw the caller's own answer instead. Any other refusal is mapped by {@link Refusals#of}.
     */
    @FunctionalInterface
    private interface AlreadyDone {
        boolean test(CalendlyApiException refusal);
    }

    /** The scope check, the call and the mapping of its failures that every meeting action shares. */
    private ActionResult atCalendly(Caller caller, BookingRow b, String action, Need need, Change change,
                                    AlreadyDone alreadyDone) {
        IntegrationFacts integration = integration(caller, b.integrationId());
        Refusals.requireScope(integration.scopes(), need);
        try {
            return new ActionResult(b.id().toString(), action, change.apply(api(integration)));
        } catch (CalendlyApiException e) {
            if (alreadyDone.test(e)) {
                return new ActionResult(b.id().toString(), action, true);
            }
            throw Refusals.of(e, need);
        } catch (RuntimeException e) {
            throw Refusals.of(e, need);
        }
    }

    // ---- scheduling links -----------------------------------------------------------------------

    public SchedulingLink createLink(Caller caller, SchedulingLinkRequest r) {
        permit(caller, Action.SEND_SCHEDULING_LINK);
        String contactId = required(r.contactId(), "contact_id", 200);
        String eventTypeUri = required(r.eventTypeUri(), "event_type_uri", 500);
        if (!eventTypeUri.contains("/event_types/")) {
            throw ApiException.badRequest("invalid_value", "event_type_uri: a Calendly event type URI "
                    + "(https://api.calendly.com/event_types/...)", "event_type_uri");
        }
        if (r.idempotencyKey() == null || r.idempotencyKey().isBlank()) {
            throw ApiException.badRequest("missing_value", "idempotency_key (or the Idempotency-Key header) is required: "
                    + "a value of your choice, the same when you retry, so that a retry gets the same link", "idempotency_key");
        }
        String key = required(r.idempotencyKey(), "idempotency_key", 200);
        optional(r.name(), "name", 200);
        optional(r.email(), "email", 320);
        IntegrationFacts integration = integrationFor(caller, r.integrationId());
        Refusals.requireScope(integration.scopes(), Need.LINKS);

        LinkRow link = db.tx(dsl -> {
            Optional<LinkRow> existing = store.linkByKey(dsl, caller.tenantId(), key);
            if (existing.isEmpty()) {
                store.insertLink(dsl, caller.tenantId(), UUID.randomUUID(), integration.id(), contactId, eventTypeUri,
                        newToken(), key, caller.userId(), clock.instant());
                existing = store.linkByKey(dsl, caller.tenantId(), key);
            }
            return existing.orElseThrow();
        });
        if (!link.contactRef().equals(contactId) || !link.eventTypeUri().equals(eventTypeUri)
                || !link.integrationId().equals(integration.id())) {
            throw new ApiException(409, "idempotency_key_reused", "This Idempotency-Key was used for another link; "
                    + "use a new key for a new link.", "idempotency_key");
        }
        if (link.bookingUrl() == null) {
            // First call, or a retry after Calendly's answer was lost: ask (again). A lost answer leaves
            // an unused link at Calendly that nobody ever sees; the contact gets one URL.
            String bookingUrl;
            try {
                bookingUrl = api(integration).createSingleUseSchedulingLink(eventTypeUri);
            } catch (CalendlyApiException e) {
                if (e.status() == 404 || e.status() == 400) {
                    throw ApiException.badRequest("invalid_value", "event_type_uri: Calendly has no active event type "
                            + "with this URI that the connected account can link", "event_type_uri");
                }
                if (e.status() == 403 && !Refusals.missingScope(e)) {
                    throw new ApiException(409, "calendly_not_allowed", "Calendly lets the connected account link only "
                            + "its own event types (or, as an admin, its organization's).");
                }
                throw Refusals.of(e, Need.LINKS);
            } catch (RuntimeException e) {
                throw Refusals.of(e, Need.LINKS);
            }
            UUID linkId = link.id();
            link = db.tx(dsl -> {
                store.setBookingUrl(dsl, linkId, bookingUrl);
                return store.link(dsl, linkId).orElseThrow();
            });
        }
        return new SchedulingLink(link.id().toString(), url(link, r.name(), r.email()), link.contactRef(),
                link.eventTypeUri(), link.createdAt(), link.usedAt());
    }

    /**
     * A link for an event type of the named integration's own Calendly account, as the drop-in UI offers
     * them ({@link #eventTypes}); anything else is refused before a link is stored or Calendly is asked.
     * Calendly alone would not refuse it: an organization's owner or admin may link its members' event
     * types, so the link would be made with another account than the member chose.
     */
    public SchedulingLink createLinkOfAccount(Caller caller, SchedulingLinkRequest r) {
        permit(caller, Action.SEND_SCHEDULING_LINK);
        String integrationId = required(r.integrationId(), "integration_id", 36);
        String eventTypeUri = required(r.eventTypeUri(), "event_type_uri", 500);
        if (eventTypes(caller, integrationId).stream().noneMatch(t -> eventTypeUri.equals(t.get("uri")))) {
            throw ApiException.badRequest("event_type_not_of_account", "event_type_uri: not an active event type "
                    + "of the chosen Calendly account", "event_type_uri");
        }
        return createLink(caller, r);
    }

    /** A Calendly account a link can be made with: a live integration and its user's name and e-mail. */
    public record LinkAccount(String integrationId, String userName, String userEmail) {
    }

    /** The tenant's live integrations, oldest first: when there are several, a link names one. */
    public List<LinkAccount> linkAccounts(Caller caller) {
        permit(caller, Action.SEND_SCHEDULING_LINK);
        return db.tx(dsl -> store.liveIntegrations(dsl, caller.tenantId())).stream()
                .map(i -> new LinkAccount(i.id().toString(), i.userName(), i.userEmail())).toList();
    }

    /**
     * A link made earlier for this contact, as {@link #createLink} answered it (prefilled with the
     * contact's e-mail as the host knows it): the drop-in UI shows it again after its redirect.
     */
    public Optional<SchedulingLink> link(Caller caller, String contactId, String linkId) {
        permit(caller, Action.SEND_SCHEDULING_LINK);
        Optional<UUID> id = uuid(linkId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return db.tx(dsl -> store.link(dsl, id.get()))
                .filter(l -> l.bookingUrl() != null && l.contactRef().equals(contactId))
                .filter(l -> db.tx(dsl -> store.integration(dsl, caller.tenantId(), l.integrationId())).isPresent())
                .map(l -> new SchedulingLink(l.id().toString(), url(l, null,
                        contacts.email(HostCall.read(caller.tenantId()), contactId).orElse(null)), l.contactRef(),
                        l.eventTypeUri(), l.createdAt(), l.usedAt()));
    }

    /** Calendly's booking URL with the link's token as {@code utm_content}, and the prefill. */
    static String url(LinkRow link, String name, String email) {
        StringBuilder s = new StringBuilder(link.bookingUrl());
        s.append(link.bookingUrl().contains("?") ? '&' : '?');
        s.append("utm_content=").append(encode(TOKEN_PREFIX + link.token()));
        if (name != null && !name.isBlank()) {
            s.append("&name=").append(encode(name.strip()));
        }
        if (email != null && !email.isBlank()) {
            s.append("&email=").append(encode(email.strip()));
        }
        return s.toString();
    }

    /** The active event types a link can be made for: the connected user's own. */
    public List<Map<String, Object>> eventTypes(Caller caller, String integrationId) {
        permit(caller, Action.SEND_SCHEDULING_LINK);
        IntegrationFacts integration = integrationFor(caller, integrationId);
        if (integration.userUri() == null) {
            return List.of();
        }
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            for (EventType e : api(integration).eventTypes(null, integration.userUri(), true).toList()) {
                if (e.deletedAt() != null || Boolean.FALSE.equals(e.active())) {
                    continue;
                }
                Map<String, Object> item = new java.util.LinkedHashMap<>();
                item.put("uri", e.uri());
                item.put("name", e.name());
                item.put("duration", e.duration());
                item.put("integration_id", integration.id().toString());
                out.add(item);
            }
            out.sort(Comparator.comparing(m -> String.valueOf(m.get("name")), String.CASE_INSENSITIVE_ORDER));
            return out;
        } catch (RuntimeException e) {
            throw Refusals.of(e, Need.EVENT_TYPES);
        }
    }

    // ---- meetings -------------------------------------------------------------------------------

    public Meetings meetings(Caller caller, String contactId, boolean refresh) {
        permit(caller, Action.VIEW_MEETINGS);
        String contact = required(contactId, "contact_id", 200);
        if (refresh) {
            importMissing(caller, contact);
        }
        List<BookingRow> rows = db.tx(dsl -> store.bookingsOfContact(dsl, caller.tenantId(), contact));
        Map<UUID, Invitee> live = new HashMap<>();
        Instant refreshedAt = null;
        if (refresh) {
            refreshedAt = clock.instant();
            Map<UUID, CalendlyApi> apis = new HashMap<>();
            int asked = 0;
            // The meetings a person looks at first: upcoming, then the latest past ones.
            for (BookingRow b : ordered(rows, refreshedAt)) {
                if (asked++ >= MAX_REFRESH) {
                    break;
                }
                try {
                    CalendlyApi api;
                    try {
                        api = apis.computeIfAbsent(b.integrationId(), id -> {
                            IntegrationFacts i = integration(caller, id);
                            Refusals.requireScope(i.scopes(), Need.READ_EVENTS);
                            return api(i);
                        });
                    } catch (ApiException e) {
                        if ("not_connected".equals(e.code()) || "not_found".equals(e.code())) {
                            continue; // an integration disconnected since: its bookings are shown as stored
                        }
                        throw e;
                    }
                    live.put(b.id(), api.invitee(b.inviteeUri()));
                } catch (CalendlyApiException e) {
                    if (!e.isNotFound()) {
                        throw Refusals.of(e, Need.READ_EVENTS);
                    }
                } catch (RuntimeException e) {
                    throw Refusals.of(e, Need.READ_EVENTS);
                }
            }
        }
        Instant now = clock.instant();
        List<Meeting> upcoming = new ArrayList<>();
        List<Meeting> past = new ArrayList<>();
        for (BookingRow b : ordered(rows, now)) {
            Meeting m = meeting(b, live.get(b.id()));
            boolean isUpcoming = "ACTIVE".equals(m.status()) && b.startTime() != null && b.startTime().isAfter(now);
            (isUpcoming ? upcoming : past).add(m);
        }
        return new Meetings(upcoming, past, refreshedAt);
    }

    /**
     * Meetings the plugin never received (a webhook lost, or from before the connection and outside
     * the import): Calendly is asked for the contact's e-mail through each connected integration, and
     * what is missing goes through the booking pipeline as an import would, so it attaches to the
     * contact with its task and activity before the listing is read.
     */
    private void importMissing(Caller caller, String contact) {
        String email = contacts.email(HostCall.read(caller.tenantId()), contact).map(String::strip).orElse("");
        if (email.isEmpty() || email.indexOf('@') < 1 || email.length() > 320) {
            return; // the host cannot name the contact's address: only the stored meetings are re-read
        }
        for (LiveIntegration live : db.tx(dsl -> store.liveIntegrations(dsl, caller.tenantId()))) {
            UUID id = live.id();
            IntegrationFacts i = db.tx(dsl -> store.integration(dsl, caller.tenantId(), id)).orElse(null);
            if (i == null || !"CONNECTED".equals(i.status())) {
                continue; // needs a reconnect: its stored meetings are still listed
            }
            Refusals.requireScope(i.scopes(), Need.READ_EVENTS);
            try {
                missing.importFor(id, email);
            } catch (NotConnectedException e) {
                // disconnected meanwhile
            } catch (RuntimeException e) {
                throw Refusals.of(e, Need.READ_EVENTS);
            }
        }
    }

    /** Upcoming soonest first, then the rest latest first. */
    private static List<BookingRow> ordered(List<BookingRow> rows, Instant now) {
        List<BookingRow> sorted = new ArrayList<>(rows);
        Comparator<BookingRow> byStart = Comparator.comparing(BookingRow::startTime,
                Comparator.nullsFirst(Comparator.naturalOrder()));
        sorted.sort((a, b) -> {
            boolean ua = a.startTime() != null && a.startTime().isAfter(now) && "ACTIVE".equals(a.status());
            boolean ub = b.startTime() != null && b.startTime().isAfter(now) && "ACTIVE".equals(b.status());
            if (ua != ub) {
                return ua ? -1 : 1;
            }
            return ua ? byStart.compare(a, b) : byStart.compare(b, a);
        });
        return sorted;
    }

    private static Meeting meeting(BookingRow b, Invitee live) {
        String status = b.status();
        boolean noShow = b.noShow();
        boolean awaiting = false;
        if (live != null) {
            String liveStatus = "canceled".equals(live.status()) && !"RESCHEDULED".equals(status) ? "CANCELED" : status;
            boolean liveNoShow = live.noShow() != null;
            awaiting = !liveStatus.equals(status) || liveNoShow != noShow;
            status = liveStatus;
            noShow = liveNoShow;
        }
        return new Meeting(b.id().toString(), b.integrationId().toString(), b.contactRef(), b.taskRef(), b.eventName(),
                b.startTime(), b.endTime(), status, noShow, awaiting);
    }

    // ---- lookups --------------------------------------------------------------------------------

    private BookingRow booking(Caller caller, String meetingId) {
        UUID id = uuid(meetingId).orElseThrow(() -> ApiException.notFound("Meeting"));
        return db.tx(dsl -> store.booking(dsl, caller.tenantId(), id)).orElseThrow(() -> ApiException.notFound("Meeting"));
    }

    private IntegrationFacts integration(Caller caller, UUID id) {
        IntegrationFacts i = db.tx(dsl -> store.integration(dsl, caller.tenantId(), id))
                .orElseThrow(() -> ApiException.notFound("Calendly integration"));
        if ("REAUTHORIZATION_REQUIRED".equals(i.status())) {
            throw Refusals.of(new io.calbridge.calendly.internal.oauth.ReauthorizationRequiredException(i.id(), "status"),
                    Need.READ_EVENTS);
        }
        if (!"CONNECTED".equals(i.status())) {
            throw new ApiException(409, "not_connected", "This Calendly integration is not connected.");
        }
        return i;
    }

    /** The named integration, or the tenant's only one. */
    private IntegrationFacts integrationFor(Caller caller, String integrationId) {
        if (integrationId != null && !integrationId.isBlank()) {
            UUID id = uuid(integrationId).orElseThrow(() -> ApiException.notFound("Calendly integration"));
            return integration(caller, id);
        }
        List<LiveIntegration> live = db.tx(dsl -> store.liveIntegrations(dsl, caller.tenantId()));
        if (live.isEmpty()) {
            throw new ApiException(409, "not_connected", "Calendly is not connected for this workspace.");
        }
        if (live.size() > 1) {
            throw ApiException.badRequest("missing_value", "integration_id: this workspace has several Calendly "
                    + "integrations; name one", "integration_id");
        }
        return integration(caller, live.get(0).id());
    }

    private CalendlyApi api(IntegrationFacts integration) {
        return calendly.api(tokens.credential(integration.id()));
    }

    private static Optional<UUID> uuid(String raw) {
        if (raw == null || raw.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(raw);
            return id.toString().equalsIgnoreCase(raw) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String required(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("missing_value", field + " is required", field);
        }
        return optional(value, field, max);
    }

    private static String optional(String value, String field, int max) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            // PostgreSQL text cannot hold NUL; no person types one.
            throw ApiException.badRequest("invalid_value", field + ": must not contain a NUL character", field);
        }
        if (value != null && value.strip().length() > max) {
            throw ApiException.badRequest("invalid_value", field + ": at most " + max + " characters", field);
        }
        return value == null ? null : value.strip();
    }

    private static String newToken() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
