package io.calbridge.sandbox.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for writing Calendly-shaped responses and reading request bodies. */
public final class Http {
    public static final String JSON = "application/json; charset=utf-8";

    private Http() {
    }

    public static void json(Context ctx, int status, JsonNode body, CalendlyJson.Style style) {
        ctx.status(status).contentType(JSON).result(CalendlyJson.bytes(body, style));
    }

    public static void resource(Context ctx, int status, ObjectNode resource) {
        ObjectNode o = CalendlyJson.object();
        o.set("resource", resource);
        json(ctx, status, o, CalendlyJson.Style.API);
    }

    public static void collection(Context ctx, List<ObjectNode> items, ObjectNode pagination) {
        ObjectNode o = CalendlyJson.object();
        ArrayNode c = o.putArray("collection");
        items.forEach(c::add);
        o.set("pagination", pagination);
        json(ctx, 200, o, CalendlyJson.Style.API);
    }

    public static void rateLimitHeaders(Context ctx, RateLimiter.Verdict v) {
        ctx.header("X-RateLimit-Limit", String.valueOf(v.limit()));
        ctx.header("X-RateLimit-Remaining", String.valueOf(v.remaining()));
        ctx.header("X-RateLimit-Reset", String.valueOf(v.resetSeconds()));
    }

    /** The body as JSON, or a 400 saying it is not JSON. */
    public static JsonNode jsonBody(Context ctx) {
        String body = ctx.body();
        if (body == null || body.isBlank()) {
            return CalendlyJson.object();
        }
        try {
            return CalendlyJson.mapper().readTree(body);
        } catch (IOException e) {
            throw ApiError.invalidArgument(null, "the request body is not valid JSON");
        }
    }

    /**
     * Form fields of an x-www-form-urlencoded body, or the top-level string/number fields of a JSON
     * body (Calendly's own sample app posts JSON to /oauth/token).
     */
    public static Map<String, String> formOrJson(Context ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        String ct = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
        String body = ctx.body();
        if (ct.startsWith("application/json")) {
            try {
                JsonNode n = CalendlyJson.mapper().readTree(body == null || body.isBlank() ? "{}" : body);
                n.properties().forEach(e -> {
                    if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                        out.put(e.getKey(), e.getValue().asText());
                    }
                });
            } catch (IOException e) {
                throw OAuthError.invalidRequest("The request body is not valid JSON.");
            }
            return out;
        }
        if (body != null && !body.isEmpty()) {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            }
        }
        return out;
    }
}
