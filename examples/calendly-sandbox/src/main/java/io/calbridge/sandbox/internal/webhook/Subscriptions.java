package io.calbridge.sandbox.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.http.ApiError.Detail;
import io.calbridge.sandbox.internal.oauth.Principal;
import io.calbridge.sandbox.internal.state.Ids;
import io.calbridge.sandbox.internal.state.Model.Org;
import io.calbridge.sandbox.internal.state.Model.Subscription;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.SandboxClock;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Times;
import io.calbridge.sandbox.internal.state.Uris;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The rules of {@code /webhook_subscriptions}: who may subscribe to what, and 409 on duplicates. */
public final class Subscriptions {
    public static final List<String> EVENTS = List.of("invitee.created", "invitee.canceled",
            "invitee_no_show.created", "invitee_no_show.deleted", "routing_form_submission.created",
            "event_type.created", "event_type.updated", "event_type.deleted");

    /** Read scope a token needs to receive each event's payload. */
    private static final Map<String, String> READ_SCOPE = Map.of(
            "invitee.created", "scheduled_events:read",
            "invitee.canceled", "scheduled_events:read",
            "invitee_no_show.created", "scheduled_events:read",
            "invitee_no_show.deleted", "scheduled_events:read",
            "routing_form_submission.created", "routing_forms:read",
            "event_type.created", "event_types:read",
            "event_type.updated", "event_types:read",
            "event_type.deleted", "event_types:read");

    private final Store store;
    private final SandboxClock clock;

    public Subscriptions(Store store, SandboxClock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Subscription create(Principal p, JsonNode body) {
        p.require("webhooks:write");
        if (body == null || !body.isObject()) {
            throw ApiError.invalidArgument(null, "the request body must be a JSON object");
        }
        List<Detail> problems = new ArrayList<>();
        String url = text(body, "url");
        if (url == null) {
            problems.add(new Detail("url", "is required"));
        } else if (!isHttpUrl(url)) {
            problems.add(new Detail("url", "must be a valid http(s) URL"));
        }
        List<String> events = new ArrayList<>();
        JsonNode ev = body.get("events");
        if (ev == null || !ev.isArray() || ev.isEmpty()) {
            problems.add(new Detail("events", "is required and must be a non-empty array"));
        } else {
            for (JsonNode e : ev) {
                if (!e.isTextual() || !EVENTS.contains(e.asText())) {
                    problems.add(new Detail("events", "'" + e.asText() + "' is not one of " + EVENTS));
                } else if (!events.contains(e.asText())) {
                    events.add(e.asText());
                }
            }
        }
        String orgRef = text(body, "organization");
        String scope = text(body, "scope");
        if (orgRef == null) {
            problems.add(new Detail("organization", "is required"));
        }
        if (scope == null) {
            problems.add(new Detail("scope", "is required"));
        } else if (scope.equals("group")) {
            problems.add(new Detail("scope", "group scope is not supported by the sandbox"));
        } else if (!scope.equals("user") && !scope.equals("organization")) {
            problems.add(new Detail("scope", "must be one of organization, user, group"));
        }
        String userRef = text(body, "user");
        if ("user".equals(scope) && userRef == null) {
            problems.add(new Detail("user", "is required when scope is user"));
        }
        if ("user".equals(scope) && events.contains("routing_form_submission.created")) {
            problems.add(new Detail("events", "routing_form_submission.created is only available with organization scope"));
        }
        JsonNode keyNode = body.get("signing_key");
        if (keyNode != null && !keyNode.isNull() && (!keyNode.isTextual() || keyNode.asText().isEmpty())) {
            problems.add(new Detail("signing_key", "must be a non-empty string"));
        }
        refuseAny(problems);
        synchronized (store) {
            User caller = store.user(p.userUuid());
            Org org = callersOrg(caller, orgRef);
            if (!org.plan.paid()) {
                throw ApiError.upgradePlan();
            }
            String userUuid = null;
            if (scope.equals("organization")) {
                if (!caller.role.isAdmin()) {
                    throw ApiError.permissionDenied();
                }
            } else {
                userUuid = Uris.idIn(userRef, "users").orElse(null);
                User target = userUuid == null ? null : store.users.get(userUuid);
                if (target == null) {
                    throw ApiError.invalidArgument("user", "is not a user of this organization");
                }
                if (!target.orgUuid.equals(org.uuid)) {
                    throw ApiError.invalidArgument("user", "is not a user of this organization");
                }
                if (!target.uuid.equals(caller.uuid) && !caller.role.isAdmin()) {
                    throw ApiError.permissionDenied();
                }
            }
            for (String e : events) {
                String needed = READ_SCOPE.get(e);
                if (!p.has(needed)) {
                    throw ApiError.missingScope(needed);
                }
            }
            String finalUser = userUuid;
            boolean exists = store.subscriptions.values().stream().anyMatch(s -> s.callbackUrl.equals(url)
                    && s.scope.equals(scope) && s.orgUuid.equals(org.uuid)
                    && (finalUser == null ? s.userUuid == null : finalUser.equals(s.userUuid)));
            if (exists) {
                throw ApiError.alreadyExists("Hook with this url already exists");
            }
            String key = keyNode == null || keyNode.isNull() ? null : keyNode.asText();
            Subscription s = new Subscription(Ids.uuid(), url, events, scope, org.uuid, userUuid, caller.uuid, key,
                    p.access().pat() ? null : p.clientId(), Times.micro(clock.instant()));
            store.subscriptions.put(s.uuid, s);
            if (key != null) {
                store.subscriptionSigningKeys.add(key);
            }
            return s;
        }
    }

    public List<Subscription> list(Principal p, Map<String, List<String>> query) {
        p.require("webhooks:read");
        String orgRef = first(query, "organization");
        String scope = first(query, "scope");
        List<Detail> problems = new ArrayList<>();
        if (orgRef == null) {
            problems.add(new Detail("organization", "is required"));
        }
        if (scope == null) {
            problems.add(new Detail("scope", "is required"));
        } else if (!List.of("user", "organization", "group").contains(scope)) {
            problems.add(new Detail("scope", "must be one of organization, user, group"));
        }
        String userRef = first(query, "user");
        if ("user".equals(scope) && userRef == null) {
            problems.add(new Detail("user", "is required when scope is user"));
        }
        String sort = first(query, "sort");
        if (sort != null && !sort.equals("created_at:asc") && !sort.equals("created_at:desc")) {
            problems.add(new Detail("sort", "must be created_at:asc or created_at:desc"));
        }
        refuseAny(problems);
        synchronized (store) {
            User caller = store.user(p.userUuid());
            Org org = callersOrg(caller, orgRef);
            String userUuid = userRef == null ? null : Uris.idIn(userRef, "users").orElse(null);
            if (scope.equals("organization") && !caller.role.isAdmin()) {
                throw ApiError.permissionDenied();
            }
            if (scope.equals("user") && !caller.uuid.equals(userUuid) && !caller.role.isAdmin()) {
                throw ApiError.permissionDenied();
            }
            Comparator<Subscription> order = order(sort);
            return store.subscriptions.values().stream()
                    .filter(s -> s.orgUuid.equals(org.uuid) && s.scope.equals(scope))
                    .filter(s -> !scope.equals("user") || s.userUuid.equals(userUuid))
                    .sorted(order).toList();
        }
    }

    /** The listing order for {@code sort} ({@code created_at:asc} by default), ties broken by UUID. */
    public Comparator<Subscription> order(String sort) {
        Comparator<Subscription> order = Comparator.comparing((Subscription s) -> s.createdAt).thenComparing(s -> s.uuid);
        return "created_at:desc".equals(sort) ? order.reversed() : order;
    }

    public Subscription get(Principal p, String uuid) {
        p.require("webhooks:read");
        synchronized (store) {
            return visible(p, uuid);
        }
    }

    public void delete(Principal p, String uuid) {
        p.require("webhooks:write");
        synchronized (store) {
            visible(p, uuid);
            store.subscriptions.remove(uuid);
        }
    }

    /** The subscription, if the caller may see it; call with the store lock held. */
    private Subscription visible(Principal p, String uuid) {
        Subscription s = store.subscriptions.get(uuid);
        if (s == null) {
            throw ApiError.notFound();
        }
        requireVisible(p, s);
        return s;
    }

    private void requireVisible(Principal p, Subscription s) {
        User caller = store.user(p.userUuid());
        boolean ok = s.orgUuid.equals(caller.orgUuid)
                && (caller.role.isAdmin() || caller.uuid.equals(s.userUuid) || caller.uuid.equals(s.creatorUuid));
        if (!ok) {
            throw ApiError.permissionDenied();
        }
    }

    private static void refuseAny(List<Detail> problems) {
        if (!problems.isEmpty()) {
            throw ApiError.invalidArguments(problems);
        }
    }

    /** The organization {@code ref} names, which must be the caller's own. */
    private Org callersOrg(User caller, String ref) {
        String id = Uris.idIn(ref, "organizations").orElse(null);
        Org org = id == null ? null : store.orgs.get(id);
        if (org == null) {
            throw ApiError.invalidArgument("organization", "is not a valid organization URI");
        }
        if (!org.uuid.equals(caller.orgUuid)) {
            throw ApiError.permissionDenied();
        }
        return org;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() || !n.isTextual() || n.asText().isBlank() ? null : n.asText();
    }

    private static String first(Map<String, List<String>> q, String key) {
        List<String> v = q.get(key);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI u = URI.create(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
