package io.calbridge.sandbox.internal.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import java.util.Objects;

/** An RFC 6749 error of the auth server: {@code {"error": ..., "error_description": ...}}. */
public final class OAuthError extends HttpError {
    private static final long serialVersionUID = 1L;

    public static final String INVALID_GRANT_DESCRIPTION = "The provided authorization grant is invalid, expired, "
            + "revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
    public static final String INVALID_CLIENT_DESCRIPTION = "Client authentication failed due to unknown client, "
            + "no client authentication included, or unsupported authentication method.";

    private final String error;

    public OAuthError(int status, String error, String description) {
        super(status, description);
        this.error = Objects.requireNonNull(error, "error"); // RFC 6749 5.2: an error response always has one
    }

    /** The RFC 6749 code, e.g. {@code invalid_grant}. */
    public String error() {
        return error;
    }

    @Override
    public ObjectNode body() {
        return CalendlyJson.object().put("error", error).put("error_description", getMessage());
    }

    public static OAuthError invalidGrant(int status) {
        return new OAuthError(status, "invalid_grant", INVALID_GRANT_DESCRIPTION);
    }

    public static OAuthError invalidClient() {
        return new OAuthError(401, "invalid_client", INVALID_CLIENT_DESCRIPTION);
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description);
    }
}
