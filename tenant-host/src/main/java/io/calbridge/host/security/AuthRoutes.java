package io.calbridge.host.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pac4j.javalin.CallbackHandler;

/**
 * The handlers of {@link SecurityConfig}'s routes.
 *
 * @param callback pac4j's login callback, which {@link #callback(Context)} runs after the throttle
 */
record AuthRoutes(Logins logins, JwtTokens tokens, CurrentUsers users, CsrfGuard csrf, CallbackHandler callback) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The login form's target: throttle first (429, the password is not even checked), then pac4j. */
    void callback(Context ctx) {
        String email = ctx.formParam("username");
        Optional<Duration> blocked = logins.throttle().blockedFor(email == null ? "" : email.strip(), ctx.ip());
        if (blocked.isPresent()) {
            throw tooManyAttempts(ctx, blocked.get());
        }
        callback.handle(ctx);
        if (Boolean.TRUE.equals(ctx.attribute(FormAuthenticator.LOGGED_IN_ATTRIBUTE))) {
            csrf.rotate(ctx);
        }
    }

    void logout(Context ctx) {
        users.logout(ctx);
        ctx.redirect(SecurityConfig.LOGIN_PATH + "?logged_out", HttpStatus.SEE_OTHER);
    }

    /**
     * {@code {"email", "password", "tenant_id"?}} to {@code {"access_token", "token_type":
     * "Bearer", "expires_in", "expires_at", "tenant_id", "role"}}.
     */
    void token(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            throw invalid("The body must be a JSON object with email and password.", null);
        }
        String email = text(body, "email");
        String password = text(body, "password");
        if (email == null || email.isBlank()) {
            throw invalid("email is required.", "email");
        }
        if (password == null || password.isEmpty()) {
            throw invalid("password is required.", "password");
        }
        Optional<UUID> tenant = Optional.empty();
        String tenantText = text(body, "tenant_id");
        if (tenantText != null && !tenantText.isBlank()) {
            try {
                tenant = Optional.of(UUID.fromString(tenantText.strip()));
            } catch (IllegalArgumentException e) {
                throw invalid("tenant_id must be a tenant's id (a UUID).", "tenant_id");
            }
        }
        Logins.Outcome outcome = logins.attempt(email, password, ctx.ip(), tenant);
        if (outcome instanceof Logins.Success s) {
            JwtTokens.Issued issued = tokens.issue(s.account().id(), s.account().email(), s.tenant());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("access_token", issued.token());
            out.put("token_type", "Bearer");
            out.put("expires_in", tokens.ttl().toSeconds());
            out.put("expires_at", issued.expiresAt().toString());
            out.put("tenant_id", s.tenant().tenantId().toString());
            out.put("role", s.tenant().role().name());
            ctx.header("Pragma", "no-cache");
            ctx.json(out);
        } else if (outcome instanceof Logins.Throttled t) {
            throw tooManyAttempts(ctx, t.retryAfter());
        } else if (outcome instanceof Logins.NoTenant) {
            throw new HttpResponseException(403, tenant.isPresent()
                    ? "This account is not a member of that tenant." : "This account belongs to no tenant.",
                    Map.of("code", "no_tenant"));
        } else {
            throw new HttpResponseException(401, "Wrong email or password.", Map.of("code", "invalid_credentials"));
        }
    }

    void me(Context ctx) {
        CurrentUser user = users.require(ctx);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", user.userId().toString());
        out.put("email", user.email());
        out.put("display_name", user.displayName());
        out.put("tenant_id", user.tenantId().toString());
        out.put("tenant_name", user.tenant().tenantName());
        out.put("role", user.tenant().role().name());
        out.put("authenticated_by", user.bearer() ? "bearer" : "session");
        ctx.json(out);
    }

    void selectTenant(Context ctx) {
        UUID tenant;
        try {
            tenant = UUID.fromString(String.valueOf(ctx.formParam("tenant_id")));
        } catch (IllegalArgumentException e) {
            // Same answer as a tenant the user is not a member of.
            throw new HttpResponseException(404, "Tenant not found.", Map.of("code", "not_found"));
        }
        users.selectTenant(ctx, tenant);
        ctx.redirect(SecurityConfig.APP_PATH, HttpStatus.SEE_OTHER);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static HttpResponseException invalid(String message, String field) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("code", "invalid_request");
        if (field != null) {
            details.put("field", field);
        }
        return new HttpResponseException(400, message, details);
    }

    static HttpResponseException tooManyAttempts(Context ctx, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        ctx.header("Retry-After", Long.toString(seconds));
        long minutes = (seconds + 59) / 60;
        return new HttpResponseException(429, "Too many failed sign-in attempts. Try again in " + minutes
                + (minutes == 1 ? " minute." : " minutes."), Map.of("code", "too_many_attempts"));
    }
}
