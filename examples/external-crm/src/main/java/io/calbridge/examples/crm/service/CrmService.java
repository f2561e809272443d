package io.calbridge.examples.crm.service;

import io.calbridge.examples.crm.service.CrmStore.Account;
import io.calbridge.examples.crm.service.CrmStore.Contact;
import io.calbridge.examples.crm.service.CrmStore.Task;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny CRM service with its own store, reached over HTTP (JSON, snake_case). It stands for the
 * "other system" where a host keeps its contacts and tasks.
 *
 * <p><b>Idempotency-Key.</b> Every POST and PATCH may carry an {@code Idempotency-Key} header. The
 * first request with a key is applied and its response (status and body) is stored with the key, per
 * account; a later request with the same key is not applied again: it gets the stored response, even
 * if its body differs (the caller's settings may have changed between its attempts; the effect
 * happened once, with the first body). Errors of the service itself (5xx) are not stored, so the
 * request can be retried.
 *
 * <p>Unknown ids answer 404 {@code {"error":"not_found","kind":"CONTACT","id":"..."}}.
 */
public final class CrmService {
    private final CrmStore store;
    private final Map<String, Stored> replies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> loseReplies = new ConcurrentHashMap<>();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private Javalin javalin;

    private record Stored(int status, Object body) {
    }

    public CrmService(CrmStore store) {
        this.store = store;
    }

    /** Starts listening on {@code port} (0: any free port). Stopped and started again, it keeps its data. */
    public synchronized CrmService start(int port) {
        javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            var r = config.routes;
            r.get("/accounts/{a}", ctx -> read(ctx, a -> Map.of("id", a.id, "time_zone", a.timeZone)));
            r.get("/accounts/{a}/members", ctx -> read(ctx, a -> a.members.values().stream()
                    .filter(m -> ctx.queryParam("email") == null || m.email().equalsIgnoreCase(ctx.queryParam("email")))
                    .map(m -> Map.of("id", m.id(), "email", m.email(), "name", m.name())).toList()));
            r.get("/accounts/{a}/statuses", ctx -> read(ctx, a -> choices(a.statuses)));
            r.get("/accounts/{a}/lists", ctx -> read(ctx, a -> choices(a.lists)));
            r.get("/accounts/{a}/tags", ctx -> read(ctx, a -> choices(a.tags)));
            r.get("/accounts/{a}/contacts", ctx -> read(ctx, a -> {
                if (ctx.queryParam("email") == null) {
                    return a.contacts.values().stream().map(CrmService::view).toList();
                }
                Contact c = CrmStore.byEmail(a, ctx.queryParam("email"));
                return c == null ? List.of() : List.of(view(c));
            }));
            r.get("/accounts/{a}/tasks", ctx -> read(ctx, a -> a.tasks.values().stream().map(t -> {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", t.id);
                out.put("title", t.title);
                out.put("due_at", t.dueAt.toString());
                out.put("state", t.state);
                out.put("contact_id", t.contactId);
                return out;
            }).toList()));
            r.post("/accounts/{a}/contacts", ctx -> change(ctx, a -> upsertContact(ctx, a)));
            r.patch("/accounts/{a}/contacts/{id}", ctx -> change(ctx, a -> patchContact(ctx, a)));
            r.post("/accounts/{a}/contacts/{id}/activities", ctx -> change(ctx, a -> {
                contact(a, ctx).activities.add(ctx.bodyAsClass(Map.class));
                return Map.of();
            }));
            r.post("/accounts/{a}/contacts/{id}/lists", ctx -> change(ctx, a -> {
                Contact c = contact(a, ctx);
                c.lists.addAll(known(a.lists, ids(ctx), "MAILING_LIST"));
                return Map.of();
            }));
            r.post("/accounts/{a}/contacts/{id}/tags", ctx -> change(ctx, a -> {
                Contact c = contact(a, ctx);
                c.tags.addAll(known(a.tags, ids(ctx), "TAG"));
                return Map.of();
            }));
            r.post("/accounts/{a}/contacts/{id}/tags/remove", ctx -> change(ctx, a -> {
                Contact c = contact(a, ctx);
                c.tags.removeAll(known(a.tags, ids(ctx), "TAG"));
                return Map.of();
            }));
            r.post("/accounts/{a}/tasks", ctx -> change(ctx, a -> createTask(ctx, a)));
            r.patch("/accounts/{a}/tasks/{id}", ctx -> change(ctx, a -> patchTask(ctx, a)));
            r.post("/accounts/{a}/notifications", ctx -> change(ctx, a -> {
                a.notifications.add(ctx.bodyAsClass(Map.class));
                return Map.of();
            }));
            r.exception(NotFound.class, (e, ctx) -> ctx.status(404)
                    .json(Map.of("error", "not_found", "kind", e.kind, "id", String.valueOf(e.id))));
            r.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(400)
                    .json(Map.of("error", "invalid", "message", e.getMessage())));
        }).start(port);
        return this;
    }

    public synchronized void stop() {
        if (javalin != null) {
            javalin.stop();
            javalin = null;
        }
    }

    public synchronized int port() {
        return javalin.port();
    }

    /**
     * Fault for demos and tests: the next {@code n} changing requests whose path ends with
     * {@code pathSuffix} are applied (and their reply stored under their key) but answered 503, as
     * when the service crashes after its commit and before its reply reaches the caller.
     */
    public void loseReplies(String pathSuffix, int n) {
        loseReplies.put(pathSuffix, new AtomicInteger(n));
    }

    /** Changing requests applied (first time a key was seen, or without a key). */
    public long applied() {
        return applied.get();
    }

    /** Changing requests answered from the stored reply of an earlier request with the same key. */
    public long replayed() {
        return replayed.get();
    }

    // --- request handling ---

    private interface Reader {
        Object read(Account account);
    }

    private interface Changer {
        Object apply(Account account);
    }

    private void read(Context ctx, Reader reader) {
        synchronized (store) {
            ctx.json(reader.read(account(ctx)));
        }
    }

    /** Applies a change at most once per Idempotency-Key and account; stores and replays its reply. */
    private void change(Context ctx, Changer changer) {
        String key = ctx.header("Idempotency-Key");
        int status;
        Object body;
        synchronized (store) {
            Account account = account(ctx);
            String slot = account.id + "\n" + key;
            Stored before = key == null ? null : replies.get(slot);
            if (before != null) {
                replayed.incrementAndGet();
                ctx.status(before.status()).json(before.body());
                return;
            }
            try {
                body = changer.apply(account);
                status = body instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("created")) ? 201 : 200;
            } catch (NotFound e) {
                status = 404;
                body = Map.of("error", "not_found", "kind", e.kind, "id", String.valueOf(e.id));
            }
            applied.incrementAndGet();
            if (key != null) {
                replies.put(slot, new Stored(status, body));
            }
        }
        AtomicInteger lose = loseReplies.entrySet().stream().filter(e -> ctx.path().endsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (lose != null && lose.getAndDecrement() > 0) {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", "unavailable"));
            return;
        }
        ctx.status(status).json(body);
    }

    private Map<String, Object> upsertContact(Context ctx, Account a) {
        Map<?, ?> in = ctx.bodyAsClass(Map.class);
        String email = required(in, "email");
        String status = (String) in.get("status");
        if (status != null && !a.statuses.containsKey(status)) {
            throw new NotFound("CONTACT_STATUS", status);
        }
        String owner = (String) in.get("owner_id");
        if (owner != null && !a.members.containsKey(owner)) {
            throw new NotFound("TEAM_MEMBER", owner);
        }
        Contact c = CrmStore.byEmail(a, email);
        boolean created = c == null;
        if (created) {
            c = new Contact(store.newId("contact"));
            c.email = email;
            c.status = status != null ? status : a.statuses.keySet().iterator().next();
            a.contacts.put(c.id, c);
        } else if (status != null) {
            c.status = status;
        }
        c.name = coalesce((String) in.get("name"), c.name);
        c.phone = coalesce((String) in.get("phone"), c.phone);
        c.ownerId = coalesce(c.ownerId, owner);
        c.fields.putAll(strings(in.get("fields")));
        Map<String, Object> out = view(c);
        out.put("created", created);
        return out;
    }

    private Map<String, Object> patchContact(Context ctx, Account a) {
        Contact c = contact(a, ctx);
        Map<?, ?> in = ctx.bodyAsClass(Map.class);
        if (in.containsKey("status")) {
            String status = (String) in.get("status");
            if (!a.statuses.containsKey(status)) {
                throw new NotFound("CONTACT_STATUS", status);
            }
            c.status = status;
        }
        if (in.containsKey("owner_id")) {
            String owner = (String) in.get("owner_id");
            if (owner != null && !a.members.containsKey(owner)) {
                throw new NotFound("TEAM_MEMBER", owner);
            }
            c.ownerId = owner;
        }
        c.fields.putAll(strings(in.get("fields")));
        return view(c);
    }

    private Map<String, Object> createTask(Context ctx, Account a) {
        Map<?, ?> in = ctx.bodyAsClass(Map.class);
        Task t = new Task(store.newId("task"));
        t.contactId = (String) in.get("contact_id");
        if (t.contactId != null && !a.contacts.containsKey(t.contactId)) {
            throw new NotFound("CONTACT", t.contactId);
        }
        applyTask(a, t, in);
        a.tasks.put(t.id, t);
        return new LinkedHashMap<>(Map.of("id", t.id, "created", true));
    }

    private Map<String, Object> patchTask(Context ctx, Account a) {
        Task t = a.tasks.get(ctx.pathParam("id"));
        if (t == null) {
            throw new NotFound("TASK", ctx.pathParam("id"));
        }
        Map<?, ?> in = ctx.bodyAsClass(Map.class);
        if (in.containsKey("due_at")) {
            applyTask(a, t, in);
        }
        String state = (String) in.get("state");
        if (state != null) {
            // canceled is final; done and open move only from each other.
            switch (state) {
                case "canceled" -> t.state = "canceled";
                case "done" -> t.state = t.state.equals("open") ? "done" : t.state;
                case "open" -> t.state = t.state.equals("done") ? "open" : t.state;
                default -> throw new IllegalArgumentException("state must be open, done or canceled: " + state);
            }
        }
        return Map.of("id", t.id, "state", t.state);
    }

    private static void applyTask(Account a, Task t, Map<?, ?> in) {
        String owner = (String) in.get("owner_id");
        if (owner != null && !a.members.containsKey(owner)) {
            throw new NotFound("TEAM_MEMBER", owner);
        }
        t.ownerId = owner;
        t.title = required(in, "title");
        t.description = (String) in.get("description");
        t.dueAt = Instant.parse(required(in, "due_at"));
    }

    private Account account(Context ctx) {
        Account a = store.account(ctx.pathParam("a"));
        if (a == null) {
            throw new NotFound("ACCOUNT", ctx.pathParam("a"));
        }
        return a;
    }

    private static Contact contact(Account a, Context ctx) {
        Contact c = a.contacts.get(ctx.pathParam("id"));
        if (c == null) {
            throw new NotFound("CONTACT", ctx.pathParam("id"));
        }
        return c;
    }

    private static Map<String, Object> view(Contact c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id);
        out.put("email", c.email);
        out.put("name", c.name);
        out.put("status", c.status);
        out.put("owner_id", c.ownerId);
        return out;
    }

    private static List<Map<String, String>> choices(Map<String, String> byId) {
        return byId.entrySet().stream().map(e -> Map.of("id", e.getKey(), "label", e.getValue())).toList();
    }

    private static List<String> ids(Context ctx) {
        Object ids = ctx.bodyAsClass(Map.class).get("ids");
        if (!(ids instanceof List<?> list)) {
            throw new IllegalArgumentException("ids must be a list");
        }
        return list.stream().map(String::valueOf).toList();
    }

    private static Collection<String> known(Map<String, String> byId, List<String> ids, String kind) {
        for (String id : ids) {
            if (!byId.containsKey(id)) {
                throw new NotFound(kind, id);
            }
        }
        return ids;
    }

    private static Map<String, String> strings(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }

    private static String required(Map<?, ?> in, String name) {
        Object v = in.get(name);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return s;
    }

    private static String coalesce(String a, String b) {
        return a != null ? a : b;
    }

    /** An id that names nothing of the account. */
    static final class NotFound extends RuntimeException {
        final String kind;
        final String id;

        NotFound(String kind, String id) {
            super(kind + " " + id + " not found", null, false, false);
            this.kind = kind;
            this.id = id;
        }
    }

}
