package io.calbridge.calendly.internal.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders every {@link ApiException} thrown by a plugin route as
 * {@code {"error":{"code":..,"message":..[,"field":..]}}} with the exception's status. The body is
 * written with the plugin's own {@link Json} mapper, so it does not depend on the host's JSON setup.
 */
public final class ApiErrors {
    private ApiErrors() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, ApiErrors::render);
    }

    static void render(ApiException e, Context ctx) {
        headers(e, ctx);
        ctx.status(e.status()).contentType(ContentType.APPLICATION_JSON).result(body(e));
    }

    /** {@code Retry-After} when the error says when to try again; for code that answers without throwing too. */
    public static void headers(ApiException e, Context ctx) {
        Long seconds = e.retryAfterSeconds();
        if (seconds != null) {
            ctx.header("Retry-After", Long.toString(seconds));
        }
    }

    /** The JSON body for {@code e}; also used by code that answers without throwing. */
    public static String body(ApiException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        if (e.field() != null) {
            error.put("field", e.field());
        }
        try {
            return Json.mapper().writeValueAsString(Map.of("error", error));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot render an error body", impossible);
        }
    }
}
