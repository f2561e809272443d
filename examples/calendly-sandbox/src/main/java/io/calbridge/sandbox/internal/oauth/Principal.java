package io.calbridge.sandbox.internal.oauth;

import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.state.Model.Access;

/** Who is calling the API: the token's user and what the token may do. */
public record Principal(Access access, boolean enforceScopes) {
    public boolean has(String scope) {
        if (!enforceScopes) {
            return true;
        }
        if (access.scopes() == null) {
            // Tokens without requested scopes: full access for legacy apps/PATs, none for new apps.
            return access.legacy();
        }
        return Scopes.covers(access.scopes(), scope);
    }

    public void require(String scope) {
        if (!has(scope)) {
            throw ApiError.missingScope(scope);
        }
    }

    public String userUuid() {
        return access.userUuid();
    }

    public String clientId() {
        return access.clientId();
    }
}
