package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Calendly refused a call, failed, or could not be reached (after the retries the client allows).
 * Carries Calendly's own {@code title} and {@code message} (or the OAuth {@code error} and
 * {@code error_description}), the HTTP status and the method and path called. Never a token, a
 * client secret, a request body or a query string.
 */
public class CalendlyApiException extends RuntimeException {
    /** One entry of Calendly's {@code details} array. */
    public record Detail(String parameter, String message, String code) {
    }

    private final int status;
    private final String title;
    private final String calendlyMessage;
    private final List<Detail> details;
    private final String oauthError;
    private final Duration retryAfter;
    private final String call;

    CalendlyApiException(int status, String title, String calendlyMessage, List<Detail> details, String oauthError,
                         Duration retryAfter, String call, Throwable cause) {
        super(describe(status, title, calendlyMessage, oauthError, call), cause);
        this.status = status;
        this.title = title;
        this.calendlyMessage = calendlyMessage;
        this.details = details == null ? List.of() : List.copyOf(details);
        this.oauthError = oauthError;
        this.retryAfter = retryAfter;
        this.call = call;
    }

    static CalendlyApiException fromResponse(String call, int status, byte[] body, Duration retryAfter) {
        String title = null;
        String message = null;
        String oauthError = null;
        List<Detail> details = new ArrayList<>();
        try {
            JsonNode node = body == null || body.length == 0 ? null : CalendlyJson.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                title = text(node, "title");
                message = text(node, "message");
                oauthError = text(node, "error");
                if (message == null) {
                    message = text(node, "error_description");
                }
                for (JsonNode d : node.path("details")) {
                    details.add(new Detail(text(d, "parameter"), text(d, "message"), text(d, "code")));
                }
            }
        } catch (Exception unreadable) {
            // Not JSON (a proxy's HTML error page, say): the status alone has to do.
        }
        return new CalendlyApiException(status, title, message, details, oauthError, retryAfter, call, null);
    }

    static CalendlyApiException network(String call, Throwable cause) {
        String why = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new CalendlyApiException(0, "Calendly unreachable", why, List.of(), null, null, call, cause);
    }

    static CalendlyApiException interrupted(String call, InterruptedException cause) {
        return new CalendlyApiException(0, "Interrupted", "interrupted while waiting to retry", List.of(), null, null,
                call, cause);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String describe(int status, String title, String message, String oauthError, String call) {
        StringBuilder s = new StringBuilder();
        s.append(status == 0 ? "Calendly could not be reached" : "Calendly answered " + status);
        if (oauthError != null) {
            s.append(' ').append(oauthError);
        }
        if (title != null) {
            s.append(' ').append(title);
        }
        if (message != null) {
            s.append(": ").append(message);
        }
        if (call != null) {
            s.append(" (").append(call).append(')');
        }
        return s.toString();
    }

    /** HTTP status, or 0 when no response arrived (connection refused, timeout). */
    public int status() {
        return status;
    }

    /** Calendly's {@code title}, e.g. "Permission Denied"; null when absent. */
    public String title() {
        return title;
    }

    /** Calendly's {@code message} (or OAuth {@code error_description}); null when absent. */
    public String calendlyMessage() {
        return calendlyMessage;
    }

    public List<Detail> details() {
        return details;
    }

    /** The OAuth {@code error} code ({@code invalid_grant}, ...) from the OAuth server; null otherwise. */
    public String oauthError() {
        return oauthError;
    }

    /** For 429: how long Calendly asked us to wait; null when unknown. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** "METHOD /path" of the failed call (no host, no query). */
    public String call() {
        return call;
    }

    /** A later attempt may succeed: no response, 429 or 5xx. */
    public boolean isTransient() {
        return status == 0 || status == 429 || status >= 500;
    }

    /** The OAuth server refused the grant (used or revoked refresh token, expired code). */
    public boolean isInvalidGrant() {
        return "invalid_grant".equals(oauthError);
    }

    /** The OAuth server does not accept the client (wrong client id or secret). */
    public boolean isInvalidClient() {
        return "invalid_client".equals(oauthError) || "unauthorized_client".equals(oauthError);
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /** 403 whose message asks to upgrade the Calendly plan (webhooks need a paid plan). */
    public boolean isUpgradeRequired() {
        return status == 403 && calendlyMessage != null && calendlyMessage.toLowerCase().contains("upgrade");
    }
}
