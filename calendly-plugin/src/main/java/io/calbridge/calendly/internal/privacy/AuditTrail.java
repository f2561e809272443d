package io.calbridge.calendly.internal.privacy;

import static io.calbridge.db.calendly.Tables.CALENDLY_AUDIT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.JSONB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant's audit trail (docs/privacy.md, "Audit trail"): who changed which setting or mapping,
 * connected, disconnected, replayed or erased what, and when. Settings-API changes are recorded by
 * one after-handler from the matched route, the caller and the path's ids, plus the <em>names</em> of
 * the fields a body sent, never their values: nothing secret or personal can reach the trail.
 * Erasures and forgotten tenants are recorded by their operations, with counts.
 */
public record AuditTrail(Db db, Access access, Clock clock, String root) {
    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    /** Route template (below the settings root) and method, to the action recorded. */
    private static final Map<String, String> ACTIONS = Map.ofEntries(
            Map.entry("POST /connect", "connection.started"),
            Map.entry("GET /callback", "connection.connected"),
            Map.entry("POST /{id}/disconnect", "connection.disconnected"),
            Map.entry("PUT /{id}/settings", "settings.changed"),
            Map.entry("PUT /{id}/mappings", "mapping.saved"),
            Map.entry("PUT /{id}/mappings/{mappingId}", "mapping.saved"),
            Map.entry("DELETE /{id}/mappings/{mappingId}", "mapping.deleted"),
            Map.entry("POST /{id}/webhooks/{inboxId}/replay", "delivery.replayed"),
            Map.entry("POST /{id}/webhooks/replay-dead-letters", "dead_letters.replayed"),
            Map.entry("PUT /privacy", "privacy.changed"));

    /** One entry, as the settings API shows it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Entry(long id, String actor, String action, String target, JsonNode detail, Instant at) {
    }

    /** Records one entry; never fails the caller (a lost entry is logged). */
    public void record(String tenantId, String actor, String action, String target, Map<String, ?> detail) {
        try {
            JSONB json = detail == null || detail.isEmpty() ? null : JSONB.jsonb(Json.mapper().writeValueAsString(detail));
            db.txRun(dsl -> dsl.insertInto(CALENDLY_AUDIT, CALENDLY_AUDIT.TENANT_ID, CALENDLY_AUDIT.ACTOR, CALENDLY_AUDIT.ACTION,
                            CALENDLY_AUDIT.TARGET, CALENDLY_AUDIT.DETAIL, CALENDLY_AUDIT.AT)
                    .values(tenantId, actor, action, target, json, clock.instant().atOffset(ZoneOffset.UTC))
                    .execute());
        } catch (IOException | RuntimeException e) {
            log.warn("Could not record audit entry {} of tenant {}: {}", action, tenantId, e.toString());
        }
    }

    /** The tenant's entries, newest first. */
    public List<Entry> page(String tenantId, int offset, int limit) {
        return db.dsl().selectFrom(CALENDLY_AUDIT)
                .where(CALENDLY_AUDIT.TENANT_ID.eq(tenantId))
                .orderBy(CALENDLY_AUDIT.ID.desc())
                .limit(limit).offset(offset)
                .fetch(r -> new Entry(r.getId(), r.getActor(), r.getAction(), r.getTarget(), tree(r.getDetail()),
                        r.getAt().toInstant()));
    }

    /** After every settings request: a successful change is recorded. */
    void afterSettingsRequest(Context ctx) {
        if (ctx.method() == HandlerType.GET && !ctx.path().endsWith("/callback")) {
            return;
        }
        int status = ctx.statusCode();
        boolean connectedByRedirect = status == 303 && Optional.ofNullable(ctx.res().getHeader("Location")).orElse("")
                .contains("calendly=connected");
        if (!(status >= 200 && status < 300) && !connectedByRedirect) {
            return;
        }
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        if (endpoint == null || !endpoint.path.startsWith(root)) {
            return;
        }
        String template = endpoint.path.substring(root.length());
        String action = ACTIONS.get(ctx.method().name() + " " + template);
        if (action == null) {
            return;
        }
        Optional<HostSecurity.Caller> caller = callerOf(ctx);
        if (caller.isEmpty()) {
            return;
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        String[] names = template.split("/");
        String[] values = ctx.path().substring(ctx.path().length() - template.length()).split("/");
        String target = null;
        for (int i = 0; i < names.length && i < values.length; i++) {
            if (names[i].startsWith("{")) {
                String name = names[i].substring(1, names[i].length() - 1);
                if ("id".equals(name)) {
                    target = values[i];
                } else {
                    detail.put(name, values[i]);
                }
            }
        }
        if (action.equals("settings.changed") || action.equals("mapping.saved") || action.equals("privacy.changed")) {
            detail.put("fields", fieldNames(ctx));
        }
        if (target == null && action.startsWith("connection.")) {
            target = integrationIdAnswered(ctx); // connect and callback name the integration in their answer
        }
        if (action.equals("connection.started")) {
            JsonNode mode = body(ctx).path("mode");
            if (mode.isTextual() && mode.asText().matches("[a-z_]{1,40}")) {
                detail.put("mode", mode.asText());
            }
        }
        record(caller.get().tenantId(), caller.get().userId(), action, target, detail);
    }

    private static String integrationIdAnswered(Context ctx) {
        try {
            String result = ctx.result();
            JsonNode id = result == null ? null : Json.mapper().readTree(result).path("integration_id");
            return id != null && id.isTextual() && id.asText().matches("[0-9a-f-]{36}") ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Optional<HostSecurity.Caller> callerOf(Context ctx) {
        try {
            return Optional.of(access.requireCaller(ctx));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The names of the body's top-level fields (never values). */
    private static List<String> fieldNames(Context ctx) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = body(ctx).fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.mapper().readTree(ctx.bodyAsBytes());
            return node == null ? Json.mapper().createObjectNode() : node;
        } catch (IOException | RuntimeException e) {
            return Json.mapper().createObjectNode();
        }
    }

    private static JsonNode tree(JSONB json) {
        try {
            return json == null ? null : Json.mapper().readTree(json.data());
        } catch (IOException e) {
            return null;
        }
    }
}
