package io.calbridge.calendly.internal.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Json;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.util.List;

/**
 * Reading request bodies and query parameters, writing JSON answers, with the plugin's own
 * {@link Json} mapper (independent of the host's JSON setup). Bad input becomes a 400 naming the
 * field, in the snake_case path the client sent (e.g. {@code task.due_offset_minutes}).
 */
final class JsonIo {
    private JsonIo() {
    }

    static void write(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a settings answer", e);
        }
    }

    /** The body as {@code type}; 400 {@code invalid_json} for syntax, 400 {@code invalid_value} naming the field for types. */
    static <T> T read(Context ctx, Class<T> type) {
        String body = ctx.body();
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("missing_body", "send a JSON object as the request body", null);
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "the request body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", null);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.badRequest("invalid_json", "the request body must be a JSON object", null);
        }
        try {
            return Json.mapper().treeToValue(tree, type);
        } catch (JsonMappingException e) {
            String field = path(e.getPath());
            throw ApiException.badRequest("invalid_value", (field == null ? "a value" : field)
                    + " has the wrong type: " + expected(e), field);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_value", "the request body does not fit: " + e.getMessage(), null);
        }
    }

    /** An optional integer query parameter within bounds; 400 {@code invalid_parameter} naming it otherwise. */
    static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid_parameter", name + " must be a whole number from " + min + " to " + max
                + ", not " + (raw.length() > 40 ? raw.substring(0, 40) + "..." : raw), name);
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        if (refs == null || refs.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!s.isEmpty()) {
                    s.append('.');
                }
                s.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                s.append('[').append(r.getIndex()).append(']');
            }
        }
        return s.isEmpty() ? null : s.toString();
    }

    /** What Jackson wanted, without echoing the whole input back. */
    private static String expected(JsonMappingException e) {
        String target = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null
                ? m.getTargetType().getSimpleName() : null;
        if (target == null) {
            return "see the API description";
        }
        return switch (target) {
            case "Boolean", "boolean" -> "expected true or false";
            case "Integer", "int", "Long", "long" -> "expected a whole number";
            case "String" -> "expected a string";
            case "List", "ArrayList" -> "expected an array";
            default -> "expected a JSON object";
        };
    }
}
