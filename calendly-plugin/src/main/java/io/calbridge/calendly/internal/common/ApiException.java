package io.calbridge.calendly.internal.common;

import io.calbridge.calendly.CalendlyActionException;
import java.time.Duration;

/**
 * An error a plugin endpoint answers with: HTTP status, a stable machine-readable code, a message
 * for people, and the offending field when validation failed. Rendered as
 * {@code {"error": {"code", "message", "field"}}}. Messages never contain secret values.
 *
 * <p>The same error as host code sees it from {@code CalendlyActions}, plus when to retry; the
 * actions hand host code a plain {@link CalendlyActionException}, never this internal type.
 */
public class ApiException extends CalendlyActionException {
    private final Duration retryAfter;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, String field) {
        this(status, code, message, field, null);
    }

    private ApiException(int status, String code, String message, String field, Duration retryAfter) {
        super(status, code, message, field);
        this.retryAfter = retryAfter;
    }

    /**
     * 503: the answer needs something that is unavailable for a while (Calendly rate-limiting us,
     * a token request backing off); sent with {@code Retry-After} in whole seconds, at least 1.
     */
    public static ApiException unavailable(String code, String message, Duration retryAfter) {
        return new ApiException(503, code, message, null,
                retryAfter == null || retryAfter.isNegative() ? Duration.ZERO : retryAfter);
    }

    /** Seconds for {@code Retry-After}, rounded up, at least 1; null when the error says nothing about when. */
    public Long retryAfterSeconds() {
        if (retryAfter == null) {
            return null;
        }
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    public static ApiException badRequest(String code, String message, String field) {
        return new ApiException(400, code, message, field);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }
}
