package io.calbridge.sandbox.internal.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import java.util.ArrayList;
import java.util.List;

/** An API error in Calendly's shape {@code {title, message, details?}}. */
public final class ApiError extends HttpError {
    private static final long serialVersionUID = 1L;

    public record Detail(String parameter, String message) {
    }

    private final String title;
    private final transient List<Detail> details;

    public ApiError(int status, String title, String message, List<Detail> details) {
        super(status, message);
        this.title = title;
        this.details = details == null ? List.of() : List.copyOf(details);
    }

    @Override
    public ObjectNode body() {
        ObjectNode o = CalendlyJson.object();
        o.put("title", title);
        o.put("message", getMessage());
        if (!details.isEmpty()) {
            ArrayNode d = o.putArray("details");
            for (Detail detail : details) {
                ObjectNode item = d.addObject();
                if (detail.parameter() != null) {
                    item.put("parameter", detail.parameter());
                }
                item.put("message", detail.message());
            }
        }
        return o;
    }

    public static ApiError invalidArgument(String parameter, String message) {
        return new ApiError(400, "Invalid Argument", "The supplied parameters are invalid.",
                List.of(new Detail(parameter, message)));
    }

    public static ApiError invalidArguments(List<Detail> details) {
        return new ApiError(400, "Invalid Argument", "The supplied parameters are invalid.", new ArrayList<>(details));
    }

    public static ApiError unauthenticated(String message) {
        return new ApiError(401, "Unauthenticated", message, null);
    }

    public static ApiError permissionDenied() {
        return new ApiError(403, "Permission Denied", "You do not have permission to access this resource.", null);
    }

    public static ApiError permissionDenied(String message) {
        return new ApiError(403, "Permission Denied", message, null);
    }

    public static ApiError missingScope(String scope) {
        return new ApiError(403, "Permission Denied", "You do not have permission to access this resource.",
                List.of(new Detail("scope", "this endpoint requires the '" + scope + "' scope")));
    }

    public static ApiError upgradePlan() {
        return new ApiError(403, "Permission Denied", "Please upgrade your Calendly account to Standard", null);
    }

    public static ApiError notFound() {
        return new ApiError(404, "Resource Not Found", "The server could not find the requested resource.", null);
    }

    public static ApiError alreadyExists(String message) {
        return new ApiError(409, "Already Exists", message, null);
    }

    public static ApiError tooManyRequests() {
        return new ApiError(429, "Too Many Requests", "You have exceeded the rate limit. Please try again later.", null);
    }

    public static ApiError internal() {
        return new ApiError(500, "Internal Server Error",
                "The server encountered an unexpected condition that prevented it from fulfilling the request.", null);
    }

    public static ApiError forStatus(int status) {
        return switch (status) {
            case 400 -> new ApiError(400, "Invalid Argument", "The supplied parameters are invalid.", null);
            case 401 -> unauthenticated("The access token is invalid");
            case 403 -> permissionDenied();
            case 404 -> notFound();
            case 429 -> tooManyRequests();
            case 503 -> new ApiError(503, "Service Unavailable", "The service is temporarily unavailable.", null);
            default -> status >= 500 ? new ApiError(status, "Internal Server Error",
                    "The server encountered an unexpected condition that prevented it from fulfilling the request.", null)
                    : new ApiError(status, "Error", "Injected failure", null);
        };
    }
}
