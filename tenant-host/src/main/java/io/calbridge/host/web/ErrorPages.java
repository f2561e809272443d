package io.calbridge.host.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the host's errors ({@link HttpResponseException}, thrown by handlers and filters with a
 * {@code "code"} detail) as an HTML page for browsers and as
 * {@code {"error":{"code","message"[,"field"]}}} for everything else, the same shape as the plugin's
 * errors. The body depends only on status, code and message: a missing id and another tenant's id
 * throw the same exception and so answer byte for byte alike.
 */
public final class ErrorPages {
    private ErrorPages() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(HttpResponseException.class, ErrorPages::render);
    }

    static void render(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        String code = e.getDetails().getOrDefault("code", Wording.of(status).code());
        String message = e.getMessage() == null || e.getMessage().isBlank() ? defaultMessage(status) : e.getMessage();
        ctx.status(status);
        if (wantsHtml(ctx)) {
            ctx.html(page(status, message).toString());
            return;
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (e.getDetails().containsKey("field")) {
            error.put("field", e.getDetails().get("field"));
        }
        ctx.json(Map.of("error", error));
    }

    static boolean wantsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    private static Html page(int status, String message) {
        Html next = status == 401
                ? Html.raw("<p><a href=\"/login\">Sign in</a></p>")
                : Html.raw("<p><a href=\"/app\">Back to the app</a></p>");
        return Layout.bare(title(status), null, Html.of("<h1>{}</h1><p>{}</p>{}", title(status), message, next));
    }

    /** What the host says for a status when the thrower did not: the page's title and the JSON code. */
    private record Wording(String title, String code) {
        static Wording of(int status) {
            return switch (status) {
                case 400 -> new Wording("Bad request", "invalid_request");
                case 401 -> new Wording("Please sign in", "unauthenticated");
                case 403 -> new Wording("Not allowed", "forbidden");
                case 404 -> new Wording("Not found", "not_found");
                case 429 -> new Wording("Too many attempts", "too_many_requests");
                default -> new Wording("Something went wrong", "error");
            };
        }
    }

    private static String title(int status) {
        return Wording.of(status).title();
    }

    private static String defaultMessage(int status) {
        return status == 404 ? "Not found." : title(status) + ".";
    }
}
