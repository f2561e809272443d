package io.calbridge.sandbox.internal.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error the sandbox answers with a status and a JSON body in the shape of the part of Calendly that failed. */
public abstract sealed class HttpError extends RuntimeException permits ApiError, OAuthError {
    private static final long serialVersionUID = 1L;

    private final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The response body; {@link #getMessage()} is its human-readable part. */
    public abstract ObjectNode body();
}
