package io.calbridge.calendly.internal.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.StrictJson;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.impl.SQLDataType;

/**
 * {@code GET|PUT {settings}/{id}/sync} and {@code POST {settings}/{id}/sync/check}: the tenant's
 * import window, the running job's progress, the last import, backfill and sweep; "check now".
 * Tenant admins only, like every settings route.
 */
record SyncRoutes(Access access, Db db, SyncStore store, Function<UUID, Object> report, Clock clock) {
    void register(RoutesConfig routes, String root) {
        routes.get(root + "/{id}/sync", this::get);
        routes.put(root + "/{id}/sync", this::put);
        routes.post(root + "/{id}/sync/check", this::check);
    }

    private void get(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        write(ctx, 200, body(caller.tenantId(), owned(ctx, caller)));
    }

    private void put(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        SyncSettings.Input input = read(ctx);
        db.txRun(dsl -> store.saveSettings(dsl, caller.tenantId(),
                input.over(store.settings(dsl, caller.tenantId())), clock.instant()));
        write(ctx, 200, body(caller.tenantId(), id));
    }

    private void check(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        boolean requested = db.tx(dsl -> store.requestSweep(dsl, id, clock.instant()));
        ObjectNode body = body(caller.tenantId(), id);
        body.put("requested", requested);
        write(ctx, 202, body);
    }

    private ObjectNode body(String tenantId, UUID id) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("settings", Json.mapper().valueToTree(store.settings(db.dsl(), tenantId)));
        Object r = report.apply(id);
        body.set("status", r == null ? Json.mapper().nullNode() : Json.mapper().valueToTree(r));
        return body;
    }

    private UUID owned(Context ctx, Caller caller) {
        UUID id = Access.parseId(ctx.pathParam("id"), SQLDataType.UUID)
                .orElseThrow(() -> ApiException.notFound("Calendly integration"));
        if (!store.ownedBy(db.dsl(), caller.tenantId(), id)) {
            throw ApiException.notFound("Calendly integration");
        }
        return id;
    }

    private static SyncSettings.Input read(Context ctx) {
        String body = ctx.body();
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("missing_body", "send a JSON object as the request body", null);
        }
        // Depth, NUL characters and syntax as every settings body (400 naming the problem, never echoing the body).
        ObjectNode tree = StrictJson.readObject(body);
        for (var it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("upcoming_days") && !f.equals("past_days") && !f.equals("past_meeting_tasks")) {
                throw ApiException.badRequest("unknown_field", f + " is not a sync setting", f);
            }
        }
        for (String f : new String[] {"upcoming_days", "past_days"}) {
            if (tree.has(f) && !tree.get(f).isInt()) {
                throw ApiException.badRequest("invalid_value", f + " must be a whole number of days", f);
            }
        }
        if (tree.has("past_meeting_tasks") && !tree.get("past_meeting_tasks").isBoolean()) {
            throw ApiException.badRequest("invalid_value", "past_meeting_tasks must be true or false", "past_meeting_tasks");
        }
        return new SyncSettings.Input(tree.has("upcoming_days") ? tree.get("upcoming_days").asInt() : null,
                tree.has("past_days") ? tree.get("past_days").asInt() : null,
                tree.has("past_meeting_tasks") ? tree.get("past_meeting_tasks").asBoolean() : null);
    }

    private static void write(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a sync answer", e);
        }
    }
}
