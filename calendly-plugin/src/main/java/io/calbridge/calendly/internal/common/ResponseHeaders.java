package io.calbridge.calendly.internal.common;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Security headers on every response under the plugin's route roots. The plugin's responses are
 * JSON or redirects, never pages that load resources or should be framed, so the policy is as
 * strict as it gets. A header the host already set is left alone: the host owns its own policy, and
 * a handler may still replace a header when it renders something else.
 */
public final class ResponseHeaders {
    static final Map<String, String> HEADERS = headers();

    private ResponseHeaders() {
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        // The OAuth callback URL carries an authorization code: never hand it on as a Referer.
        h.put("Referrer-Policy", "no-referrer");
        // Settings answers describe a tenant's integration: no shared or browser cache may keep them.
        h.put("Cache-Control", "no-store");
        return Map.copyOf(h);
    }

    /** Adds the headers to every request under each root ({@code /root} and {@code /root/...}). */
    public static void register(RoutesConfig routes, String... roots) {
        for (String root : roots) {
            routes.before(root, ResponseHeaders::apply);
            routes.before(root + "/*", ResponseHeaders::apply);
        }
    }

    static void apply(Context ctx) {
        HEADERS.forEach((name, value) -> {
            if (!ctx.res().containsHeader(name)) {
                ctx.header(name, value);
            }
        });
    }
}
