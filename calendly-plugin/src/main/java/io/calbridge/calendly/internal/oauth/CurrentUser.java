package io.calbridge.calendly.internal.oauth;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who is making a settings request: the host's authenticated tenant and user. {@code Wiring} answers
 * it from the host's {@code HostSecurity} (tenant admins only); tests pass their own.
 */
@FunctionalInterface
public interface CurrentUser {
    record Caller(String tenantId, String userId) {
    }

    /** The authenticated caller, or empty when the request is not signed in. */
    Optional<Caller> resolve(Context ctx);
}
