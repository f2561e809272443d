package io.calbridge.sandbox;

import static io.calbridge.sandbox.internal.state.Uris.Resource.CANCELLATIONS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.EVENTS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.EVENT_TYPES;
import static io.calbridge.sandbox.internal.state.Uris.Resource.MEMBERSHIPS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.NO_SHOWS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.ORGANIZATIONS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.RESCHEDULINGS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.ROUTING_FORMS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.ROUTING_SUBMISSIONS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.USERS;

import io.calbridge.sandbox.internal.Wiring;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.admin.AdminRoutes;
import io.calbridge.sandbox.internal.booking.Bookings;
import io.calbridge.sandbox.internal.state.Model;
import io.calbridge.sandbox.internal.state.Model.EventType;
import io.calbridge.sandbox.internal.state.Model.Invitee;
import io.calbridge.sandbox.internal.state.Model.Org;
import io.calbridge.sandbox.internal.state.Model.RoutingForm;
import io.calbridge.sandbox.internal.state.Model.RoutingSubmission;
import io.calbridge.sandbox.internal.state.Model.Subscription;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.Uris;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A local Calendly: the auth server ({@code /oauth/*}), API v2 and signed webhook deliveries on one
 * HTTP port, plus actions that play the invitee and host. Start one per test class (random port) or
 * standalone with {@link SandboxMain}.
 *
 * <pre>{@code
 * try (CalendlySandbox sb = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true))) {
 *     SandboxOrganization org = sb.createOrganization("Acme", Plan.STANDARD);
 *     SandboxUser ada = sb.createUser(org, "Ada Host", "ada@example.com", Role.OWNER, "Europe/Warsaw");
 *     SandboxApp app = sb.createOAuthApp("Acme CRM", List.of("http://localhost:7070/callback"));
 *     SandboxEventType et = sb.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
 *     Booking b = sb.book(BookingRequest.of(et, "Jane Doe", "jane@example.com", start));
 * }
 * }</pre>
 *
 * <p>All state lives in memory and disappears with {@link #close()}. Every method is thread-safe.
 */
public final class CalendlySandbox implements AutoCloseable {
    private final Wiring w;
    private final Faults faults;
    private final SandboxStats stats;

    private CalendlySandbox(SandboxOptions options) {
        this.w = new Wiring(options.snapshot());
        this.faults = new Faults(w);
        this.stats = new SandboxStats(w.stats);
    }

    /** Starts a sandbox; with {@code port(0)} (the default) on a free port. */
    public static CalendlySandbox start(SandboxOptions options) {
        CalendlySandbox sb = new CalendlySandbox(Objects.requireNonNull(options, "options"));
        try {
            sb.w.start(routes -> new AdminRoutes(sb, sb.w).register(routes));
        } catch (RuntimeException e) {
            sb.w.close();
            throw e;
        }
        return sb;
    }

    public static CalendlySandbox start() {
        return start(SandboxOptions.defaults());
    }

    /** {@code http://127.0.0.1:PORT}: base of the API, the auth server and every generated URI. */
    public String baseUrl() {
        return w.uris.base();
    }

    public int port() {
        return w.port();
    }

    /** Stops the server and pending deliveries. */
    @Override
    public void close() {
        w.close();
    }

    // ---- accounts -------------------------------------------------------------------------------

    public SandboxOrganization createOrganization(String name, Plan plan) {
        return org(w.directory.createOrganization(name, plan));
    }

    public SandboxUser createUser(SandboxOrganization org, String name, String email, Role role, String timezone) {
        return user(w.directory.createUser(org.uri(), name, email, role, timezone, false));
    }

    /** Like {@link #createUser(SandboxOrganization, String, String, Role, String)}; {@code legacyId} gives a 16-character ID. */
    public SandboxUser createUser(SandboxOrganization org, String name, String email, Role role, String timezone,
                                  boolean legacyId) {
        return user(w.directory.createUser(org.uri(), name, email, role, timezone, legacyId));
    }

    /** A current (scoped, confidential) web app; see {@link OAuthAppSpec} for legacy and native apps. */
    public SandboxApp createOAuthApp(String name, List<String> redirectUris) {
        return createOAuthApp(OAuthAppSpec.of(name, redirectUris));
    }

    public SandboxApp createOAuthApp(OAuthAppSpec request) {
        OAuthAppSpec.Snapshot spec = request.snapshot();
        Model.App a = w.directory.createApp(spec.name(), spec.redirectUris(), spec.legacy(), spec.nativeClient(),
                spec.defaultUserUri());
        return new SandboxApp(a.name(), a.clientId(), a.clientSecret(), a.signingKey(), a.redirectUris());
    }

    /** A personal access token with full access (a PAT created before scopes existed). */
    public String createPersonalAccessToken(SandboxUser user) {
        return w.oauth.createPat(user.uuid(), null);
    }

    /** A personal access token limited to {@code scopes} (e.g. "users:read", "webhooks:write"). */
    public String createPersonalAccessToken(SandboxUser user, Set<String> scopes) {
        return w.oauth.createPat(user.uuid(), Set.copyOf(scopes));
    }

    public SandboxEventType createEventType(SandboxUser owner, String name, EventKind kind, Duration duration) {
        return createEventType(EventTypeSpec.of(owner, name, kind, duration));
    }

    /** Creates an event type; emits {@code event_type.created}. */
    public SandboxEventType createEventType(EventTypeSpec spec) {
        return eventType(w.directory.createEventType(spec.snapshot()));
    }

    /** Renames and/or (de)activates; emits {@code event_type.updated}. Null leaves a field alone. */
    public void updateEventType(SandboxEventType et, String newName, Boolean active) {
        w.directory.updateEventType(et.uri(), newName, active);
    }

    /** Deletes (soft); emits {@code event_type.deleted}. */
    public void deleteEventType(SandboxEventType et) {
        w.directory.deleteEventType(et.uri());
    }

    public SandboxRoutingForm createRoutingForm(SandboxOrganization org, String name, List<String> questions) {
        RoutingForm f = w.directory.createRoutingForm(org.uri(), name, questions);
        return new SandboxRoutingForm(f.uuid(), w.uris.of(ROUTING_FORMS, f.uuid()), f.name(),
                w.uris.of(ORGANIZATIONS, f.orgUuid()),
                f.questions().stream().map(Model.RoutingQuestion::name).toList());
    }

    // ---- invitee and host actions ---------------------------------------------------------------

    /** An invitee books; emits {@code invitee.created}. Group event types fill an existing event at that time. */
    public Booking book(BookingRequest request) {
        return booking(w.bookings.book(request.snapshot()));
    }

    /** Cancels one invitee; {@code reason} may be "" or null. Emits {@code invitee.canceled}. */
    public void cancel(String inviteeUri, Canceler canceler, String reason) {
        w.bookings.cancel(inviteeUri, Objects.requireNonNull(canceler, "canceler"), reason);
    }

    /** The host cancels the whole scheduled event: every active invitee gets {@code invitee.canceled}. */
    public void cancelEvent(String eventUri, String reason) {
        w.bookings.cancelEvent(eventUri, reason);
    }

    /** Invitee reschedules; deliveries in the sandbox's default order (cancel first). */
    public Booking reschedule(String inviteeUri, Instant newStart) {
        return reschedule(RescheduleRequest.of(inviteeUri, newStart));
    }

    public Booking reschedule(String inviteeUri, Instant newStart, RescheduleOrder order) {
        return reschedule(RescheduleRequest.of(inviteeUri, newStart).order(order));
    }

    /** Emits {@code invitee.canceled} for the old invitee and {@code invitee.created} for the new one. */
    public Booking reschedule(RescheduleRequest request) {
        return booking(w.bookings.reschedule(request.snapshot()));
    }

    /** Marks a no-show; emits {@code invitee_no_show.created}. Returns the no-show URI. */
    public String markNoShow(String inviteeUri) {
        return w.uris.of(NO_SHOWS, w.bookings.markNoShow(inviteeUri).uuid());
    }

    /** Removes the no-show mark; emits {@code invitee_no_show.deleted}. */
    public void unmarkNoShow(String inviteeUri) {
        w.bookings.unmarkNoShow(inviteeUri);
    }

    /**
     * Submits a routing form (answers by question text); with a booking the invitee is linked to the
     * submission. Emits {@code routing_form_submission.created} (organization subscriptions only).
     * Returns the submission URI.
     */
    public String submitRoutingForm(SandboxRoutingForm form, Map<String, String> answers, BookingRequest booking) {
        RoutingSubmission s = w.bookings.submitRoutingForm(form.uri(), new LinkedHashMap<>(answers), null, booking);
        return w.uris.of(ROUTING_SUBMISSIONS, s.uuid);
    }

    /** Sets the host's meeting notes of a scheduled event ({@code meeting_notes_plain/html}). */
    public void setMeetingNotes(String eventUri, String notes) {
        w.bookings.setMeetingNotes(eventUri, notes);
    }

    // ---- bulk data, single-use links, data compliance -------------------------------------------

    /**
     * Creates many scheduled events at once (for import tests), emitting no webhooks: see
     * {@link SeedRequest}. 250 events take well under a second.
     */
    public SeedResult seed(SeedRequest request) {
        Bookings.Seeded s = w.bookings.seed(Objects.requireNonNull(request, "request").snapshot());
        synchronized (w.store) {
            return new SeedResult(s.events().stream().map(e -> w.uris.of(EVENTS, e.uuid)).toList(),
                    s.invitees().stream().map(i -> w.uris.invitee(i.eventUuid, i.uuid)).toList(), s.canceledEvents());
        }
    }

    /**
     * A single-use scheduling link for an event type, as its owner would get from
     * {@code POST /scheduling_links}; its {@code bookingUrl} can be booked once.
     */
    public SandboxSchedulingLink createSchedulingLink(SandboxEventType eventType) {
        return schedulingLink(w.bookings.createSchedulingLink(eventType.uri(), null).code());
    }

    /** A single-use link by its booking URL (query parameters ignored) or code. */
    public SandboxSchedulingLink schedulingLink(String bookingUrl) {
        String code = Uris.linkCode(bookingUrl)
                .orElseThrow(() -> new NoSuchElementException("not a scheduling link URL: " + bookingUrl));
        Model.SchedulingLink link = w.bookings.schedulingLink(code);
        synchronized (w.store) {
            ObjectNode r = w.renderer.schedulingLink(link);
            Invitee used = link.usedByInviteeUuid() == null ? null : w.store.invitees.get(link.usedByInviteeUuid());
            return new SandboxSchedulingLink(r.get("booking_url").asText(), r.get("owner").asText(),
                    r.get("owner_type").asText(), used == null ? null : w.uris.invitee(used.eventUuid, used.uuid),
                    w.uris.of(USERS, link.creatorUuid()));
        }
    }

    /**
     * An invitee opens {@code bookingUrl} (a single-use link, with any query parameters a sender added)
     * and books {@code start} with the name and e-mail the URL prefilled. Emits {@code invitee.created}.
     *
     * @throws IllegalStateException when the link was used already
     * @throws IllegalArgumentException when the URL prefills no name or e-mail
     */
    public Booking bookViaLink(String bookingUrl, Instant start) {
        return bookViaLink(bookingUrl, start, null, null);
    }

    /**
     * Like {@link #bookViaLink(String, Instant)}, the invitee typing {@code name} and {@code email}
     * over the prefilled ones (null keeps the URL's). UTM parameters and {@code salesforce_uuid} of the
     * URL still end up in the invitee's {@code tracking}.
     */
    public Booking bookViaLink(String bookingUrl, Instant start, String name, String email) {
        String code = Uris.linkCode(bookingUrl)
                .orElseThrow(() -> new NoSuchElementException("not a scheduling link URL: " + bookingUrl));
        BookingRequest.Snapshot r = w.bookings.linkBooking(code, Uris.query(bookingUrl), name, email,
                Objects.requireNonNull(start, "start"), null);
        return booking(w.bookings.bookViaLink(code, r));
    }

    /** Every accepted {@code POST /data_compliance/deletion/invitees}, oldest first. */
    public List<DataComplianceDeletion> dataComplianceDeletions() {
        synchronized (w.store) {
            return w.store.dataDeletions.stream().map(d -> new DataComplianceDeletion(d.emails(),
                    w.uris.of(USERS, d.requestedByUuid()), w.uris.of(ORGANIZATIONS, d.orgUuid()), d.at(),
                    d.inviteesDeleted()))
                    .toList();
        }
    }

    // ---- webhooks -------------------------------------------------------------------------------

    /** Every delivery attempt so far, in the order they finished. */
    public List<DeliveryAttempt> deliveries() {
        return w.deliveries.all();
    }

    /**
     * Waits until at least {@code n} deliveries succeeded (2xx) and returns all successful ones.
     *
     * @throws IllegalStateException on timeout, listing every attempt seen
     */
    public List<DeliveryAttempt> awaitDeliveries(int n, Duration timeout) {
        return w.deliveries.await(DeliveryAttempt::delivered, n, timeout, "successful deliveries");
    }

    /** Waits until at least {@code n} attempts match {@code match}; returns all matching attempts. */
    public List<DeliveryAttempt> awaitAttempts(Predicate<DeliveryAttempt> match, int n, Duration timeout) {
        return w.deliveries.await(match, n, timeout, "matching delivery attempts");
    }

    /** Waits until nothing is queued, in flight or waiting for a retry. */
    public void awaitIdle(Duration timeout) {
        w.deliveries.awaitIdle(timeout);
    }

    public void clearDeliveries() {
        w.deliveries.clear();
    }

    /** {@code "active"} or {@code "disabled"}, or empty when the subscription does not exist. */
    public java.util.Optional<String> subscriptionState(String subscriptionUri) {
        synchronized (w.store) {
            Subscription s = Uris.idIn(subscriptionUri, "webhook_subscriptions").map(w.store.subscriptions::get)
                    .orElse(null);
            return java.util.Optional.ofNullable(s == null ? null : s.state);
        }
    }

    /**
     * Every credential this sandbox issued or was given so far, for tests that check none of them
     * shows where it must not (an API answer, a log): apps' client secrets and signing keys, access
     * and refresh tokens (rotated ones too), personal access tokens, and the signing keys webhook
     * subscriptions were created with (deleted subscriptions' too).
     */
    public List<String> issuedCredentials() {
        synchronized (w.store) {
            List<String> out = new java.util.ArrayList<>();
            w.store.apps.values().forEach(a -> {
                out.add(a.clientSecret());
                out.add(a.signingKey());
            });
            w.store.grantsByAccess.values().forEach(g -> {
                out.add(g.accessToken);
                out.add(g.refreshToken);
            });
            out.addAll(w.store.subscriptionSigningKeys);
            return out.stream().filter(Objects::nonNull).toList();
        }
    }

    // ---- control --------------------------------------------------------------------------------

    public Faults faults() {
        return faults;
    }

    public SandboxStats stats() {
        return stats;
    }

    /** The sandbox's clock (base clock plus {@link #advanceTime} offsets). */
    public Clock clock() {
        return w.clock;
    }

    /**
     * Moves the sandbox's time forward: expires codes, tokens and rate-limit windows, and runs every
     * webhook retry that falls due, without sleeping. Returns once the retries it released have been
     * attempted (each failure schedules the next; those due by then run too), so after
     * {@code advanceTime(Duration.ofHours(30))} a subscription whose target never answered is
     * {@code disabled}. Delivery signatures keep the base clock's time.
     *
     * @throws IllegalStateException if released deliveries are still running after two minutes
     */
    public void advanceTime(Duration by) {
        w.clock.advance(by);
        w.dispatcher.releaseDue();
    }

    /** Lifetime of access tokens issued from now on. */
    public void accessTokenLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive");
        }
        w.settings.accessTokenLifetime = lifetime;
    }

    /**
     * API requests per user per minute for every plan, instead of the plan's own limit (500 paid, 50
     * Free); {@code null} restores the plan's. Each user has a window of its own, so one user's 429s
     * never touch another's requests.
     */
    public void apiRateLimit(Integer requestsPerMinute) {
        if (requestsPerMinute != null && requestsPerMinute < 1) {
            throw new IllegalArgumentException("requestsPerMinute must be >= 1, was " + requestsPerMinute);
        }
        w.settings.apiRequestsPerMinute = requestsPerMinute;
    }

    public void autoApprove(boolean autoApprove) {
        w.settings.autoApprove = autoApprove;
    }

    public void signingKeyPolicy(SigningKeyPolicy policy) {
        w.settings.signingKeyPolicy = Objects.requireNonNull(policy, "policy");
    }

    public void enforceScopes(boolean enforce) {
        w.settings.enforceScopes = enforce;
    }

    // ---- lookups --------------------------------------------------------------------------------

    public List<SandboxOrganization> organizations() {
        synchronized (w.store) {
            return w.store.orgs.values().stream().map(this::org).toList();
        }
    }

    public List<SandboxUser> users() {
        synchronized (w.store) {
            return w.store.users.values().stream().map(this::user).toList();
        }
    }

    public List<SandboxEventType> eventTypes() {
        synchronized (w.store) {
            return w.store.eventTypes.values().stream().filter(e -> e.deletedAt == null).map(this::eventType).toList();
        }
    }

    /** A user by URI, UUID or e-mail. */
    public SandboxUser user(String ref) {
        return user(w.directory.user(ref));
    }

    public SandboxOrganization organization(String ref) {
        return org(w.directory.org(ref));
    }

    public SandboxEventType eventType(String ref) {
        return eventType(w.directory.eventType(ref));
    }

    /** The booking (invitee + event) behind an invitee URI. */
    public Booking booking(String inviteeUri) {
        return booking(w.bookings.invitee(inviteeUri));
    }

    private SandboxOrganization org(Org o) {
        return new SandboxOrganization(o.uuid, w.uris.of(ORGANIZATIONS, o.uuid), o.name, o.plan);
    }

    private SandboxUser user(User u) {
        return new SandboxUser(u.uuid, w.uris.of(USERS, u.uuid), u.name, u.email, u.role, u.timezone,
                w.uris.of(ORGANIZATIONS, u.orgUuid), w.uris.of(MEMBERSHIPS, u.membershipUuid));
    }

    private SandboxEventType eventType(EventType e) {
        String ownerSlug;
        synchronized (w.store) {
            ownerSlug = w.store.user(e.ownerUuid).slug;
        }
        return new SandboxEventType(e.uuid, w.uris.of(EVENT_TYPES, e.uuid), e.name, w.uris.of(USERS, e.ownerUuid),
                e.kind, e.duration, e.location, w.uris.schedulingUrl(ownerSlug + "/" + e.slug));
    }

    private Booking booking(Invitee i) {
        if (i == null) {
            throw new NoSuchElementException("no invitee");
        }
        return new Booking(w.uris.invitee(i.eventUuid, i.uuid), w.uris.of(EVENTS, i.eventUuid), i.uuid, i.eventUuid,
                w.uris.of(CANCELLATIONS, i.uuid), w.uris.of(RESCHEDULINGS, i.uuid));
    }
}
