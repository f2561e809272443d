package io.calbridge.calendly.internal.client;

import io.calbridge.calendly.internal.common.Secret;

/**
 * Where a {@link CalendlyApi} gets its bearer token. An integration's credential comes from
 * {@code oauth.TokenSource#credential}; a fixed one ({@link #fixed}) serves calls made before a token
 * is stored (validating a personal access token, reading {@code /users/me} during connect).
 */
public interface Credential {
    /** The token to send now. May refresh, may throw the token source's exceptions. */
    Secret accessToken();

    /**
     * Calendly answered 401 to {@code rejected}. Returns the token to retry with once, or
     * {@code null} when there is nothing better to try (the 401 is then reported to the caller).
     */
    Secret afterUnauthorized(Secret rejected);

    static Credential fixed(Secret token) {
        return new Credential() {
            @Override
            public Secret accessToken() {
                return token;
            }

            @Override
            public Secret afterUnauthorized(Secret rejected) {
                return null;
            }
        };
    }
}
