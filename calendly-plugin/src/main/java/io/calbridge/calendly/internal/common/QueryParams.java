package io.calbridge.calendly.internal.common;

import io.javalin.http.Context;

/** Query parameters of the JSON routes (settings, privacy), read the same way everywhere. */
public final class QueryParams {
    private QueryParams() {
    }

    /** An optional integer query parameter within bounds; 400 {@code invalid_parameter} naming it otherwise. */
    public static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
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
}
