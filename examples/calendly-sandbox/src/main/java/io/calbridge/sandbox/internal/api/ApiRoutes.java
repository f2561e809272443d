package io.calbridge.sandbox.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.booking.Bookings;
import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.http.ApiError.Detail;
import io.calbridge.sandbox.internal.http.Http;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.json.Renderer;
import io.calbridge.sandbox.internal.oauth.Principal;
import io.calbridge.sandbox.internal.state.Model;
import io.calbridge.sandbox.internal.state.Model.EventType;
import io.calbridge.sandbox.internal.state.Model.Invitee;
import io.calbridge.sandbox.internal.state.Model.NoShow;
import io.calbridge.sandbox.internal.state.Model.Org;
import io.calbridge.sandbox.internal.state.Model.RoutingForm;
import io.calbridge.sandbox.internal.state.Model.RoutingSubmission;
import io.calbridge.sandbox.internal.state.Model.ScheduledEvent;
import io.calbridge.sandbox.internal.state.Model.Subscription;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Uris;
import io.calbridge.sandbox.internal.webhook.Subscriptions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The Calendly API v2 endpoints the sandbox serves. Authentication happens in {@code SandboxServer}. */
public record ApiRoutes(Store store, Renderer renderer, Bookings bookings, Subscriptions subscriptions, Clock clock,
                        Pager pager) {
    public static final String PRINCIPAL = "calbridge.sandbox.principal";

    public void register(RoutesConfig r) {
        r.get("/users/me", this::me);
        r.get("/users/{uuid}", this::user);
        r.get("/organizations/{uuid}", this::organization);
        r.get("/organization_memberships", this::memberships);
        r.get("/organization_memberships/{uuid}", this::membership);
        r.get("/event_types", this::eventTypes);
        r.get("/event_types/{uuid}", this::eventType);
        r.get("/scheduled_events", this::events);
        r.get("/scheduled_events/{uuid}", this::event);
        r.get("/scheduled_events/{uuid}/invitees", this::invitees);
        r.get("/scheduled_events/{uuid}/invitees/{invitee}", this::invitee);
        r.post("/scheduled_events/{uuid}/cancellation", this::cancelEvent);
        r.post("/scheduling_links", this::createSchedulingLink);
        r.post("/data_compliance/deletion/invitees", this::deleteInviteeData);
        r.post("/invitee_no_shows", this::createNoShow);
        r.get("/invitee_no_shows/{uuid}", this::noShow);
        r.delete("/invitee_no_shows/{uuid}", this::deleteNoShow);
        r.post("/webhook_subscriptions", this::createSubscription);
        r.get("/webhook_subscriptions", this::subscriptions);
        r.get("/webhook_subscriptions/{uuid}", this::subscription);
        r.delete("/webhook_subscriptions/{uuid}", this::deleteSubscription);
        r.get("/routing_forms", this::routingForms);
        r.get("/routing_forms/{uuid}", this::routingForm);
        r.get("/routing_form_submissions", this::routingSubmissions);
        r.get("/routing_form_submissions/{uuid}", this::routingSubmission);
    }

    private static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw ApiError.unauthenticated("The access token is invalid");
        }
        return p;
    }

    /** The caller, who must hold {@code scope}. */
    private static Principal principal(Context ctx, String scope) {
        Principal p = principal(ctx);
        p.require(scope);
        return p;
    }

    private String base() {
        return renderer.uris().base();
    }

    // ---- users and organizations ----------------------------------------------------------------

    private void me(Context ctx) {
        read(ctx, "users:read", p -> renderer.user(caller(p)));
    }

    private void user(Context ctx) {
        read(ctx, "users:read", p -> {
            User u = found(store.users.get(ctx.pathParam("uuid")));
            requireCallersOrganization(p, u.orgUuid);
            return renderer.user(u);
        });
    }

    private void organization(Context ctx) {
        read(ctx, "organizations:read", p -> {
            Org org = found(store.orgs.get(ctx.pathParam("uuid")));
            requireCallersOrganization(p, org.uuid);
            return renderer.organization(org);
        });
    }

    private void memberships(Context ctx) {
        Principal p = principal(ctx, "organizations:read");
        Map<String, List<String>> q = ctx.queryParamMap();
        String orgRef = Pager.first(q, "organization");
        String userRef = Pager.first(q, "user");
        String email = Pager.first(q, "email");
        requireOrganizationOrUser(orgRef, userRef);
        Comparator<User> order = Comparator.comparing((User u) -> u.createdAt).thenComparing(u -> u.uuid);
        collection(ctx, "/organization_memberships", q, order, renderer::membership, () -> {
            User caller = caller(p);
            String orgUuid = orgRef == null ? null : id(orgRef, "organizations", "organization");
            String userUuid = userRef == null ? null : id(userRef, "users", "user");
            requireCallersOrganization(caller, orgUuid, userUuid);
            return store.users.values().stream()
                    .filter(u -> u.orgUuid.equals(caller.orgUuid))
                    .filter(u -> userUuid == null || u.uuid.equals(userUuid))
                    .filter(u -> email == null || u.email.equalsIgnoreCase(email));
        });
    }

    private void membership(Context ctx) {
        read(ctx, "organizations:read", p -> {
            User u = store.userByMembership(ctx.pathParam("uuid")).orElseThrow(ApiError::notFound);
            requireCallersOrganization(p, u.orgUuid);
            return renderer.membership(u);
        });
    }

    private static void requireOrganizationOrUser(String orgRef, String userRef) {
        if (orgRef == null && userRef == null) {
            throw ApiError.invalidArguments(List.of(new Detail("organization", "organization or user is required"),
                    new Detail("user", "organization or user is required")));
        }
    }

    private void requireCallersOrganization(Principal p, String orgUuid) {
        if (!orgUuid.equals(caller(p).orgUuid)) {
            throw ApiError.permissionDenied();
        }
    }

    /** Listing by organization or user is allowed only inside the caller's own organization. */
    private void requireCallersOrganization(User caller, String orgUuid, String userUuid) {
        if (orgUuid != null && !orgUuid.equals(caller.orgUuid)) {
            throw ApiError.permissionDenied();
        }
        if (userUuid != null) {
            User target = store.users.get(userUuid);
            if (target == null) {
                throw ApiError.invalidArgument("user", "is not a valid user URI");
            }
            if (!target.orgUuid.equals(caller.orgUuid)) {
                throw ApiError.permissionDenied();
            }
        }
    }

    // ---- event types ----------------------------------------------------------------------------

    private void eventTypes(Context ctx) {
        Principal p = principal(ctx, "event_types:read");
        Map<String, List<String>> q = ctx.queryParamMap();
        String orgRef = Pager.first(q, "organization");
        String userRef = Pager.first(q, "user");
        requireOrganizationOrUser(orgRef, userRef);
        String active = Pager.first(q, "active");
        if (active != null && !active.equals("true") && !active.equals("false")) {
            throw ApiError.invalidArgument("active", "must be true or false");
        }
        Comparator<EventType> order = eventTypeOrder(Pager.first(q, "sort"));
        collection(ctx, "/event_types", q, order, et -> renderer.eventType(et, false), () -> {
            User caller = caller(p);
            String orgUuid = orgRef == null ? null : id(orgRef, "organizations", "organization");
            String userUuid = userRef == null ? null : id(userRef, "users", "user");
            requireCallersOrganization(caller, orgUuid, userUuid);
            return store.eventTypes.values().stream()
                    .filter(et -> et.deletedAt == null)
                    .filter(et -> store.user(et.ownerUuid).orgUuid.equals(caller.orgUuid))
                    .filter(et -> userUuid == null || et.ownerUuid.equals(userUuid))
                    .filter(et -> active == null || et.active == Boolean.parseBoolean(active));
        });
    }

    private static Comparator<EventType> eventTypeOrder(String sort) {
        String s = sort == null ? "name:asc" : sort;
        String[] parts = s.split(":");
        Comparator<EventType> c = switch (parts[0]) {
            case "name" -> Comparator.comparing((EventType e) -> e.name.toLowerCase());
            case "position" -> Comparator.comparingInt((EventType e) -> e.position);
            case "created_at" -> Comparator.comparing((EventType e) -> e.createdAt);
            case "updated_at" -> Comparator.comparing((EventType e) -> e.updatedAt);
            default -> throw ApiError.invalidArgument("sort", "must be name, position, created_at or updated_at with :asc or :desc");
        };
        c = c.thenComparing(e -> e.uuid);
        if (parts.length > 2 || (parts.length == 2 && !parts[1].equals("asc") && !parts[1].equals("desc"))) {
            throw ApiError.invalidArgument("sort", "direction must be asc or desc");
        }
        return parts.length == 2 && parts[1].equals("desc") ? c.reversed() : c;
    }

    private void eventType(Context ctx) {
        read(ctx, "event_types:read", p -> {
            EventType et = found(store.eventTypes.get(ctx.pathParam("uuid")));
            requireCallersOrganization(p, store.user(et.ownerUuid).orgUuid);
            return renderer.eventType(et, false);
        });
    }

    // ---- scheduled events and invitees ----------------------------------------------------------

    private void events(Context ctx) {
        Principal p = principal(ctx, "scheduled_events:read");
        Map<String, List<String>> q = ctx.queryParamMap();
        String orgRef = Pager.first(q, "organization");
        String userRef = Pager.first(q, "user");
        if (Pager.first(q, "group") != null) {
            throw ApiError.invalidArgument("group", "groups are not supported by the sandbox");
        }
        requireOrganizationOrUser(orgRef, userRef);
        String status = status(q);
        Instant min = instant(q, "min_start_time");
        Instant max = instant(q, "max_start_time");
        String inviteeEmail = Pager.first(q, "invitee_email");
        String sort = Pager.first(q, "sort") == null ? "start_time:asc" : Pager.first(q, "sort");
        Comparator<ScheduledEvent> byStart = Comparator.comparing((ScheduledEvent e) -> e.start)
                .thenComparing(e -> e.createdAt).thenComparing(e -> e.uuid);
        Comparator<ScheduledEvent> byCreation = Comparator.comparing((ScheduledEvent e) -> e.createdAt)
                .thenComparing(e -> e.uuid);
        Comparator<ScheduledEvent> order = switch (sort) {
            case "start_time:asc" -> byStart;
            case "start_time:desc" -> byStart.reversed();
            case "created_at:asc" -> byCreation;
            case "created_at:desc" -> byCreation.reversed();
            default -> throw ApiError.invalidArgument("sort", "must be start_time:asc or start_time:desc");
        };
        collection(ctx, "/scheduled_events", q, order, renderer::eventForApi, () -> {
            User caller = caller(p);
            String orgUuid = orgRef == null ? null : id(orgRef, "organizations", "organization");
            String userUuid = userRef == null ? null : id(userRef, "users", "user");
            if (orgUuid != null && (!orgUuid.equals(caller.orgUuid) || !caller.role.isAdmin())) {
                throw ApiError.permissionDenied();
            }
            if (userUuid != null && !userUuid.equals(caller.uuid)) {
                User target = store.users.get(userUuid);
                if (target == null) {
                    throw ApiError.invalidArgument("user", "is not a valid user URI");
                }
                if (!caller.role.isAdmin() || !target.orgUuid.equals(caller.orgUuid)) {
                    throw ApiError.permissionDenied();
                }
            }
            Stream<ScheduledEvent> s = store.events.values().stream();
            if (orgUuid != null) {
                s = s.filter(e -> e.orgUuid.equals(orgUuid));
            }
            if (userUuid != null) {
                s = s.filter(e -> e.hostUuids.contains(userUuid));
            }
            return s
                    .filter(e -> status == null || e.status.equals(status))
                    .filter(e -> min == null || !e.start.isBefore(min))
                    .filter(e -> max == null || e.start.isBefore(max))
                    .filter(e -> inviteeEmail == null || store.inviteesOf(e.uuid).stream()
                            .anyMatch(i -> i.email.equalsIgnoreCase(inviteeEmail)));
        });
    }

    private static String required(Map<String, List<String>> q, String key) {
        String v = Pager.first(q, key);
        if (v == null) {
            throw ApiError.invalidArgument(key, "is required");
        }
        return v;
    }

    /** {@code status=active|canceled} of events and invitees, or null for both. */
    private static String status(Map<String, List<String>> q) {
        String status = Pager.first(q, "status");
        if (status != null && !status.equals("active") && !status.equals("canceled")) {
            throw ApiError.invalidArgument("status", "must be active or canceled");
        }
        return status;
    }

    private static Instant instant(Map<String, List<String>> q, String key) {
        String v = Pager.first(q, key);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiError.invalidArgument(key, "must be a UTC time such as 2020-01-02T03:04:05.678123Z");
        }
    }

    private ScheduledEvent visibleEvent(Principal p, String uuid) {
        ScheduledEvent ev = found(store.events.get(uuid));
        if (!hostOrOrgAdmin(caller(p), ev)) {
            throw ApiError.permissionDenied();
        }
        return ev;
    }

    /** Who may see and act on a scheduled event: one of its hosts, or an admin of its organization. */
    private static boolean hostOrOrgAdmin(User caller, ScheduledEvent ev) {
        return ev.hostUuids.contains(caller.uuid) || (caller.role.isAdmin() && ev.orgUuid.equals(caller.orgUuid));
    }

    private void event(Context ctx) {
        read(ctx, "scheduled_events:read", p -> renderer.eventForApi(visibleEvent(p, ctx.pathParam("uuid"))));
    }

    private void invitees(Context ctx) {
        Principal p = principal(ctx, "scheduled_events:read");
        Map<String, List<String>> q = ctx.queryParamMap();
        String status = status(q);
        String email = Pager.first(q, "email");
        String sort = Pager.first(q, "sort") == null ? "created_at:asc" : Pager.first(q, "sort");
        Comparator<Invitee> order = createdOrder(sort, (Invitee i) -> i.createdAt, i -> i.uuid);
        collection(ctx, "/scheduled_events/" + ctx.pathParam("uuid") + "/invitees", q, order, renderer::invitee, () -> {
            ScheduledEvent ev = visibleEvent(p, ctx.pathParam("uuid"));
            return store.inviteesOf(ev.uuid).stream()
                    .filter(i -> status == null || i.status.equals(status))
                    .filter(i -> email == null || i.email.equalsIgnoreCase(email));
        });
    }

    private void invitee(Context ctx) {
        read(ctx, "scheduled_events:read", p -> {
            ScheduledEvent ev = visibleEvent(p, ctx.pathParam("uuid"));
            Invitee inv = store.invitees.get(ctx.pathParam("invitee"));
            if (inv == null || !inv.eventUuid.equals(ev.uuid)) {
                throw ApiError.notFound();
            }
            return renderer.invitee(inv);
        });
    }

    /** Reasons longer than this are refused, as Calendly's API reference says ({@code maxLength: 10000}). */
    private static final int MAX_REASON_LENGTH = 10_000;

    private void cancelEvent(Context ctx) {
        Principal p = principal(ctx, "scheduled_events:write");
        JsonNode body = Http.jsonBody(ctx);
        JsonNode reasonNode = body.get("reason");
        if (reasonNode != null && !reasonNode.isNull() && !reasonNode.isTextual()) {
            throw ApiError.invalidArgument("reason", "must be a string");
        }
        String reason = reasonNode == null || reasonNode.isNull() ? null : reasonNode.asText();
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw ApiError.invalidArgument("reason", "must be at most " + MAX_REASON_LENGTH + " characters");
        }
        String uuid = ctx.pathParam("uuid");
        String callerUuid;
        synchronized (store) {
            ScheduledEvent ev = found(store.events.get(uuid));
            User caller = caller(p);
            callerUuid = caller.uuid;
            if (!hostOrOrgAdmin(caller, ev)) {
                throw ApiError.permissionDenied("You are not allowed to cancel this event");
            }
            if (!"active".equals(ev.status)) {
                throw ApiError.permissionDenied("Event is already canceled");
            }
            if (ev.start.isBefore(clock.instant())) {
                throw ApiError.permissionDenied("Event in the past");
            }
        }
        try {
            bookings.cancelEvent(uuid, reason, callerUuid);
        } catch (IllegalStateException raced) {
            throw ApiError.permissionDenied("Event is already canceled");
        }
        synchronized (store) {
            Http.resource(ctx, 201, renderer.cancellation(store.events.get(uuid).cancellation));
        }
    }

    // ---- single-use scheduling links ------------------------------------------------------------

    private void createSchedulingLink(Context ctx) {
        Principal p = principal(ctx, "scheduling_links:write");
        JsonNode body = Http.jsonBody(ctx);
        List<Detail> problems = new ArrayList<>();
        JsonNode max = body.get("max_event_count");
        if (max == null || max.isNull()) {
            problems.add(new Detail("max_event_count", "is required"));
        } else if (!max.isIntegralNumber() || max.asInt() != 1) {
            problems.add(new Detail("max_event_count", "must be 1"));
        }
        JsonNode ownerType = body.get("owner_type");
        if (ownerType == null || ownerType.isNull()) {
            problems.add(new Detail("owner_type", "is required"));
        } else if (!"EventType".equals(ownerType.asText())) {
            problems.add(new Detail("owner_type", "must be EventType"));
        }
        JsonNode owner = body.get("owner");
        String eventTypeUuid = null;
        if (owner == null || owner.isNull() || owner.asText().isBlank()) {
            problems.add(new Detail("owner", "is required"));
        } else {
            eventTypeUuid = Uris.idIn(owner.asText(), "event_types").orElse(null);
            if (eventTypeUuid == null) {
                problems.add(new Detail("owner", "must be an event type URI"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiError.invalidArguments(problems);
        }
        Model.SchedulingLink link;
        synchronized (store) {
            EventType et = store.eventTypes.get(eventTypeUuid);
            if (et == null || et.deletedAt != null) {
                throw ApiError.notFound();
            }
            User caller = caller(p);
            User owningUser = store.user(et.ownerUuid);
            boolean allowed = et.ownerUuid.equals(caller.uuid)
                    || (caller.role.isAdmin() && owningUser.orgUuid.equals(caller.orgUuid));
            if (!allowed) {
                throw ApiError.permissionDenied();
            }
            if (!et.active) {
                throw ApiError.invalidArgument("owner", "the event type is not active");
            }
            link = bookings.createSchedulingLink(et.uuid, caller.uuid);
            Http.resource(ctx, 201, renderer.schedulingLink(link));
        }
    }

    // ---- data compliance ------------------------------------------------------------------------

    private void deleteInviteeData(Context ctx) {
        Principal p = principal(ctx, "data_compliance:write");
        User caller;
        synchronized (store) {
            caller = caller(p);
            if (store.orgs.get(caller.orgUuid).plan != Plan.ENTERPRISE) {
                throw ApiError.permissionDenied("Please upgrade your Calendly account to Enterprise.");
            }
            if (!caller.role.isAdmin()) {
                throw ApiError.permissionDenied("You must be an admin/owner with the data requests permission enabled "
                        + "to use this resource. Contact Calendly support and ask them to grant you data requests "
                        + "permission.");
            }
        }
        JsonNode emails = Http.jsonBody(ctx).get("emails");
        if (emails == null || emails.isNull()) {
            throw ApiError.invalidArgument("emails", "is required");
        }
        if (!emails.isArray() || emails.isEmpty()) {
            throw ApiError.invalidArgument("emails", "must be a non-empty array of e-mail addresses");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode e : emails) {
            if (!e.isTextual() || !e.asText().matches("[^@\\s]+@[^@\\s]+")) {
                throw ApiError.invalidArgument("emails", "'" + e.asText() + "' is not an e-mail address");
            }
            list.add(e.asText());
        }
        bookings.deleteInviteeData(caller.orgUuid, caller.uuid, list);
        Http.json(ctx, 202, CalendlyJson.object(), CalendlyJson.Style.API);
    }

    // ---- no-shows -------------------------------------------------------------------------------

    private void createNoShow(Context ctx) {
        Principal p = principal(ctx, "scheduled_events:write");
        JsonNode body = Http.jsonBody(ctx);
        String ref = body.hasNonNull("invitee") ? body.get("invitee").asText() : null;
        if (ref == null || ref.isBlank()) {
            throw ApiError.invalidArgument("invitee", "is required");
        }
        String[] ids = Uris.inviteeIds(ref).orElseThrow(() -> ApiError.invalidArgument("invitee", "must be an invitee URI"));
        synchronized (store) {
            Invitee inv = found(store.invitees.get(ids[1]));
            visibleEvent(p, inv.eventUuid);
            if (inv.noShowUuid != null) {
                throw ApiError.invalidArgument("invitee", "is already marked as a no-show");
            }
        }
        NoShow ns = bookings.markNoShow(ids[1]);
        synchronized (store) {
            Http.resource(ctx, 201, renderer.noShow(ns));
        }
    }

    private NoShow visibleNoShow(Principal p, String uuid) {
        NoShow ns = found(store.noShows.get(uuid));
        visibleEvent(p, store.invitees.get(ns.inviteeUuid()).eventUuid);
        return ns;
    }

    private void noShow(Context ctx) {
        read(ctx, "scheduled_events:read", p -> renderer.noShow(visibleNoShow(p, ctx.pathParam("uuid"))));
    }

    private void deleteNoShow(Context ctx) {
        Principal p = principal(ctx, "scheduled_events:write");
        String uuid = ctx.pathParam("uuid");
        synchronized (store) {
            visibleNoShow(p, uuid);
        }
        try {
            bookings.deleteNoShow(uuid);
        } catch (NoSuchElementException e) {
            throw ApiError.notFound();
        }
        ctx.status(204);
    }

    // ---- webhook subscriptions ------------------------------------------------------------------

    private void createSubscription(Context ctx) {
        Principal p = principal(ctx);
        Subscription s = subscriptions.create(p, Http.jsonBody(ctx));
        synchronized (store) {
            ctx.header("Location", renderer.uris().of(Uris.Resource.SUBSCRIPTIONS, s.uuid));
            Http.resource(ctx, 201, renderer.subscription(s));
        }
    }

    private void subscriptions(Context ctx) {
        Principal p = principal(ctx);
        Map<String, List<String>> q = ctx.queryParamMap();
        Pager.count(q);
        List<Subscription> all = subscriptions.list(p, q);
        collection(ctx, "/webhook_subscriptions", q, subscriptions.order(Pager.first(q, "sort")), renderer::subscription,
                all::stream);
    }

    private void subscription(Context ctx) {
        Principal p = principal(ctx);
        Subscription s = subscriptions.get(p, ctx.pathParam("uuid"));
        synchronized (store) {
            Http.resource(ctx, 200, renderer.subscription(s));
        }
    }

    private void deleteSubscription(Context ctx) {
        subscriptions.delete(principal(ctx), ctx.pathParam("uuid"));
        ctx.status(204);
    }

    // ---- routing forms --------------------------------------------------------------------------

    private void routingForms(Context ctx) {
        Principal p = principal(ctx, "routing_forms:read");
        Map<String, List<String>> q = ctx.queryParamMap();
        String orgRef = required(q, "organization");
        collection(ctx, "/routing_forms", q, createdOrder(Pager.first(q, "sort"), (RoutingForm f) -> f.createdAt(),
                f -> f.uuid()), renderer::routingForm, () -> {
            String orgUuid = id(orgRef, "organizations", "organization");
            requireCallersOrganization(p, orgUuid);
            return store.routingForms.values().stream().filter(f -> f.orgUuid().equals(orgUuid));
        });
    }

    private RoutingForm visibleForm(Principal p, String uuid) {
        RoutingForm f = found(store.routingForms.get(uuid));
        requireCallersOrganization(p, f.orgUuid());
        return f;
    }

    private void routingForm(Context ctx) {
        read(ctx, "routing_forms:read", p -> renderer.routingForm(visibleForm(p, ctx.pathParam("uuid"))));
    }

    private void routingSubmissions(Context ctx) {
        Principal p = principal(ctx, "routing_forms:read");
        Map<String, List<String>> q = ctx.queryParamMap();
        String formRef = required(q, "form");
        collection(ctx, "/routing_form_submissions", q, createdOrder(Pager.first(q, "sort"),
                (RoutingSubmission s) -> s.createdAt, s -> s.uuid), renderer::routingSubmission, () -> {
            RoutingForm f = visibleForm(p, id(formRef, "routing_forms", "form"));
            return store.routingSubmissions.values().stream().filter(s -> s.formUuid.equals(f.uuid()));
        });
    }

    private void routingSubmission(Context ctx) {
        read(ctx, "routing_forms:read", p -> {
            RoutingSubmission s = found(store.routingSubmissions.get(ctx.pathParam("uuid")));
            visibleForm(p, s.formUuid);
            return renderer.routingSubmission(s);
        });
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** One resource, 200: the caller must hold {@code scope}; {@code resource} runs under the store's lock. */
    private void read(Context ctx, String scope, Function<Principal, ObjectNode> resource) {
        Principal p = principal(ctx, scope);
        synchronized (store) {
            Http.resource(ctx, 200, resource.apply(p));
        }
    }

    /** A page of a collection, 200: {@code matching} runs under the store's lock, {@code order} sorts it. */
    private <T> void collection(Context ctx, String path, Map<String, List<String>> q, Comparator<T> order,
                                Function<T, ObjectNode> render, Supplier<Stream<T>> matching) {
        List<ObjectNode> rendered;
        Pager.Page<T> page;
        synchronized (store) {
            page = pager.page(base(), path, q, matching.get().sorted(order).toList(), order);
            rendered = page.items().stream().map(render).toList();
        }
        Http.collection(ctx, rendered, page.pagination());
    }

    private static <T> T found(T resource) {
        if (resource == null) {
            throw ApiError.notFound();
        }
        return resource;
    }

    /** {@code sort=created_at:asc|desc} (default asc), ties broken by UUID so that cursors are exact. */
    private static <T> Comparator<T> createdOrder(String sort, Function<T, Instant> createdAt,
                                                  Function<T, String> uuid) {
        Comparator<T> order = Comparator.comparing(createdAt).thenComparing(uuid);
        if (sort == null || sort.equals("created_at:asc")) {
            return order;
        }
        if (sort.equals("created_at:desc")) {
            return order.reversed();
        }
        throw ApiError.invalidArgument("sort", "must be created_at:asc or created_at:desc");
    }

    private User caller(Principal p) {
        return store.user(p.userUuid());
    }

    private static String id(String ref, String collection, String param) {
        return Uris.idIn(ref, collection)
                .orElseThrow(() -> ApiError.invalidArgument(param, "is not a valid " + param + " URI"));
    }
}
