package io.calbridge.sandbox.internal.oauth;

import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.state.Model.Grant;

/** Who is calling the API: the token's user and what the token may do. */
public record Principal(String userUuid, Grant grant, boolean enforceScopes) {
    public boolean has(String scope) {
        if (!enforceScopes) {
            return true;
        }
        if (grant.scopes == null) {
            // Tokens without requested scopes: full access for legacy apps/PATs, none for new apps.
            return grant.legacy;
        }
        return Scopes.covers(grant.scopes, scope);
    }

    public void require(String scope) {
        if (!has(scope)) {
            throw ApiError.missingScope(scope);
        }
    }

    public String clientId() {
        return grant.clientId;
    }
}
