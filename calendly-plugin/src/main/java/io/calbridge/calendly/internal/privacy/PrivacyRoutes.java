package io.calbridge.calendly.internal.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.calbridge.calendly.PersonErased;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.QueryParams;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The tenant admin's privacy routes (docs/settings-api.md, "Privacy"):
 * {@code GET|PUT {prefix}/settings/calendly/privacy} (the tenant's choices) and
 * {@code POST {prefix}/settings/calendly/privacy/erasures} (erase one person by e-mail).
 */
record PrivacyRoutes(Access access, Erasure erasure, AuditTrail audit) {
    void register(RoutesConfig routes, String prefix) {
        String root = prefix + "/settings/calendly/privacy";
        routes.get(root, this::settings);
        routes.put(root, this::saveSettings);
        routes.post(root + "/erasures", this::erase);
        routes.post(root + "/exports", this::export);
        routes.get(prefix + "/settings/calendly/audit", this::auditTrail);
        routes.after(prefix + "/settings/calendly/*", audit::afterSettingsRequest);
    }

    /** A POST, so the e-mail travels in the body, never in a URL (access logs, browser history). */
    private void export(Context ctx) {
        HostSecurity.Caller caller = access.requireAdmin(ctx);
        JsonNode email = body(ctx).get("email");
        String value = Erasure.requireEmail(email == null || !email.isTextual() ? null : email.asText());
        ctx.header("Content-Disposition", "attachment; filename=\"calendly-person-export.json\"");
        ctx.header("Cache-Control", "no-store");
        write(ctx, 200, erasure.export(caller.tenantId(), value, caller.userId()));
    }

    private void auditTrail(Context ctx) {
        HostSecurity.Caller caller = access.requireAdmin(ctx);
        int page = QueryParams.intParam(ctx, "page", 1, 1, 100_000);
        int size = QueryParams.intParam(ctx, "size", 50, 1, 200);
        List<AuditTrail.Entry> items = audit.page(caller.tenantId(), (page - 1) * size, size + 1);
        boolean more = items.size() > size;
        write(ctx, 200, java.util.Map.of("items", more ? items.subList(0, size) : items, "page", page, "size", size,
                "has_more", more));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SettingsBody(String afterErasure, boolean calendlyDeletion) {
        static SettingsBody of(TenantPrivacy p) {
            return new SettingsBody(p.afterErasure().name(), p.calendlyDeletion());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ErasureBody(int bookings, int deliveries, int rejections, boolean hostAsked, int hostContacts, int hostTasks,
                       int hostActivities, boolean calendlyDeletion, String laterDeliveries, Instant erasedAt,
                       List<String> problems) {
        static ErasureBody of(PersonErased e) {
            return new ErasureBody(e.bookings(), e.deliveries(), e.rejections(), e.hostAsked(), e.hostContacts(), e.hostTasks(),
                    e.hostActivities(), e.calendlyDeletion(), e.laterDeliveries(), e.erasedAt(), e.problems());
        }
    }

    private void settings(Context ctx) {
        HostSecurity.Caller caller = access.requireAdmin(ctx);
        write(ctx, 200, SettingsBody.of(erasure.settings(caller.tenantId())));
    }

    private void saveSettings(Context ctx) {
        HostSecurity.Caller caller = access.requireAdmin(ctx);
        JsonNode body = body(ctx);
        TenantPrivacy current = erasure.settings(caller.tenantId());
        TenantPrivacy.AfterErasure after = current.afterErasure();
        JsonNode a = body.get("after_erasure");
        if (a != null) {
            try {
                after = TenantPrivacy.AfterErasure.valueOf(a.asText("").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid", "after_erasure must be IGNORE or NEW_CONTACT", "after_erasure");
            }
        }
        boolean deletion = current.calendlyDeletion();
        JsonNode d = body.get("calendly_deletion");
        if (d != null) {
            if (!d.isBoolean()) {
                throw ApiException.badRequest("invalid", "calendly_deletion must be true or false", "calendly_deletion");
            }
            deletion = d.asBoolean();
        }
        TenantPrivacy next = new TenantPrivacy(after, deletion);
        erasure.saveSettings(caller.tenantId(), next, caller.userId());
        write(ctx, 200, SettingsBody.of(next));
    }

    private void erase(Context ctx) {
        HostSecurity.Caller caller = access.requireAdmin(ctx);
        JsonNode email = body(ctx).get("email");
        String value = Erasure.requireEmail(email == null || !email.isTextual() ? null : email.asText());
        write(ctx, 200, ErasureBody.of(erasure.erase(caller.tenantId(), value, caller.userId())));
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.mapper().readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("invalid_json", "the body must be a JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the body is not valid JSON", null);
        }
    }

    private static void write(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
