package io.calbridge.calendly.internal.oauth;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who is making a settings request: the host's authenticated tenant and user. A placeholder seam
 * until the settings feature puts the host's security (pac4j) in front of these routes; swap the
 * implementation in {@code Wiring}, the handlers do not change.
 */
@FunctionalInterface
public interface CurrentUser {
    /** Request attribute a host's before-handler sets to the authenticated tenant id (a String). */
    String TENANT_ATTRIBUTE = "calbridge.tenantId";
    /** Request attribute a host's before-handler sets to the authenticated user id (a String). */
    String USER_ATTRIBUTE = "calbridge.userId";

    record Caller(String tenantId, String userId) {
    }

    /** The authenticated caller, or empty when the request is not signed in. */
    Optional<Caller> resolve(Context ctx);

    /** Reads {@link #TENANT_ATTRIBUTE} and {@link #USER_ATTRIBUTE}, set by the host after it authenticated the request. */
    static CurrentUser fromRequestAttributes() {
        return ctx -> {
            Object tenant = ctx.attribute(TENANT_ATTRIBUTE);
            Object user = ctx.attribute(USER_ATTRIBUTE);
            if (tenant == null || user == null || tenant.toString().isBlank() || user.toString().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new Caller(tenant.toString(), user.toString()));
        };
    }
}
