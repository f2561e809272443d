package io.calbridge.calendly.internal.ui;

import io.calbridge.calendly.SettingsUi;
import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.DryRun;
import io.calbridge.calendly.internal.booking.EventTypeMapping;
import io.calbridge.calendly.internal.booking.MappingInput;
import io.calbridge.calendly.internal.booking.MappingRules;
import io.calbridge.calendly.internal.booking.MappingService;
import io.calbridge.calendly.internal.booking.SettingsService;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.oauth.Connections;
import io.calbridge.calendly.internal.oauth.SubscriptionStatus;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.internal.settings.EventTypeListing;
import io.calbridge.calendly.internal.settings.IntegrationSummary;
import io.calbridge.calendly.internal.settings.SettingsApi;
import io.calbridge.calendly.internal.ui.templates.JteactivityGenerated;
import io.calbridge.calendly.internal.ui.templates.JtebookingsGenerated;
import io.calbridge.calendly.internal.ui.templates.JteconnectionGenerated;
import io.calbridge.calendly.internal.ui.templates.JtedocumentGenerated;
import io.calbridge.calendly.internal.ui.templates.JteeventTypesGenerated;
import io.calbridge.calendly.internal.ui.templates.JtefailureGenerated;
import io.calbridge.calendly.internal.ui.templates.JtemappingGenerated;
import io.calbridge.calendly.internal.sync.Sync;
import io.calbridge.calendly.internal.privacy.AuditTrail;
import io.calbridge.calendly.internal.webhook.WebhookLogPage;
import io.calbridge.calendly.internal.webhook.WebhookLogQuery;
import io.calbridge.calendly.internal.webhook.WebhookOperations;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.calbridge.calendly.spi.TenantDirectory;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drop-in settings UI's routes (see {@link SettingsUi}). Server-rendered: every GET renders one
 * section with jte templates compiled into the plugin; every form posts here, is checked against the
 * host's CSRF token, calls the same service the JSON API calls, and answers with a redirect that
 * carries the result (shown until dismissed), or, when the input is wrong, with the same form again,
 * the admin's input kept and the message next to the field (400). The small script
 * ({@code assets/ui.js}) only disables buttons while working and asks before disconnecting.
 */
public final class SettingsUiRoutes {
    private static final Logger log = LoggerFactory.getLogger(SettingsUiRoutes.class);
    static final List<String> SECTIONS = List.of("connection", "bookings", "event-types", "activity");
    private static final List<String> DRY_RUN_SIZES = List.of("5", "10", "20", "50");
    /** The plugin's connect error codes that belong to one field of the connect forms. */
    private static final Map<String, String> CONNECT_FIELDS = Map.of(
            "client_id_missing", "client_id",
            "client_rejected", "client_secret",
            "client_secret_missing", "client_secret",
            "personal_token_missing", "personal_token",
            "token_invalid", "personal_token",
            "token_scope", "personal_token",
            "webhook_signing_key_invalid", "webhook_signing_key");

    private final SettingsUi config;
    private final Messages messages;
    private final Access access;
    private final HostSecurity security;
    private final TenantDirectory tenants;
    private final SettingsApi api;
    private final SettingsService settings;
    private final MappingService mappings;
    private final DryRun dryRun;
    private final WebhookOperations webhooks;
    private final Connections connections;
    private final Sync sync;
    private final AuditTrail audit;

    public SettingsUiRoutes(SettingsUi config, Access access, HostSecurity security, TenantDirectory tenants, SettingsApi api,
                            SettingsService settings, MappingService mappings, DryRun dryRun, WebhookOperations webhooks,
                            Connections connections, Sync sync, AuditTrail audit) {
        this.config = config;
        this.messages = new Messages(config.messages());
        this.access = access;
        this.security = security;
        this.tenants = tenants;
        this.api = api;
        this.settings = settings;
        this.mappings = mappings;
        this.dryRun = dryRun;
        this.webhooks = webhooks;
        this.connections = connections;
        this.sync = sync;
        this.audit = audit;
    }

    public void register(RoutesConfig routes) {
        String base = config.path();
        routes.get(base + "/assets/ui.css", ctx -> asset(ctx, "ui.css", "text/css"));
        routes.get(base + "/assets/ui.js", ctx -> asset(ctx, "ui.js", "text/javascript"));
        routes.get(base, ctx -> page(ctx, "connection", this::connection));
        routes.get(base + "/bookings", ctx -> page(ctx, "bookings", this::bookings));
        routes.get(base + "/event-types", ctx -> page(ctx, "event-types", this::eventTypes));
        routes.get(base + "/event-types/mapping", ctx -> page(ctx, "event-types", this::mapping));
        routes.get(base + "/activity", ctx -> page(ctx, "activity", this::activity));
        routes.post(base + "/connect", ctx -> post(ctx, "connection", r -> connections.connect(ctx)));
        routes.post(base + "/{id}/disconnect", ctx -> post(ctx, "connection", r -> connections.disconnect(ctx)));
        routes.post(base + "/check", ctx -> post(ctx, "connection", this::checkNow));
        routes.post(base + "/import-window", ctx -> post(ctx, "connection", this::saveImportWindow));
        routes.post(base + "/bookings", ctx -> post(ctx, "bookings", this::saveBookings));
        routes.post(base + "/event-types/mapping", ctx -> post(ctx, "event-types", this::saveMapping));
        routes.post(base + "/event-types/mapping/reset", ctx -> post(ctx, "event-types", this::resetMapping));
        routes.post(base + "/activity/replay", ctx -> post(ctx, "activity", this::replay));
        routes.post(base + "/activity/replay-dead", ctx -> post(ctx, "activity", this::replayDead));
    }

    // ---- the request's frame -------------------------------------------------------------------

    /** One request: the caller (tenant admins only), the language, the tenant's zone, the integration. */
    record Request(Context ctx, Caller caller, Ui ui, List<IntegrationSummary> integrations) {
        UUID integration() {
            return ui.integration();
        }

        String tenant() {
            return caller.tenantId();
        }
    }

    private interface Section {
        String render(Request r);
    }

    private Request request(Context ctx, String section) {
        Caller caller = access.requireAdmin(ctx);
        Locale locale = messages.negotiate(ctx.header("Accept-Language"));
        ZoneId zone = zone(caller.tenantId());
        List<IntegrationSummary> all = api.integrations(caller.tenantId());
        UUID selected = ctx.queryParam("integration") == null ? null : selected(ctx.queryParam("integration"), all);
        if (selected == null) {
            String type = ctx.contentType() == null ? "" : ctx.contentType();
            selected = type.startsWith("application/x-www-form-urlencoded") ? selected(ctx.formParam("integration"), all)
                    : selected(null, all);
        }
        String token = security.csrfToken(ctx).orElse("");
        Ui ui = new Ui(messages, locale, zone, config.path(), section, selected, security.csrfField(), token,
                notice(ctx, locale));
        return new Request(ctx, caller, ui, all);
    }

    /** The named integration if it is the tenant's, else the first live one, else the newest, else none. */
    private static UUID selected(String raw, List<IntegrationSummary> all) {
        Optional<UUID> wanted = Access.parseId(raw, SQLDataType.UUID);
        if (wanted.isPresent() && all.stream().anyMatch(i -> i.integrationId().equals(wanted.get()))) {
            return wanted.get();
        }
        return all.stream().filter(i -> !"DISCONNECTED".equals(i.status())).map(IntegrationSummary::integrationId)
                .findFirst().orElse(null);
    }

    private ZoneId zone(String tenantId) {
        try {
            ZoneId zone = tenants.timeZone(HostCall.read(tenantId));
            return zone == null ? ZoneId.of("UTC") : zone;
        } catch (RuntimeException e) {
            log.warn("The host's TenantDirectory failed for the settings UI; showing times in UTC: {}", e.toString());
            return ZoneId.of("UTC");
        }
    }

    private void page(Context ctx, String section, Section body) {
        Request r = requestOrFailure(ctx, section);
        if (r == null) {
            return;
        }
        String html;
        try {
            html = body.render(r);
        } catch (ApiException e) {
            html = failureHtml(r, text(r.ui(), e));
            // "Connect first" is a normal state of a section, not an error of the request.
            ctx.status("not_connected".equals(e.code()) ? 200 : e.status());
        }
        document(ctx, r.ui(), html);
    }

    private void document(Context ctx, Ui ui, String body) {
        String title = ui.t("title");
        StringBuilder head = new StringBuilder();
        head.append("<link rel=\"stylesheet\" href=\"").append(escape(ui.asset("ui.css"))).append("\">\n");
        for (String href : config.stylesheets()) {
            head.append("<link rel=\"stylesheet\" href=\"").append(escape(href)).append("\">\n");
        }
        head.append("<script src=\"").append(escape(ui.asset("ui.js"))).append("\" defer></script>\n");
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8");
        if (config.frame() != null) {
            ctx.result(config.frame().page(ctx, title, head.toString(), body));
        } else {
            ctx.result(render(out -> JtedocumentGenerated.render(out, null, ui, title, head.toString(), body)));
        }
    }

    /** The request of a section, or null when it was refused and {@link #failure} has answered. */
    private Request requestOrFailure(Context ctx, String section) {
        try {
            return request(ctx, section);
        } catch (ApiException e) {
            failure(ctx, e);
            return null;
        }
    }

    private String failureHtml(Request r, String text) {
        return render(out -> JtefailureGenerated.render(out, null, r.ui(), r.integrations(), text));
    }

    /** 401, 403 and the like, before anything else could be rendered. */
    private void failure(Context ctx, ApiException e) {
        Locale locale = messages.negotiate(ctx.header("Accept-Language"));
        Ui ui = new Ui(messages, locale, ZoneId.of("UTC"), config.path(), "connection", null, security.csrfField(), "", null);
        ctx.status(e.status());
        document(ctx, ui, render(out -> JtefailureGenerated.render(out, null, ui, List.of(), text(ui, e))));
    }

    private interface Post {
        void handle(Request r);
    }

    /** A form post: the caller, then the host's CSRF token, then the action. */
    private void post(Context ctx, String section, Post action) {
        Request r = requestOrFailure(ctx, section);
        if (r == null) {
            return;
        }
        Optional<String> expected = security.csrfToken(ctx);
        String presented = ctx.formParam(security.csrfField());
        if (expected.isEmpty() || presented == null || !MessageDigest.isEqual(
                expected.get().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            String why = expected.isEmpty() ? "csrf_unsupported" : "csrf_invalid";
            ctx.status(403);
            document(ctx, r.ui(), failureHtml(r, r.ui().t("error." + why)));
            return;
        }
        try {
            action.handle(r);
        } catch (ApiException e) {
            ctx.status(e.status());
            document(ctx, r.ui(), failureHtml(r, text(r.ui(), e)));
        }
    }

    private void done(Request r, String path, Map<String, String> result) {
        r.ctx().redirect(r.ui().url(path, result), HttpStatus.SEE_OTHER);
    }

    /** The result of the last action, from the redirect's query: it stays until the admin dismisses it. */
    private Ui.Notice notice(Context ctx, Locale locale) {
        String done = ctx.queryParam("done");
        // What the result names (an event type, a count): shown as text, and kept short so that a crafted
        // link cannot put a paragraph of its own words on the page.
        String n = Optional.ofNullable(ctx.queryParam("n")).map(v -> v.length() > 120 ? v.substring(0, 120) + "…" : v)
                .orElse("");
        if (done != null && done.matches("[a-z_]{1,40}") && messages.has(locale, "done." + done)) {
            return new Ui.Notice(done.endsWith("_failed") ? "error" : "ok", messages.text(locale, "done." + done, n));
        }
        String calendly = ctx.queryParam("calendly");
        if ("connected".equals(calendly)) {
            String text = messages.text(locale, "done.connected");
            if ("error".equals(ctx.queryParam("webhooks"))) {
                text += " " + messages.text(locale, "done.connected_webhooks_error");
            }
            for (String warning : Optional.ofNullable(ctx.queryParam("warning")).orElse("").split(",")) {
                if (!warning.isBlank() && messages.has(locale, "done.warning." + warning.strip())) {
                    text += " " + messages.text(locale, "done.warning." + warning.strip());
                }
            }
            return new Ui.Notice("ok", text);
        }
        if ("disconnected".equals(calendly)) {
            String reason = ctx.queryParam("reason");
            return new Ui.Notice("ok", messages.text(locale, "done.disconnected")
                    + (reason == null || reason.isBlank() ? "" : " " + messages.text(locale, "done.disconnected_incomplete")));
        }
        if ("error".equals(calendly)) {
            String reason = Optional.ofNullable(ctx.queryParam("reason")).orElse("unknown");
            if (CONNECT_FIELDS.containsKey(reason)) {
                return null; // said next to the field
            }
            String why = messages.has(locale, "connect.reason." + reason) ? messages.text(locale, "connect.reason." + reason)
                    : messages.text(locale, "connect.reason.unknown");
            return new Ui.Notice("error", messages.text(locale, "done.connect_failed", why));
        }
        return null;
    }

    // ---- Connection -------------------------------------------------------------------------------

    private String connection(Request r) {
        return connection(r, new LinkedHashMap<>(), Map.of());
    }

    private String connection(Request r, Map<String, String> errors, Map<String, String> windowRaw) {
        List<IntegrationSummary> live = r.integrations().stream().filter(i -> !"DISCONNECTED".equals(i.status())).toList();
        List<IntegrationSummary> gone = r.integrations().stream().filter(i -> "DISCONNECTED".equals(i.status())).toList();
        IntegrationSummary selected = r.integration() == null ? null
                : r.integrations().stream().filter(i -> i.integrationId().equals(r.integration())).findFirst().orElse(null);
        String openMode = null;
        String reason = r.ctx().queryParam("reason");
        if ("error".equals(r.ctx().queryParam("calendly")) && reason != null && CONNECT_FIELDS.containsKey(reason)) {
            errors.put(CONNECT_FIELDS.get(reason), r.ui().t("connect.reason." + reason));
            openMode = reason.startsWith("client") || reason.startsWith("webhook") ? "tenant_app" : "personal_token";
        }
        Models.Connection model = new Models.Connection(live, gone, selected, api.platformAppAvailable(), api.redirectUri(),
                errors, openMode, selected == null ? null : Models.Sync.of(selected.health().sync()),
                sync.settings(r.tenant()), windowRaw);
        return render(out -> JteconnectionGenerated.render(out, null, r.ui(), r.integrations(), model));
    }

    /**
     * "Check now": asks Calendly about the webhook subscription (and so the token) at once, repairing
     * what it can, and makes a reconciliation sweep (bookings Calendly has that never arrived) due now.
     */
    private void checkNow(Request r) {
        UUID id = requireIntegration(r);
        api.integration(r.tenant(), id);
        String state;
        try {
            sync.requestSweep(id);
            SubscriptionStatus s = connections.subscriptions().ensureNow(id);
            state = s.error() == null ? s.state() : s.state() + ": " + s.error();
        } catch (RuntimeException e) {
            log.info("Check now of integration {} failed: {}", id, e.toString());
            done(r, "", Map.of("done", "check_failed"));
            return;
        }
        done(r, "", Map.of("done", "checked", "n", state));
    }

    /** The tenant's import window (the sync feature's settings, as {@code PUT .../{id}/sync}). */
    private void saveImportWindow(Request r) {
        UUID id = requireIntegration(r);
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> raw = new LinkedHashMap<>();
        Integer[] days = new Integer[2];
        String[] fields = {"upcoming_days", "past_days"};
        for (int i = 0; i < fields.length; i++) {
            String value = Optional.ofNullable(r.ctx().formParam(fields[i])).orElse("").strip();
            raw.put(fields[i], value);
            try {
                days[i] = value.isEmpty() ? null : Integer.valueOf(value);
            } catch (NumberFormatException e) {
                errors.put(fields[i], r.ui().t("import_window.whole_days"));
            }
        }
        if (errors.isEmpty()) {
            try {
                sync.saveSettings(r.tenant(), days[0], days[1], r.ctx().formParam("past_meeting_tasks") != null);
                audited(r, "sync.changed", id, Map.of("fields", List.of("past_days", "past_meeting_tasks", "upcoming_days")));
                done(r, "", Map.of("done", "import_window_saved"));
                return;
            } catch (ApiException e) {
                if (e.field() == null || e.status() != 400) {
                    throw e;
                }
                errors.put(e.field(), r.ui().t("import_window.range." + e.field()));
            }
        }
        r.ctx().status(400);
        document(r.ctx(), r.ui(), connection(r, errors, raw));
    }

    // ---- What bookings do -------------------------------------------------------------------------

    private String bookings(Request r) {
        UUID id = requireIntegration(r);
        Models.Bookings model = new Models.Bookings(settings.get(r.tenant(), id), choices(r), Map.of(), Map.of());
        return render(out -> JtebookingsGenerated.render(out, null, r.ui(), r.integrations(), model));
    }

    private void saveBookings(Request r) {
        UUID id = requireIntegration(r);
        Forms.Parsed<BookingSettings> form = Forms.bookingSettings(r.ctx());
        Map<String, String> errors = new LinkedHashMap<>();
        form.invalidNumbers().forEach(f -> errors.put(f, r.ui().t("error.whole_number")));
        if (errors.isEmpty()) {
            try {
                settings.update(r.tenant(), id, form.value());
                audited(r, "settings.changed", id, Map.of("fields", fieldNames(r.ctx())));
                done(r, "bookings", Map.of("done", "settings_saved"));
                return;
            } catch (ApiException e) {
                if (e.field() == null || e.status() != 400) {
                    throw e;
                }
                errors.put(Forms.field(e.field()), fieldText(r.ui(), e, form.texts()));
            }
        }
        Models.Bookings model = new Models.Bookings(form.value(), choices(r), form.raw(), errors);
        r.ctx().status(400);
        document(r.ctx(), r.ui(), render(out -> JtebookingsGenerated.render(out, null, r.ui(), r.integrations(), model)));
    }

    // ---- Event types, mappings, dry run -----------------------------------------------------------

    private String eventTypes(Request r) {
        UUID id = requireIntegration(r);
        List<io.calbridge.calendly.internal.settings.EventTypeView> types = List.of();
        String problem = null;
        EventTypeListing listing = null;
        try {
            listing = api.eventTypes(r.tenant(), id);
            types = listing.eventTypes();
        } catch (ApiException e) {
            problem = text(r.ui(), e);
        }
        java.util.Set<String> listed = new java.util.HashSet<>();
        types.forEach(t -> listed.add(t.uri()));
        List<EventTypeMapping> orphans = mappings.list(r.tenant(), id).stream()
                .filter(m -> !listed.contains(m.eventTypeUri())).toList();
        String asked = r.ctx().queryParam("dry_run");
        int limit = asked != null && DRY_RUN_SIZES.contains(asked) ? Integer.parseInt(asked) : 10;
        Models.EventTypes model = new Models.EventTypes(types, problem,
                listing != null && listing.staleReason() != null ? listing.fetchedAt() : null,
                listing == null ? null : listing.staleReason(), orphans,
                asked == null ? null : dryRun.preview(r.tenant(), id, limit), limit);
        return render(out -> JteeventTypesGenerated.render(out, null, r.ui(), r.integrations(), model));
    }

    private String mapping(Request r) {
        UUID id = requireIntegration(r);
        String uri = Optional.ofNullable(r.ctx().queryParam("uri")).orElseThrow(() -> ApiException.notFound("event type"));
        EventTypeMapping existing = mappings.list(r.tenant(), id).stream().filter(m -> m.eventTypeUri().equals(uri))
                .findFirst().orElse(null);
        String name = Optional.ofNullable(r.ctx().queryParam("name")).orElse(existing == null ? uri : existing.eventTypeName());
        Models.Mapping model = new Models.Mapping(uri, name, existing, existing == null ? MappingRules.none() : existing.rules(),
                choices(r), Map.of(), Map.of());
        return render(out -> JtemappingGenerated.render(out, null, r.ui(), r.integrations(), model));
    }

    private void saveMapping(Request r) {
        UUID id = requireIntegration(r);
        String uri = Optional.ofNullable(r.ctx().formParam("uri")).orElse("");
        String name = r.ctx().formParam("name");
        Forms.Parsed<MappingRules> form = Forms.mappingRules(r.ctx());
        Map<String, String> errors = new LinkedHashMap<>();
        form.invalidNumbers().forEach(f -> errors.put(f, r.ui().t("error.whole_number")));
        if (errors.isEmpty()) {
            try {
                EventTypeMapping saved = mappings.put(r.tenant(), id, new MappingInput(uri, name, form.value())).mapping();
                audited(r, "mapping.saved", id, Map.of("mappingId", saved.id().toString(), "fields", fieldNames(r.ctx())));
                done(r, "event-types", Map.of("done", "mapping_saved", "n", name == null ? uri : name));
                return;
            } catch (ApiException e) {
                if (e.field() == null || e.status() != 400) {
                    throw e;
                }
                errors.put(Forms.field(e.field()), fieldText(r.ui(), e, form.texts()));
            }
        }
        EventTypeMapping existing = mappings.list(r.tenant(), id).stream().filter(m -> m.eventTypeUri().equals(uri))
                .findFirst().orElse(null);
        Models.Mapping model = new Models.Mapping(uri, name, existing, form.value(), choices(r), form.raw(), errors);
        r.ctx().status(400);
        document(r.ctx(), r.ui(), render(out -> JtemappingGenerated.render(out, null, r.ui(), r.integrations(), model)));
    }

    private void resetMapping(Request r) {
        UUID id = requireIntegration(r);
        String uri = Optional.ofNullable(r.ctx().formParam("uri")).orElse("");
        Optional<EventTypeMapping> existing = mappings.list(r.tenant(), id).stream()
                .filter(m -> m.eventTypeUri().equals(uri)).findFirst();
        existing.ifPresent(m -> {
            mappings.delete(r.tenant(), id, m.id());
            audited(r, "mapping.deleted", id, Map.of("mappingId", m.id().toString()));
        });
        String name = existing.map(EventTypeMapping::eventTypeName).orElse(uri);
        done(r, "event-types", Map.of("done", "mapping_reset", "n", name == null ? uri : name));
    }

    // ---- Activity: webhook log and replays -----------------------------------------------------------

    private String activity(Request r) {
        UUID id = requireIntegration(r);
        int page = intParam(r.ctx().queryParam("page"), 1, 1, 100_000);
        String status = blankToNull(r.ctx().queryParam("status"));
        String event = blankToNull(r.ctx().queryParam("event"));
        int size = 25;
        WebhookLogPage log = webhooks.log(r.tenant(), new WebhookLogQuery(id,
                status == null ? null : status.toUpperCase(Locale.ROOT), event, size, (page - 1) * size, true, false));
        IntegrationSummary summary = api.integration(r.tenant(), id);
        // The tenant's audit trail, paged on its own (the settings API's service, newest first).
        int auditPage = intParam(r.ctx().queryParam("audit_page"), 1, 1, 100_000);
        List<AuditTrail.Entry> trail = audit.page(r.tenant(), (auditPage - 1) * size, size + 1);
        Models.Audit audits = new Models.Audit(trail.subList(0, Math.min(size, trail.size())), auditPage, trail.size() > size);
        Models.Activity model = new Models.Activity(log.items(), status, event, page, log.hasMore(),
                summary.health().deliveries(), audits);
        return render(out -> JteactivityGenerated.render(out, null, r.ui(), r.integrations(), model));
    }

    private void replay(Request r) {
        UUID id = requireIntegration(r);
        long inboxId = Access.parseId(r.ctx().formParam("inbox_id"), SQLDataType.BIGINT)
                .orElseThrow(() -> ApiException.notFound("webhook delivery"));
        if (!api.deliveryOf(r.tenant(), id, inboxId)) {
            throw ApiException.notFound("webhook delivery");
        }
        webhooks.replay(r.tenant(), inboxId);
        audited(r, "delivery.replayed", id, Map.of("inboxId", Long.toString(inboxId)));
        done(r, "activity", Map.of("done", "replayed", "n", Long.toString(inboxId)));
    }

    private void replayDead(Request r) {
        UUID id = requireIntegration(r);
        int n = webhooks.replayDeadLetters(r.tenant(), id);
        audited(r, "dead_letters.replayed", id, Map.of("count", n));
        done(r, "activity", Map.of("done", "replayed_dead", "n", Integer.toString(n)));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * The UI calls the services directly, not the settings API whose after-handler records the audit
     * trail, so its changes are recorded here, in the same words (names of fields, never values).
     */
    private void audited(Request r, String action, UUID integration, Map<String, ?> detail) {
        Map<String, Object> all = new LinkedHashMap<>(detail);
        all.put("via", "settings_ui");
        audit.record(r.tenant(), r.caller().userId(), action, integration.toString(), all);
    }

    /** The names of a form's fields, without the CSRF token and the integration (never their values). */
    private List<String> fieldNames(Context ctx) {
        return ctx.formParamMap().keySet().stream()
                .filter(k -> !k.equals(security.csrfField()) && !k.equals("integration")).sorted().toList();
    }

    private static UUID requireIntegration(Request r) {
        if (r.integration() == null) {
            throw new ApiException(409, "not_connected", r.ui().t("error.not_connected"));
        }
        return r.integration();
    }

    private Models.Choices choices(Request r) {
        return Models.Choices.of(settings.choices(r.tenant()));
    }

    /** An error of the services in the caller's language when we know its code, else the service's words. */
    private static String text(Ui ui, ApiException e) {
        return ui.code("error.", e.code(), Forms.plain(e.getMessage()));
    }

    /** The message next to a field: translated by code, with the placeholder that does not exist named. */
    private static String fieldText(Ui ui, ApiException e, Map<String, String> texts) {
        if ("unknown_placeholder".equals(e.code())) {
            String value = texts.getOrDefault(Forms.field(e.field()), "");
            List<String> unknown = io.calbridge.calendly.internal.booking.Placeholders.unknown(value);
            return ui.t("error.unknown_placeholder", unknown.isEmpty() ? "?" : "{{" + unknown.get(0) + "}}",
                    String.join(", ", io.calbridge.calendly.internal.booking.Placeholders.known().stream()
                            .map(p -> "{{" + p + "}}").toList()));
        }
        return text(ui, e);
    }

    private static String render(Consumer<gg.jte.html.HtmlTemplateOutput> template) {
        StringOutput out = new StringOutput();
        template.accept(new OwaspHtmlTemplateOutput(out));
        return out.toString();
    }

    private static void asset(Context ctx, String name, String type) {
        try (InputStream in = SettingsUiRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                ctx.status(404);
                return;
            }
            ctx.contentType(type + "; charset=utf-8");
            ctx.header("Cache-Control", "public, max-age=300");
            ctx.result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int intParam(String raw, int fallback, int min, int max) {
        try {
            int v = raw == null ? fallback : Integer.parseInt(raw.strip());
            return Math.max(min, Math.min(max, v));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
