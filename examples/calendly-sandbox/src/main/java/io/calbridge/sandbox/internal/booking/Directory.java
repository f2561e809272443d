package io.calbridge.sandbox.internal.booking;

import io.calbridge.sandbox.EventTypeSpec;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.internal.json.Renderer;
import io.calbridge.sandbox.internal.state.Ids;
import io.calbridge.sandbox.internal.state.Model.App;
import io.calbridge.sandbox.internal.state.Model.EventType;
import io.calbridge.sandbox.internal.state.Model.Org;
import io.calbridge.sandbox.internal.state.Model.Question;
import io.calbridge.sandbox.internal.state.Model.RoutingForm;
import io.calbridge.sandbox.internal.state.Model.RoutingQuestion;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.SandboxClock;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Uris;
import io.calbridge.sandbox.internal.webhook.WebhookDispatcher;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;

/** Creates the accounts side of the sandbox: organizations, users, OAuth apps, event types, routing forms. */
public record Directory(Store store, SandboxClock clock, Renderer renderer, WebhookDispatcher dispatcher) {

    public Org createOrganization(String name, Plan plan) {
        requireText(name, "organization name");
        synchronized (store) {
            Org org = new Org(Ids.uuid(), now());
            org.name = name;
            org.plan = plan == null ? Plan.STANDARD : plan;
            store.orgs.put(org.uuid, org);
            return org;
        }
    }

    public User createUser(String orgRef, String name, String email, Role role, String timezone, boolean legacyId) {
        requireText(name, "user name");
        requireText(email, "email");
        if (!email.contains("@")) {
            throw new IllegalArgumentException("email '" + email + "' is not an e-mail address");
        }
        String tz = timezone == null ? "UTC" : timezone;
        try {
            ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("timezone '" + tz + "' is not an IANA time zone");
        }
        synchronized (store) {
            Org org = org(orgRef);
            if (store.userByEmail(email).isPresent()) {
                throw new IllegalStateException("a user with email " + email + " already exists");
            }
            User u = new User(legacyId ? Ids.legacy() : Ids.uuid(), Ids.uuid(), now());
            u.orgUuid = org.uuid;
            u.name = name;
            u.slug = uniqueSlug(slugify(name));
            u.email = email;
            u.timezone = tz;
            u.role = role == null ? Role.USER : role;
            store.users.put(u.uuid, u);
            return u;
        }
    }

    public App createApp(String name, List<String> redirectUris, boolean legacy, boolean nativeClient,
                         String defaultUserRef) {
        requireText(name, "app name");
        if (redirectUris == null || redirectUris.isEmpty()) {
            throw new IllegalArgumentException("an OAuth app needs at least one redirect URI");
        }
        for (String r : redirectUris) {
            try {
                URI u = URI.create(r);
                if (u.getScheme() == null || u.getHost() == null) {
                    throw new IllegalArgumentException("redirect URI '" + r + "' must be absolute");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("redirect URI '" + r + "' is not a valid absolute URI");
            }
        }
        synchronized (store) {
            String defaultUser = defaultUserRef == null ? null : user(defaultUserRef).uuid;
            App app = new App(Ids.base64Url(32), Ids.base64Url(32), Ids.base64Url(32), name, redirectUris, legacy,
                    nativeClient, defaultUser);
            store.apps.put(app.clientId(), app);
            return app;
        }
    }

    public EventType createEventType(EventTypeSpec.Snapshot spec) {
        requireText(spec.name(), "event type name");
        List<WebhookDispatcher.Message> out;
        EventType et;
        synchronized (store) {
            User owner = user(spec.ownerUri());
            et = new EventType(Ids.uuid(), owner.uuid, now());
            et.name = spec.name();
            et.slug = spec.slug() != null ? spec.slug() : uniqueEventSlug(owner.uuid, slugify(spec.name()));
            et.kind = spec.kind();
            et.duration = spec.duration();
            et.location = spec.location();
            et.locationText = spec.locationText();
            et.locationAdditionalInfo = spec.locationAdditionalInfo();
            et.description = spec.description();
            et.internalNote = spec.internalNote();
            et.position = (int) store.eventTypes.values().stream().filter(e -> e.ownerUuid.equals(owner.uuid)).count();
            List<Question> qs = new ArrayList<>();
            int pos = 0;
            for (EventTypeSpec.Question q : spec.questions()) {
                qs.add(new Question(q.name(), q.type(), pos++, q.required(), q.answerChoices()));
            }
            et.questions = qs;
            store.eventTypes.put(et.uuid, et);
            out = eventTypeWebhook("event_type.created", et);
        }
        dispatcher.send(out);
        return et;
    }

    public void updateEventType(String ref, String newName, Boolean active) {
        List<WebhookDispatcher.Message> out;
        synchronized (store) {
            EventType et = eventType(ref);
            if (newName != null) {
                et.name = newName;
            }
            if (active != null) {
                et.active = active;
            }
            et.updatedAt = now();
            out = eventTypeWebhook("event_type.updated", et);
        }
        dispatcher.send(out);
    }

    public void deleteEventType(String ref) {
        List<WebhookDispatcher.Message> out;
        synchronized (store) {
            EventType et = eventType(ref);
            Instant now = now();
            et.active = false;
            et.deletedAt = now;
            et.updatedAt = now;
            out = eventTypeWebhook("event_type.deleted", et);
        }
        dispatcher.send(out);
    }

    private List<WebhookDispatcher.Message> eventTypeWebhook(String event, EventType et) {
        User owner = store.user(et.ownerUuid);
        return dispatcher.prepare(event, new WebhookDispatcher.Audience(owner.orgUuid, Set.of(owner.uuid), false),
                renderer.eventType(et, true), et.updatedAt);
    }

    public RoutingForm createRoutingForm(String orgRef, String name, List<String> questions) {
        requireText(name, "routing form name");
        synchronized (store) {
            Org org = org(orgRef);
            List<RoutingQuestion> qs = new ArrayList<>();
            for (String q : questions) {
                qs.add(new RoutingQuestion(Ids.uuid(), q, "text"));
            }
            RoutingForm f = new RoutingForm(Ids.uuid(), org.uuid, name, qs, now());
            store.routingForms.put(f.uuid(), f);
            return f;
        }
    }

    // ---- lookups (store lock held by caller or taken here) -------------------------------------

    public Org org(String ref) {
        return byRef(ref, "organizations", "organization", store.orgs);
    }

    /** A user by URI, UUID or e-mail. */
    public User user(String ref) {
        synchronized (store) {
            if (ref != null && ref.contains("@") && !ref.contains("/")) {
                return store.userByEmail(ref).orElseThrow(() -> notFound("user", ref));
            }
            return byRef(ref, "users", "user", store.users);
        }
    }

    public EventType eventType(String ref) {
        return byRef(ref, "event_types", "event type", store.eventTypes);
    }

    public RoutingForm routingForm(String ref) {
        return byRef(ref, "routing_forms", "routing form", store.routingForms);
    }

    /** The entity a URI or UUID in {@code collection} names. */
    private <T> T byRef(String ref, String collection, String what, Map<String, T> entities) {
        synchronized (store) {
            String id = Uris.idIn(ref, collection).orElseThrow(() -> notFound(what, ref));
            T found = entities.get(id);
            if (found == null) {
                throw notFound(what, ref);
            }
            return found;
        }
    }

    static NoSuchElementException notFound(String what, String ref) {
        return new NoSuchElementException("no " + what + " '" + ref + "' in this sandbox");
    }

    private String uniqueSlug(String base) {
        return unique(base, slug -> store.users.values().stream().anyMatch(u -> u.slug.equals(slug)));
    }

    private String uniqueEventSlug(String ownerUuid, String base) {
        return unique(base, slug -> store.eventTypes.values().stream()
                .anyMatch(e -> e.ownerUuid.equals(ownerUuid) && e.slug.equals(slug)));
    }

    /** {@code base}, else {@code base-2}, {@code base-3}, ...: the first that is not taken. */
    private static String unique(String base, Predicate<String> taken) {
        String slug = base;
        int n = 2;
        while (taken.test(slug)) {
            slug = base + "-" + n++;
        }
        return slug;
    }

    static String slugify(String s) {
        String slug = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return slug.isEmpty() ? "user" : slug;
    }

    static void requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    private Instant now() {
        return io.calbridge.sandbox.internal.state.Times.micro(clock.instant());
    }
}
