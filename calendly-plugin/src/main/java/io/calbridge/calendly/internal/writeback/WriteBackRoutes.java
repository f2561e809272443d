package io.calbridge.calendly.internal.writeback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.calbridge.calendly.ActionResult;
import io.calbridge.calendly.Meetings;
import io.calbridge.calendly.SchedulingLink;
import io.calbridge.calendly.SchedulingLinkRequest;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.spi.HostSecurity.Action;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The actions over HTTP, under the settings API's root: for the tenant's members whom the host lets
 * act ({@code HostSecurity.mayAct}), not only its admins. Thin: read the input, call
 * {@link WriteBackService}, write snake_case JSON. Errors are {@code ApiException}s (rendered by
 * {@code ApiErrors}).
 */
final class WriteBackRoutes {
    private static final ObjectMapper SNAKE_CASE = Json.mapper().copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Access access;
    private final WriteBackService service;

    WriteBackRoutes(Access access, WriteBackService service) {
        this.access = access;
        this.service = service;
    }

    /** Registered before the settings routes, so that "contacts" and "meetings" are never read as integration ids. */
    void register(RoutesConfig routes, String prefix) {
        String root = prefix + "/settings/calendly";
        routes.get(root + "/contacts/{contactId}/meetings", this::meetings);
        routes.get(root + "/contacts/{contactId}/event-types", this::eventTypes);
        routes.post(root + "/contacts/{contactId}/scheduling-links", this::createLink);
        routes.post(root + "/meetings/{meetingId}/cancel", this::cancel);
        routes.put(root + "/meetings/{meetingId}/no-show", this::markNoShow);
        routes.delete(root + "/meetings/{meetingId}/no-show", this::unmarkNoShow);
    }

    void meetings(Context ctx) {
        Caller caller = access.requireCaller(ctx);
        service.permit(caller, Action.VIEW_MEETINGS); // before the input is even read
        boolean refresh = "true".equalsIgnoreCase(ctx.queryParam("refresh"));
        write(ctx, 200, service.meetings(caller, ctx.pathParam("contactId"), refresh));
    }

    void eventTypes(Context ctx) {
        Caller caller = access.requireCaller(ctx);
        service.permit(caller, Action.SEND_SCHEDULING_LINK); // before the input is even read
        write(ctx, 200, Map.of("event_types", service.eventTypes(caller, ctx.queryParam("integration_id"))));
    }

    void createLink(Context ctx) {
        // The raw bytes at once, before any database work: a small body read late trips the host's
        // minimum request data rate (Jetty measures it from the start of the request).
        ctx.body();
        Caller caller = access.requireCaller(ctx);
        service.permit(caller, Action.SEND_SCHEDULING_LINK); // before the input is even read
        JsonNode body = body(ctx);
        String key = ctx.header("Idempotency-Key");
        if (key == null || key.isBlank()) {
            key = text(body, "idempotency_key");
        }
        SchedulingLink link = service.createLink(caller, new SchedulingLinkRequest(ctx.pathParam("contactId"),
                text(body, "event_type_uri"), text(body, "integration_id"), key, text(body, "name"), text(body, "email")));
        write(ctx, 201, link);
    }

    void cancel(Context ctx) {
        // The raw bytes at once, before any database work: a small body read late trips the host's
        // minimum request data rate (Jetty measures it from the start of the request).
        ctx.body();
        Caller caller = access.requireCaller(ctx);
        service.permit(caller, Action.CANCEL_MEETING); // before the input is even read
        JsonNode body = body(ctx);
        write(ctx, 200, service.cancel(caller, ctx.pathParam("meetingId"), text(body, "reason")));
    }

    void markNoShow(Context ctx) {
        Caller caller = access.requireCaller(ctx);
        service.permit(caller, Action.MARK_NO_SHOW); // before the input is even read
        write(ctx, 200, service.markNoShow(caller, ctx.pathParam("meetingId")));
    }

    void unmarkNoShow(Context ctx) {
        Caller caller = access.requireCaller(ctx);
        service.permit(caller, Action.MARK_NO_SHOW); // before the input is even read
        write(ctx, 200, service.unmarkNoShow(caller, ctx.pathParam("meetingId")));
    }

    /** The JSON object sent, or an empty one when nothing was sent; 400 for anything else. */
    private static JsonNode body(Context ctx) {
        String raw = ctx.body();
        if (raw == null || raw.isBlank()) {
            return Json.mapper().createObjectNode();
        }
        try {
            JsonNode node = Json.mapper().readTree(raw);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("invalid_json", "send a JSON object as the request body", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "the request body is not valid JSON", null);
        }
    }

    /** A text field; 400 naming it when it is there but not text. */
    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("invalid_value", field + ": must be a string", field);
        }
        return v.asText();
    }

    private static void write(Context ctx, int status, Object body) {
        ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(json(body));
    }

    /** The API's records ({@link Meetings}, {@link SchedulingLink}, {@link ActionResult}) in snake_case, nulls included. */
    static String json(Object body) {
        try {
            return SNAKE_CASE.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render an action answer", e);
        }
    }
}
