package io.calbridge.calendly.internal.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.StrictJson;
import io.javalin.http.ContentType;
import io.javalin.http.Context;

/**
 * Reading request bodies and writing JSON answers, with the plugin's own
 * {@link Json} mapper (independent of the host's JSON setup). Bad input becomes a 400 naming the
 * field, in the snake_case path the client sent (e.g. {@code task.due_offset_minutes}). Query
 * parameters: {@link io.calbridge.calendly.internal.common.QueryParams}.
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

    /**
     * The body as {@code type}, read strictly ({@link StrictJson}): 400 naming the field for syntax,
     * nesting, NUL characters, unknown keys and wrong types; no error repeats a value of the body.
     */
    static <T> T read(Context ctx, Class<T> type) {
        return StrictJson.read(ctx.body(), type);
    }

}
