package io.calbridge.calendly.internal.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.DryRun;
import io.calbridge.calendly.internal.booking.DryRunItem;
import io.calbridge.calendly.internal.booking.EventTypeMapping;
import io.calbridge.calendly.internal.booking.MappingInput;
import io.calbridge.calendly.internal.booking.MappingRules;
import io.calbridge.calendly.internal.booking.MappingService;
import io.calbridge.calendly.internal.booking.SettingsService;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.QueryParams;
import io.calbridge.calendly.internal.common.StrictJson;
import io.calbridge.calendly.internal.webhook.ReplayResult;
import io.calbridge.calendly.internal.webhook.WebhookLogEntry;
import io.calbridge.calendly.internal.webhook.WebhookLogPage;
import io.calbridge.calendly.internal.webhook.WebhookLogQuery;
import io.calbridge.calendly.internal.webhook.WebhookOperations;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.impl.SQLDataType;

/**
 * The settings API's handlers: each one checks the caller ({@link Access#requireAdmin}), resolves
 * every id in the path within the caller's tenant (another tenant's id answers the same 404 as a
 * missing one), calls one service and writes JSON. Errors are {@link ApiException}s, rendered by
 * {@code ApiErrors} as {@code {"error":{"code","message"[,"field"]}}}.
 *
 * <p>Paths are relative to {@code {routePrefix}/settings/calendly}; the connect, callback and
 * disconnect routes belong to the oauth feature and are registered before these (so that
 * {@code GET /callback} is not taken for an integration id).
 */
record SettingsRoutes(Access access, HealthService health, SettingsService settings, MappingService mappings,
                      DryRun dryRun, WebhookOperations webhooks, EventTypeCatalog eventTypes, ConnectOptions connect,
                      OpenApiDocument openApi) {
    static final String ROOT = "/settings/calendly";
    static final int DEFAULT_DRY_RUN = 20;
    static final int DEFAULT_LOG_SIZE = 25;

    /** What the connect form needs to know about this installation. */
    record ConnectOptions(boolean platformAppAvailable, String redirectUri) {
    }

    void register(RoutesConfig routes, String prefix) {
        String root = prefix + ROOT;
        // Literal paths first: "/openapi.json" must not be read as an integration id.
        routes.get(root + "/openapi.json", this::openApi);
        routes.get(root, this::list);
        routes.get(root + "/{id}", this::integration);
        routes.get(root + "/{id}/health", this::health);
        routes.get(root + "/{id}/settings", this::getSettings);
        routes.put(root + "/{id}/settings", this::putSettings);
        routes.get(root + "/{id}/event-types", this::eventTypes);
        routes.get(root + "/{id}/choices", this::choices);
        routes.get(root + "/{id}/mappings", this::listMappings);
        routes.put(root + "/{id}/mappings", this::putMappingByEventType);
        routes.get(root + "/{id}/mappings/{mappingId}", this::getMapping);
        routes.put(root + "/{id}/mappings/{mappingId}", this::putMapping);
        routes.delete(root + "/{id}/mappings/{mappingId}", this::deleteMapping);
        routes.get(root + "/{id}/dry-run", this::dryRun);
        routes.get(root + "/{id}/webhooks", this::webhookLog);
        routes.get(root + "/{id}/webhooks/{entryId}", this::webhookLogEntry);
        routes.post(root + "/{id}/webhooks/replay-dead-letters", this::replayDeadLetters);
        routes.post(root + "/{id}/webhooks/{inboxId}/replay", this::replay);
    }

    // ---- integrations and health ----------------------------------------------------------------

    void openApi(Context ctx) {
        JsonIo.write(ctx, 200, openApi.document());
    }

    void list(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("integrations", health.list(caller.tenantId()));
        Map<String, Object> modes = new LinkedHashMap<>();
        modes.put("modes", connect.platformAppAvailable()
                ? List.of("platform_app", "tenant_app", "personal_token") : List.of("tenant_app", "personal_token"));
        modes.put("platform_app_available", connect.platformAppAvailable());
        modes.put("redirect_uri", connect.redirectUri());
        body.put("connect", modes);
        JsonIo.write(ctx, 200, body);
    }

    void integration(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = integrationId(ctx);
        ObjectNode body = Json.mapper().valueToTree(health.get(caller.tenantId(), id));
        body.set("settings", Json.mapper().valueToTree(settings.get(caller.tenantId(), id)));
        body.set("mappings", Json.mapper().valueToTree(mappings.list(caller.tenantId(), id)));
        JsonIo.write(ctx, 200, body);
    }

    void health(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        JsonIo.write(ctx, 200, health.get(caller.tenantId(), integrationId(ctx)));
    }

    // ---- default settings -----------------------------------------------------------------------

    void getSettings(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        JsonIo.write(ctx, 200, settings.get(caller.tenantId(), id));
    }

    void putSettings(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        ObjectNode body = StrictJson.readObject(ctx.body());
        Map<String, MappingRules> mappingRules = mappingsOf(body.remove(SettingsService.MAPPINGS_KEY));
        StrictJson.requireKnownKeys(body, BookingSettings.class, "");
        JsonIo.write(ctx, 200, settings.change(caller.tenantId(), id, current -> merged(current, body), mappingRules));
    }

    /**
     * Merge semantics: the body carries only the keys it changes. An object merges into the stored
     * one key by key; any other value (a list, a string, a number, null) replaces it, and null resets
     * the key to its default.
     */
    static BookingSettings merged(BookingSettings current, ObjectNode change) {
        ObjectNode tree = Json.mapper().valueToTree(current);
        merge(tree, change);
        return StrictJson.convert(tree, BookingSettings.class, "");
    }

    private static void merge(ObjectNode into, ObjectNode change) {
        change.fields().forEachRemaining(e -> {
            JsonNode old = into.get(e.getKey());
            if (old instanceof ObjectNode o && e.getValue() instanceof ObjectNode c) {
                merge(o, c);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    /** The seed's {@code event_type_mappings}: an object from event type URI to that type's rules. */
    private static Map<String, MappingRules> mappingsOf(JsonNode node) {
        String key = SettingsService.MAPPINGS_KEY;
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid_value", key + " has the wrong type: expected a JSON object from "
                    + "event type URI to its rules", key);
        }
        Map<String, MappingRules> out = new LinkedHashMap<>();
        int position = 0;
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            String field = StrictJson.child(key, e.getKey(), ++position);
            if (!e.getValue().isObject()) {
                throw ApiException.badRequest("invalid_value", field + " has the wrong type: expected a JSON object", field);
            }
            StrictJson.requireKnownKeys(e.getValue(), MappingRules.class, field);
            out.put(e.getKey().strip(), StrictJson.convert(e.getValue(), MappingRules.class, field));
        }
        return out;
    }

    // ---- Calendly event types and the tenant's choices --------------------------------------------

    void eventTypes(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        EventTypeListing listing = eventTypeListing(caller.tenantId(), integrationId(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_types", listing.eventTypes());
        body.put("fetched_at", listing.fetchedAt());
        body.put("stale", listing.staleReason() != null);
        body.put("stale_reason", listing.staleReason());
        JsonIo.write(ctx, 200, body);
    }

    /** The integration's Calendly event types, each with the id of its mapping if it has one. */
    EventTypeListing eventTypeListing(String tenantId, UUID integrationId) {
        HealthStore.Facts integration = health.facts(tenantId, integrationId);
        EventTypeCatalog.Listing listing = eventTypes.eventTypes(integration);
        Map<String, UUID> mapped = new LinkedHashMap<>();
        mappings.list(tenantId, integration.id()).forEach(m -> mapped.put(m.eventTypeUri(), m.id()));
        List<EventTypeView> items = listing.eventTypes().stream()
                .map(e -> new EventTypeView(e.uri(), e.name(), e.active(), e.slug(), e.schedulingUrl(), e.duration(),
                        e.kind(), e.type(), e.ownerName(), e.ownerUri(), mapped.get(e.uri())))
                .toList();
        return new EventTypeListing(items, listing.fetchedAt(), listing.staleReason());
    }

    void choices(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        owned(ctx, caller);
        SettingsService.Choices c = settings.choices(caller.tenantId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lists", c.lists());
        body.put("tags", c.tags());
        body.put("statuses", c.statuses());
        body.put("team_members", c.teamMembers());
        JsonIo.write(ctx, 200, body);
    }

    // ---- mappings -------------------------------------------------------------------------------

    void listMappings(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        JsonIo.write(ctx, 200, Map.of("mappings", mappings.list(caller.tenantId(), id)));
    }

    void getMapping(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        JsonIo.write(ctx, 200, mappings.get(caller.tenantId(), id, mappingId(ctx)));
    }

    /** Creates or replaces the mapping of the body's {@code event_type_uri}: 201 when created, 200 when replaced. */
    void putMappingByEventType(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        MappingInput input = JsonIo.read(ctx, MappingInput.class);
        MappingService.Saved saved = mappings.put(caller.tenantId(), id, input);
        JsonIo.write(ctx, saved.created() ? 201 : 200, saved.mapping());
    }

    void putMapping(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        UUID mappingId = mappingId(ctx);
        mappings.get(caller.tenantId(), id, mappingId);
        MappingInput input = JsonIo.read(ctx, MappingInput.class);
        JsonIo.write(ctx, 200, mappings.update(caller.tenantId(), id, mappingId, input));
    }

    void deleteMapping(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        mappings.delete(caller.tenantId(), id, mappingId(ctx));
        ctx.status(204);
    }

    // ---- dry run --------------------------------------------------------------------------------

    void dryRun(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        int limit = QueryParams.intParam(ctx, "limit", DEFAULT_DRY_RUN, 1, DryRun.MAX);
        List<DryRunItem> items = dryRun.preview(caller.tenantId(), id, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("limit", limit);
        body.put("items", items);
        JsonIo.write(ctx, 200, body);
    }

    // ---- webhook log and replays -----------------------------------------------------------------

    void webhookLog(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        int page = QueryParams.intParam(ctx, "page", 1, 1, 100_000);
        int size = QueryParams.intParam(ctx, "size", DEFAULT_LOG_SIZE, 1, WebhookLogQuery.MAX_LIMIT);
        String status = blankToNull(ctx.queryParam("status"));
        String event = blankToNull(ctx.queryParam("event"));
        WebhookLogQuery query = new WebhookLogQuery(id, status == null ? null : status.toUpperCase(Locale.ROOT), event,
                size, (page - 1) * size, true, false);
        WebhookLogPage result = webhooks.log(caller.tenantId(), query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", result.items().stream().map(LogEntry::of).toList());
        body.put("page", page);
        body.put("size", size);
        body.put("has_more", result.hasMore());
        JsonIo.write(ctx, 200, body);
    }

    /**
     * One line of the webhook log. Payloads are redacted (names, e-mails, answers...); a rejected
     * delivery never has one.
     *
     * @param replayable a stored delivery that is not being processed right now
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LogEntry(String kind, long id, String event, String status, String reason, String detail, int attempts,
                    String lastError, Instant receivedAt, Instant signedAt, Instant eventCreatedAt, Instant nextAttemptAt,
                    Instant processedAt, Integer processingMs, Integer bodyBytes, boolean replayable, JsonNode payload) {
        static LogEntry of(WebhookLogEntry e) {
            boolean delivery = WebhookLogEntry.DELIVERY.equals(e.kind());
            return new LogEntry(e.kind().toLowerCase(Locale.ROOT), e.id(), e.event(), e.status(), e.reason(), e.detail(),
                    e.attempts(), e.lastError(), e.receivedAt(), e.signedAt(), e.eventCreatedAt(), e.nextAttemptAt(),
                    e.processedAt(), e.processingMs(), e.bodyBytes(), delivery && !"PROCESSING".equals(e.status()),
                    e.payload());
        }
    }

    /**
     * One line of the log by its id ({@code ?kind=rejection} for a refused delivery: the two kinds
     * count their ids apart; a delivery's id is also the one a replay takes).
     */
    void webhookLogEntry(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        String kind = logEntryKind(ctx.queryParam("kind"));
        long entryId = Access.parseId(ctx.pathParam("entryId"), SQLDataType.BIGINT).orElseThrow(SettingsRoutes::logEntryNotFound);
        WebhookLogEntry entry = webhooks.logEntry(caller.tenantId(), id, kind, entryId)
                .orElseThrow(SettingsRoutes::logEntryNotFound);
        JsonIo.write(ctx, 200, LogEntry.of(entry));
    }

    /** The {@code kind} query parameter: a delivery unless it says otherwise; 400 naming it when it is neither. */
    private static String logEntryKind(String raw) {
        String kind = blankToNull(raw);
        if (kind == null || kind.equalsIgnoreCase(WebhookLogEntry.DELIVERY)) {
            return WebhookLogEntry.DELIVERY;
        }
        if (kind.equalsIgnoreCase(WebhookLogEntry.REJECTION)) {
            return WebhookLogEntry.REJECTION;
        }
        throw ApiException.badRequest("invalid_parameter", "kind must be delivery or rejection", "kind");
    }

    void replay(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        String raw = ctx.pathParam("inboxId");
        long inboxId = Access.parseId(raw, SQLDataType.BIGINT).orElseThrow(SettingsRoutes::deliveryNotFound);
        if (!health.deliveryOf(caller.tenantId(), id, inboxId)) {
            throw deliveryNotFound();
        }
        ReplayResult r = webhooks.replay(caller.tenantId(), inboxId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inbox_id", r.inboxId());
        body.put("previous_status", r.previousStatus());
        body.put("status", "PENDING");
        JsonIo.write(ctx, 200, body);
    }

    void replayDeadLetters(Context ctx) {
        Caller caller = access.requireAdmin(ctx);
        UUID id = owned(ctx, caller);
        JsonIo.write(ctx, 200, Map.of("replayed", webhooks.replayDeadLetters(caller.tenantId(), id)));
    }

    // ---- ids ------------------------------------------------------------------------------------

    /** The path's integration id if it is a well-formed UUID, else the 404 every unknown id gets. */
    static UUID integrationId(Context ctx) {
        return Access.parseId(ctx.pathParam("id"), SQLDataType.UUID).orElseThrow(SettingsRoutes::integrationNotFound);
    }

    /** The path's integration id, checked to be one of the caller's tenant's integrations. */
    private UUID owned(Context ctx, Caller caller) {
        return health.facts(caller.tenantId(), integrationId(ctx)).id();
    }

    private static UUID mappingId(Context ctx) {
        return Access.parseId(ctx.pathParam("mappingId"), SQLDataType.UUID).orElseThrow(() -> ApiException.notFound("mapping"));
    }

    /** The one answer for an integration id that is malformed, missing, pending or another tenant's. */
    static ApiException integrationNotFound() {
        return ApiException.notFound("Calendly integration");
    }

    static ApiException deliveryNotFound() {
        return ApiException.notFound("webhook delivery");
    }

    /** The one answer for a log entry id that is malformed, missing, or another integration's or tenant's. */
    static ApiException logEntryNotFound() {
        return ApiException.notFound("webhook log entry");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
