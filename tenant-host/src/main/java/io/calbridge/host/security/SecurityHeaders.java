package io.calbridge.host.security;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Security headers on every response of the host: a strict Content-Security-Policy (only this
 * origin's scripts, styles and images; no inline script; no framing), nosniff, DENY framing,
 * same-origin referrers, no caching of anything but static assets, and HSTS when the public URL is
 * https. Pages must therefore keep scripts and styles in {@code /static/}, never inline.
 */
final class SecurityHeaders {
    private final Map<String, String> headers;

    /**
     * @param https             whether browsers reach the host over https (then HSTS is sent)
     * @param formActionOrigins origins forms may post to besides this one (a form POST that is
     *                          redirected to Calendly's OAuth page counts as posting there)
     */
    SecurityHeaders(boolean https, List<String> formActionOrigins) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                + "form-action 'self'" + formActionOrigins.stream().map(o -> " " + o).reduce("", String::concat)
                + "; frame-ancestors 'none'");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "same-origin");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        if (https) {
            h.put("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
        this.headers = Map.copyOf(h);
    }

    void apply(Context ctx) {
        headers.forEach(ctx::header);
        if (!ctx.path().startsWith("/static/")) {
            // Pages show a tenant's contacts: the back button after logout must not show them from cache.
            ctx.header("Cache-Control", "no-store");
        }
    }

    Map<String, String> headers() {
        return headers;
    }
}
