package io.calbridge.sandbox.internal.admin;

import static io.calbridge.sandbox.internal.json.Renderer.escapeHtml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.Booking;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Canceler;
import io.calbridge.sandbox.DataComplianceDeletion;
import io.calbridge.sandbox.DeliveryAttempt;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.EventTypeSpec;
import io.calbridge.sandbox.Faults;
import io.calbridge.sandbox.LocationKind;
import io.calbridge.sandbox.OAuthAppSpec;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.RescheduleOrder;
import io.calbridge.sandbox.RescheduleRequest;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxRoutingForm;
import io.calbridge.sandbox.SandboxSchedulingLink;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.sandbox.SeedRequest;
import io.calbridge.sandbox.SeedResult;
import io.calbridge.sandbox.SigningKeyPolicy;
import io.calbridge.sandbox.internal.Wiring;
import io.calbridge.sandbox.internal.http.Http;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.state.Model.Invitee;
import io.calbridge.sandbox.internal.state.Model.ScheduledEvent;
import io.calbridge.sandbox.internal.state.Times;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's own controls under {@code /_sandbox} (JSON, mirrors the Java API; no authentication,
 * it is a local test tool), the HTML dashboard, and the invitee-facing cancel/reschedule pages.
 */
public record AdminRoutes(CalendlySandbox sb, Wiring w) {
    public void register(RoutesConfig r) {
        r.get("/", ctx -> ctx.redirect("/_sandbox", HttpStatus.FOUND));
        r.get("/_sandbox", this::dashboard);
        r.post("/_sandbox/ui/book", this::uiBook);
        r.post("/_sandbox/ui/cancel", this::uiCancel);
        r.get("/_sandbox/state", this::state);
        r.post("/_sandbox/organizations", this::createOrganization);
        r.post("/_sandbox/users", this::createUser);
        r.post("/_sandbox/oauth_apps", this::createApp);
        r.post("/_sandbox/personal_access_tokens", this::createPat);
        r.post("/_sandbox/event_types", this::createEventType);
        r.post("/_sandbox/bookings", this::book);
        r.post("/_sandbox/cancellations", this::cancel);
        r.post("/_sandbox/event_cancellations", this::cancelEvent);
        r.post("/_sandbox/reschedules", this::reschedule);
        r.post("/_sandbox/no_shows", this::markNoShow);
        r.delete("/_sandbox/no_shows", this::unmarkNoShow);
        r.post("/_sandbox/routing_forms", this::createRoutingForm);
        r.post("/_sandbox/routing_form_submissions", this::submitRoutingForm);
        r.post("/_sandbox/meeting_notes", this::meetingNotes);
        r.post("/_sandbox/seed", this::seed);
        r.post("/_sandbox/scheduling_links", this::createSchedulingLink);
        r.post("/_sandbox/scheduling_link_bookings", this::bookViaLink);
        r.get("/_sandbox/data_compliance_deletions", this::dataComplianceDeletions);
        r.post("/_sandbox/faults", this::faults);
        r.get("/_sandbox/deliveries", this::deliveries);
        r.delete("/_sandbox/deliveries", ctx -> {
            sb.clearDeliveries();
            ctx.status(204);
        });
        r.get("/_sandbox/stats", this::stats);
        r.post("/_sandbox/time/advance", this::advanceTime);
        r.post("/_sandbox/settings", this::settings);
        r.get("/cancellations/{uuid}", this::cancelPage);
        r.post("/cancellations/{uuid}", this::cancelPageSubmit);
        r.get("/reschedulings/{uuid}", this::reschedulePage);
        r.post("/reschedulings/{uuid}", this::reschedulePageSubmit);
        r.get("/d/{code}/{slug}", this::linkPage);
        r.post("/d/{code}/{slug}", this::linkPageSubmit);
        r.get("/events/{uuid}/google_meet", ctx -> ctx.html("<!doctype html><p>Google Meet for event "
                + escapeHtml(ctx.pathParam("uuid")) + " (sandbox)</p>"));
    }

    // ---- JSON admin API -------------------------------------------------------------------------

    private void createOrganization(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        SandboxOrganization org = sb.createOrganization(req(b, "name"), Plan.parse(opt(b, "plan", "standard")));
        created(ctx, org(org));
    }

    private void createUser(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        SandboxOrganization org = sb.organization(req(b, "organization"));
        SandboxUser u = sb.createUser(org, req(b, "name"), req(b, "email"), Role.parse(opt(b, "role", "user")),
                opt(b, "timezone", "UTC"), b.path("legacy_id").asBoolean(false));
        created(ctx, user(u));
    }

    private void createApp(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        List<String> uris = strings(b, "redirect_uris");
        OAuthAppSpec spec = OAuthAppSpec.of(req(b, "name"), uris).legacy(b.path("legacy").asBoolean(false))
                .nativeClient(b.path("native").asBoolean(false));
        if (b.hasNonNull("default_user")) {
            spec.defaultUser(sb.user(b.get("default_user").asText()));
        }
        SandboxApp app = sb.createOAuthApp(spec);
        ObjectNode o = CalendlyJson.object();
        o.put("name", app.name());
        o.put("client_id", app.clientId());
        o.put("client_secret", app.clientSecret());
        o.put("webhook_signing_key", app.signingKey());
        ArrayNode r = o.putArray("redirect_uris");
        app.redirectUris().forEach(r::add);
        o.put("authorize_url", sb.baseUrl() + "/oauth/authorize");
        o.put("token_url", sb.baseUrl() + "/oauth/token");
        created(ctx, o);
    }

    private void createPat(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        SandboxUser u = sb.user(req(b, "user"));
        String token = b.has("scopes") ? sb.createPersonalAccessToken(u, new HashSet<>(strings(b, "scopes")))
                : sb.createPersonalAccessToken(u);
        ObjectNode o = CalendlyJson.object();
        o.put("token", token);
        o.put("user", u.uri());
        created(ctx, o);
    }

    private void createEventType(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        SandboxUser owner = sb.user(req(b, "user"));
        String kindName = opt(b, "kind", "solo");
        EventKind kind = switch (kindName) {
            case "solo" -> EventKind.SOLO;
            case "group" -> EventKind.group(b.path("limit").asInt(10));
            default -> throw new IllegalArgumentException("kind must be solo or group, was " + kindName);
        };
        EventTypeSpec spec = EventTypeSpec.of(owner, req(b, "name"), kind,
                Duration.ofMinutes(b.path("duration_minutes").asLong(30)));
        if (b.hasNonNull("location")) {
            spec.location(LocationKind.parse(b.get("location").asText()));
        }
        spec.locationText(opt(b, "location_text", null)).locationAdditionalInfo(opt(b, "location_additional_info", null))
                .description(opt(b, "description", null)).internalNote(opt(b, "internal_note", null));
        if (b.hasNonNull("slug")) {
            spec.slug(b.get("slug").asText());
        }
        for (String q : strings(b, "questions")) {
            spec.question(q);
        }
        created(ctx, eventType(sb.createEventType(spec)));
    }

    private BookingRequest bookingRequest(JsonNode b) {
        BookingRequest r = BookingRequest.of(sb.eventType(req(b, "event_type")).uri(), req(b, "name"), req(b, "email"),
                instant(b, "start_time"));
        if (b.hasNonNull("timezone")) {
            r.timezone(b.get("timezone").asText());
        }
        JsonNode answers = b.path("answers");
        if (answers.isObject()) {
            answers.properties().forEach(e -> r.answer(e.getKey(), e.getValue().asText()));
        } else if (answers.isArray()) {
            for (JsonNode a : answers) {
                r.answer(a.path("question").asText(), a.path("answer").asText());
            }
        }
        strings(b, "guests").forEach(r::guest);
        r.utmCampaign(opt(b, "utm_campaign", null)).utmSource(opt(b, "utm_source", null))
                .utmMedium(opt(b, "utm_medium", null)).utmContent(opt(b, "utm_content", null))
                .utmTerm(opt(b, "utm_term", null)).salesforceUuid(opt(b, "salesforce_uuid", null))
                .textReminderNumber(opt(b, "text_reminder_number", null))
                .singleNameField(b.path("single_name_field").asBoolean(false))
                .scheduledByHost(b.path("scheduled_by_host").asBoolean(false));
        if (b.hasNonNull("host")) {
            r.host(sb.user(b.get("host").asText()).uri());
        }
        return r;
    }

    private void book(Context ctx) {
        created(ctx, booking(sb.book(bookingRequest(Http.jsonBody(ctx)))));
    }

    private void cancel(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        String invitee = req(b, "invitee");
        sb.cancel(invitee, Canceler.parse(opt(b, "canceler", "invitee")), reason(b));
        Http.json(ctx, 200, booking(sb.booking(invitee)), CalendlyJson.Style.AS_BUILT);
    }

    private void cancelEvent(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        sb.cancelEvent(req(b, "event"), reason(b));
        ctx.status(204);
    }

    private void reschedule(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        RescheduleRequest r = RescheduleRequest.of(req(b, "invitee"), instant(b, "start_time"));
        if (b.hasNonNull("order")) {
            r.order(RescheduleOrder.parse(b.get("order").asText()));
        }
        if (b.has("reason")) {
            r.reason(reason(b));
        }
        if (b.hasNonNull("new_host")) {
            r.newHost(sb.user(b.get("new_host").asText()).uri());
        }
        r.byHostCalendar(b.path("by_host_calendar").asBoolean(false));
        created(ctx, booking(sb.reschedule(r)));
    }

    private void markNoShow(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        ObjectNode o = CalendlyJson.object();
        o.put("uri", sb.markNoShow(req(b, "invitee")));
        created(ctx, o);
    }

    private void unmarkNoShow(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        String invitee = b.hasNonNull("invitee") ? b.get("invitee").asText() : ctx.queryParam("invitee");
        if (invitee == null) {
            throw new IllegalArgumentException("invitee is required");
        }
        sb.unmarkNoShow(invitee);
        ctx.status(204);
    }

    private void createRoutingForm(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        SandboxRoutingForm f = sb.createRoutingForm(sb.organization(req(b, "organization")), req(b, "name"),
                strings(b, "questions"));
        ObjectNode o = CalendlyJson.object();
        o.put("uri", f.uri());
        o.put("uuid", f.uuid());
        o.put("name", f.name());
        ArrayNode q = o.putArray("questions");
        f.questions().forEach(q::add);
        created(ctx, o);
    }

    private void submitRoutingForm(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        String formRef = req(b, "routing_form");
        SandboxRoutingForm form;
        synchronized (w.store) {
            var f = w.directory.routingForm(formRef);
            form = new SandboxRoutingForm(f.uuid, w.uris.routingForm(f.uuid), f.name, w.uris.organization(f.orgUuid),
                    f.questions.stream().map(q -> q.name()).toList());
        }
        Map<String, String> answers = new LinkedHashMap<>();
        b.path("answers").properties().forEach(e -> answers.put(e.getKey(), e.getValue().asText()));
        BookingRequest booking = b.hasNonNull("booking") ? bookingRequest(b.get("booking")) : null;
        ObjectNode o = CalendlyJson.object();
        o.put("uri", sb.submitRoutingForm(form, answers, booking));
        created(ctx, o);
    }

    private void meetingNotes(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        sb.setMeetingNotes(req(b, "event"), opt(b, "notes", null));
        ctx.status(204);
    }

    private void seed(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        List<String> types = strings(b, "event_types");
        if (types.isEmpty()) {
            throw new IllegalArgumentException("event_types is required (event type URIs or UUIDs)");
        }
        SeedRequest r = SeedRequest.ofUris(types, b.path("events").asInt(0));
        if (b.hasNonNull("start_time")) {
            r.startingAt(instant(b, "start_time"));
        }
        if (b.hasNonNull("interval_minutes")) {
            r.spacing(Duration.ofMinutes(b.get("interval_minutes").asLong()));
        }
        r.canceledEvery(b.path("canceled_every").asInt(0));
        if (b.hasNonNull("invitees_per_group_event")) {
            r.groupInvitees(b.get("invitees_per_group_event").asInt());
        }
        if (b.hasNonNull("email_prefix")) {
            r.emailPrefix(b.get("email_prefix").asText());
        }
        SeedResult result = sb.seed(r);
        ObjectNode o = CalendlyJson.object();
        ArrayNode events = o.putArray("events");
        result.eventUris().forEach(events::add);
        ArrayNode invitees = o.putArray("invitees");
        result.inviteeUris().forEach(invitees::add);
        o.put("canceled_events", result.canceledEvents());
        created(ctx, o);
    }

    private void createSchedulingLink(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        created(ctx, schedulingLink(sb.createSchedulingLink(sb.eventType(req(b, "event_type")))));
    }

    private void bookViaLink(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        created(ctx, booking(sb.bookViaLink(req(b, "booking_url"), instant(b, "start_time"), opt(b, "name", null),
                opt(b, "email", null))));
    }

    private void dataComplianceDeletions(Context ctx) {
        ArrayNode list = CalendlyJson.array();
        for (DataComplianceDeletion d : sb.dataComplianceDeletions()) {
            ObjectNode o = list.addObject();
            ArrayNode emails = o.putArray("emails");
            d.emails().forEach(emails::add);
            o.put("requested_by", d.requestedBy());
            o.put("organization", d.organization());
            o.put("requested_at", Times.micros(d.requestedAt()));
            o.put("invitees_deleted", d.inviteesDeleted());
        }
        Http.json(ctx, 200, list, CalendlyJson.Style.AS_BUILT);
    }

    private void faults(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        Faults f = sb.faults();
        if (b.path("clear").asBoolean(false)) {
            f.clear();
        }
        JsonNode fail = b.path("fail_next_api_requests");
        if (fail.isObject()) {
            int n = fail.path("n").asInt(1);
            int status = fail.path("status").asInt(500);
            if (fail.hasNonNull("path_prefix")) {
                f.failNextApiRequests(n, status, fail.get("path_prefix").asText());
            } else {
                f.failNextApiRequests(n, status);
            }
        }
        JsonNode limit = b.path("rate_limit_next");
        if (limit.isObject()) {
            int n = limit.path("n").asInt(1);
            String prefix = limit.hasNonNull("path_prefix") ? limit.get("path_prefix").asText() : null;
            if (limit.hasNonNull("reset_seconds")) {
                f.rateLimitNext(n, prefix, limit.get("reset_seconds").asInt());
            } else if (prefix != null) {
                f.rateLimitNext(n, prefix);
            } else {
                f.rateLimitNext(n);
            }
        } else if (limit.isNumber()) {
            f.rateLimitNext(limit.asInt());
        }
        JsonNode drop = b.path("drop_deliveries");
        if (drop.isObject()) {
            f.dropDeliveries(opt(drop, "event", null), opt(drop, "invitee", null));
        }
        JsonNode outage = b.path("webhook_targets_unreachable");
        if (outage.isObject()) {
            f.webhookTargetsUnreachableFor(Duration.ofSeconds(outage.path("seconds").asLong(0)),
                    opt(outage, "url_prefix", null));
        }
        if (b.hasNonNull("drop_next_deliveries")) {
            f.dropNextDeliveries(b.get("drop_next_deliveries").asInt());
        }
        if (b.hasNonNull("duplicate_next_deliveries")) {
            f.duplicateNextDeliveries(b.get("duplicate_next_deliveries").asInt());
        }
        JsonNode delay = b.path("delay_next_deliveries");
        if (delay.isObject()) {
            f.delayNextDeliveries(delay.path("n").asInt(1), Duration.ofMillis(delay.path("millis").asLong(1000)));
        }
        if (b.path("reorder_next_reschedule").asBoolean(false)) {
            f.reorderNextReschedule();
        }
        if (b.has("break_signatures")) {
            f.breakSignatures(b.get("break_signatures").asBoolean());
        }
        if (b.path("expire_all_access_tokens").asBoolean(false)) {
            f.expireAllAccessTokens();
        }
        if (b.hasNonNull("revoke_refresh_token")) {
            f.revokeRefreshToken(b.get("revoke_refresh_token").asText());
        }
        if (b.hasNonNull("revoke_access_token")) {
            f.revokeAccessToken(b.get("revoke_access_token").asText());
        }
        ctx.status(204);
    }

    private void deliveries(Context ctx) {
        ArrayNode list = CalendlyJson.array();
        for (DeliveryAttempt a : sb.deliveries()) {
            ObjectNode o = list.addObject();
            o.put("message_id", a.messageId());
            o.put("attempt", a.attempt());
            o.put("subscription", a.subscriptionUri());
            o.put("url", a.url());
            o.put("event", a.event());
            o.put("sent_at", Times.micros(a.sentAt()));
            o.put("calendly_at", Times.micros(a.calendlyAt()));
            if (a.status() == null) {
                o.putNull("status");
            } else {
                o.put("status", a.status());
            }
            o.put("outcome", a.outcome().name());
            o.put("error", a.error());
            ObjectNode h = o.putObject("headers");
            a.headers().forEach(h::put);
            o.put("body", a.bodyString());
        }
        Http.json(ctx, 200, list, CalendlyJson.Style.AS_BUILT);
    }

    private void stats(Context ctx) {
        ObjectNode o = CalendlyJson.object();
        ObjectNode t = o.putObject("token_requests");
        sb.stats().tokenRequestsByGrant().forEach(t::put);
        ObjectNode p = o.putObject("requests_by_path");
        sb.stats().byPath().forEach(p::put);
        o.put("pending_deliveries", w.deliveries.pending());
        Http.json(ctx, 200, o, CalendlyJson.Style.AS_BUILT);
    }

    private void advanceTime(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        sb.advanceTime(Duration.ofSeconds(b.path("seconds").asLong(0)));
        ObjectNode o = CalendlyJson.object();
        o.put("now", Times.micros(sb.clock().instant()));
        Http.json(ctx, 200, o, CalendlyJson.Style.AS_BUILT);
    }

    private void settings(Context ctx) {
        JsonNode b = Http.jsonBody(ctx);
        if (b.has("auto_approve")) {
            sb.autoApprove(b.get("auto_approve").asBoolean());
        }
        if (b.hasNonNull("access_token_lifetime_seconds")) {
            sb.accessTokenLifetime(Duration.ofSeconds(b.get("access_token_lifetime_seconds").asLong()));
        }
        if (b.has("enforce_scopes")) {
            sb.enforceScopes(b.get("enforce_scopes").asBoolean());
        }
        if (b.has("api_requests_per_minute")) {
            JsonNode n = b.get("api_requests_per_minute");
            sb.apiRateLimit(n.isNull() ? null : n.asInt());
        }
        if (b.hasNonNull("signing_key_policy")) {
            sb.signingKeyPolicy(SigningKeyPolicy.valueOf(b.get("signing_key_policy").asText().toUpperCase()));
        }
        ctx.status(204);
    }

    private void state(Context ctx) {
        ObjectNode o = CalendlyJson.object();
        ArrayNode orgs = o.putArray("organizations");
        sb.organizations().forEach(x -> orgs.add(org(x)));
        ArrayNode users = o.putArray("users");
        sb.users().forEach(x -> users.add(user(x)));
        ArrayNode ets = o.putArray("event_types");
        sb.eventTypes().forEach(x -> ets.add(eventType(x)));
        ArrayNode apps = o.putArray("oauth_apps");
        synchronized (w.store) {
            w.store.apps.values().forEach(a -> apps.addObject().put("name", a.name).put("client_id", a.clientId));
            ArrayNode invitees = o.putArray("invitees");
            for (Invitee i : w.store.invitees.values()) {
                ScheduledEvent ev = w.store.events.get(i.eventUuid);
                invitees.addObject().put("uri", w.uris.invitee(i.eventUuid, i.uuid)).put("event", w.uris.event(ev.uuid))
                        .put("name", i.name).put("email", i.email).put("status", i.status)
                        .put("start_time", Times.micros(ev.start)).put("no_show", i.noShowUuid != null);
            }
            ArrayNode subs = o.putArray("webhook_subscriptions");
            w.store.subscriptions.values().forEach(s -> subs.add(w.renderer.subscription(s)));
            ArrayNode links = o.putArray("scheduling_links");
            w.store.schedulingLinks.keySet().forEach(code -> links.add(schedulingLink(sb.schedulingLink(code))));
        }
        Http.json(ctx, 200, o, CalendlyJson.Style.AS_BUILT);
    }

    // ---- HTML -----------------------------------------------------------------------------------

    private void dashboard(Context ctx) {
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Calendly sandbox"
                + "</title>" + io.calbridge.sandbox.internal.http.PageStyle.HEAD + "</head><body><h1>Calendly sandbox</h1>");
        h.append("<p>Base URL <code>").append(escapeHtml(sb.baseUrl())).append("</code> &middot; now <code>")
                .append(Times.micros(sb.clock().instant())).append("</code></p>");
        h.append("<h2>Users</h2><table><tr><th>Name</th><th>Email</th><th>Role</th><th>Organization</th><th>URI</th></tr>");
        for (SandboxUser u : sb.users()) {
            h.append("<tr><td>").append(escapeHtml(u.name())).append("</td><td>").append(escapeHtml(u.email()))
                    .append("</td><td>").append(u.role().apiName()).append("</td><td>")
                    .append(escapeHtml(sb.organization(u.organizationUri()).name())).append("</td><td><code>")
                    .append(escapeHtml(u.uri())).append("</code></td></tr>");
        }
        h.append("</table><h2>Event types</h2>");
        String tomorrow = LocalDateTime.ofInstant(sb.clock().instant().plus(Duration.ofDays(1)), ZoneId.of("UTC"))
                .withMinute(0).withSecond(0).withNano(0).toString();
        for (SandboxEventType et : sb.eventTypes()) {
            h.append("<form method=\"post\" action=\"/_sandbox/ui/book\"><strong>")
                    .append(escapeHtml(et.name())).append("</strong> (").append(et.kind()).append(", ")
                    .append(et.duration().toMinutes()).append(" min, host ")
                    .append(escapeHtml(sb.user(et.ownerUri()).name())).append(")<br>")
                    .append("<input type=\"hidden\" name=\"event_type\" value=\"").append(escapeHtml(et.uuid())).append("\">")
                    .append("Name <input name=\"name\" required> Email <input name=\"email\" type=\"email\" required> ")
                    .append("Start (UTC) <input name=\"start_time\" type=\"datetime-local\" value=\"").append(tomorrow)
                    .append("\" required> Time zone <input name=\"timezone\" value=\"UTC\"> ")
                    .append("<button type=\"submit\">Book</button></form>");
        }
        h.append("<h2>Invitees</h2><table><tr><th>Name</th><th>Email</th><th>Start</th><th>Status</th><th></th></tr>");
        synchronized (w.store) {
            for (Invitee i : w.store.invitees.values()) {
                ScheduledEvent ev = w.store.events.get(i.eventUuid);
                h.append("<tr><td>").append(escapeHtml(i.name)).append("</td><td>").append(escapeHtml(i.email))
                        .append("</td><td>").append(Times.micros(ev.start)).append("</td><td>").append(i.status)
                        .append(i.noShowUuid != null ? " (no-show)" : "").append("</td><td>");
                if ("active".equals(i.status)) {
                    h.append("<form method=\"post\" action=\"/_sandbox/ui/cancel\"><input type=\"hidden\" name=\"invitee\" value=\"")
                            .append(escapeHtml(i.uuid)).append("\"><button>Cancel</button></form> <a href=\"")
                            .append(escapeHtml(w.uris.rescheduleUrl(i.uuid))).append("\">Reschedule</a>");
                }
                h.append("</td></tr>");
            }
        }
        h.append("</table><p>JSON admin API: see docs/sandbox.md (<code>/_sandbox/state</code>, ")
                .append("<code>/_sandbox/deliveries</code>).</p></body></html>");
        ctx.html(h.toString());
    }

    private void uiBook(Context ctx) {
        String tz = ctx.formParam("timezone") == null || ctx.formParam("timezone").isBlank() ? "UTC" : ctx.formParam("timezone");
        sb.book(BookingRequest.of(sb.eventType(ctx.formParam("event_type")).uri(), ctx.formParam("name"),
                ctx.formParam("email"), localOrInstant(ctx.formParam("start_time"))).timezone(tz));
        ctx.redirect("/_sandbox", HttpStatus.SEE_OTHER);
    }

    private void uiCancel(Context ctx) {
        sb.cancel(ctx.formParam("invitee"), Canceler.INVITEE, ctx.formParam("reason"));
        ctx.redirect("/_sandbox", HttpStatus.SEE_OTHER);
    }

    /** The booking page of a single-use link: the URL's query prefills the form and rides along on submit. */
    private void linkPage(Context ctx) {
        SandboxSchedulingLink link;
        try {
            link = sb.schedulingLink(ctx.pathParam("code"));
        } catch (java.util.NoSuchElementException e) {
            ctx.status(404).html("<!doctype html><p>This page does not exist.</p>");
            return;
        }
        if (link.used()) {
            ctx.status(410).html(USED_LINK_PAGE);
            return;
        }
        Map<String, List<String>> q = ctx.queryParamMap();
        String name = first(q, "name");
        if (name == null && (first(q, "first_name") != null || first(q, "last_name") != null)) {
            name = ((first(q, "first_name") == null ? "" : first(q, "first_name")) + " "
                    + (first(q, "last_name") == null ? "" : first(q, "last_name"))).trim();
        }
        String tomorrow = LocalDateTime.ofInstant(sb.clock().instant().plus(Duration.ofDays(1)), ZoneId.of("UTC"))
                .withMinute(0).withSecond(0).withNano(0).toString();
        SandboxEventType et = sb.eventType(link.owner());
        ctx.html("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escapeHtml(et.name())
                + "</title></head><body><h1>" + escapeHtml(et.name()) + "</h1><p>" + et.duration().toMinutes()
                + " min with " + escapeHtml(sb.user(et.ownerUri()).name()) + "</p><form method=\"post\">"
                + "Name <input name=\"name\" value=\"" + escapeHtml(name == null ? "" : name) + "\" required> "
                + "Email <input name=\"email\" type=\"email\" value=\"" + escapeHtml(first(q, "email") == null ? ""
                : first(q, "email")) + "\" required> "
                + "Start (UTC) <input name=\"start_time\" type=\"datetime-local\" value=\"" + tomorrow + "\" required> "
                + "Time zone <input name=\"timezone\" value=\"UTC\"> <button type=\"submit\">Schedule Event</button>"
                + "</form></body></html>");
    }

    private void linkPageSubmit(Context ctx) {
        String code = ctx.pathParam("code");
        try {
            sb.schedulingLink(code);
        } catch (java.util.NoSuchElementException e) {
            ctx.status(404).html("<!doctype html><p>This page does not exist.</p>");
            return;
        }
        try {
            BookingRequest r = w.bookings.linkBooking(code, ctx.queryParamMap(), ctx.formParam("name"),
                    ctx.formParam("email"), localOrInstant(ctx.formParam("start_time")), ctx.formParam("timezone"));
            Booking b = booking(w.bookings.bookViaLink(code, r));
            ctx.html("<!doctype html><html><head><meta charset=\"utf-8\"><title>Confirmed</title></head><body>"
                    + "<h1>You are scheduled</h1><p id=\"invitee\">" + escapeHtml(b.inviteeUri()) + "</p></body></html>");
        } catch (IllegalStateException used) {
            ctx.status(410).html(USED_LINK_PAGE);
        } catch (IllegalArgumentException bad) {
            ctx.status(400).html("<!doctype html><p>" + escapeHtml(bad.getMessage()) + "</p>");
        }
    }

    private static final String USED_LINK_PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Link used"
            + "</title></head><body><h1>This link is no longer available</h1><p>This one-time link has already been "
            + "used to schedule an event. Ask the host for a new link.</p></body></html>";

    private static String first(Map<String, List<String>> q, String key) {
        List<String> v = q.get(key);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
    }

    private Booking booking(io.calbridge.sandbox.internal.state.Model.Invitee i) {
        return sb.booking(w.uris.invitee(i.eventUuid, i.uuid));
    }

    private void cancelPage(Context ctx) {
        Booking b = sb.booking(ctx.pathParam("uuid"));
        ctx.html("<!doctype html><html><head><meta charset=\"utf-8\"><title>Cancel</title></head><body>"
                + "<h1>Cancel event</h1><p>" + escapeHtml(b.eventUri()) + "</p><form method=\"post\">"
                + "Reason <input name=\"reason\"> <button type=\"submit\">Cancel event</button></form></body></html>");
    }

    private void cancelPageSubmit(Context ctx) {
        sb.cancel(ctx.pathParam("uuid"), Canceler.INVITEE, ctx.formParam("reason"));
        ctx.html("<!doctype html><p>Canceled.</p>");
    }

    private void reschedulePage(Context ctx) {
        Booking b = sb.booking(ctx.pathParam("uuid"));
        ctx.html("<!doctype html><html><head><meta charset=\"utf-8\"><title>Reschedule</title></head><body>"
                + "<h1>Reschedule</h1><p>" + escapeHtml(b.eventUri()) + "</p><form method=\"post\">"
                + "New start (UTC) <input name=\"start_time\" type=\"datetime-local\" required> "
                + "Reason <input name=\"reason\"> <button type=\"submit\">Reschedule</button></form></body></html>");
    }

    private void reschedulePageSubmit(Context ctx) {
        Booking nb = sb.reschedule(RescheduleRequest.of(ctx.pathParam("uuid"), localOrInstant(ctx.formParam("start_time")))
                .reason(ctx.formParam("reason")));
        ctx.html("<!doctype html><p>Rescheduled: " + escapeHtml(nb.inviteeUri()) + "</p>");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static void created(Context ctx, ObjectNode body) {
        Http.json(ctx, 201, body, CalendlyJson.Style.AS_BUILT);
    }

    // The admin API's bodies: these records are their keys, in this order (CalendlyJson.snakeCase).

    private record OrganizationJson(String uri, String uuid, String name, String plan) {
    }

    private record UserJson(String uri, String uuid, String name, String email, String role, String timezone,
                            String organization, String membership) {
    }

    private record EventTypeJson(String uri, String uuid, String name, String owner, String kind, int limit,
                                 long durationMinutes, String location, String schedulingUrl) {
    }

    private record BookingJson(String invitee, String event, String cancelUrl, String rescheduleUrl) {
    }

    private record SchedulingLinkJson(String bookingUrl, String owner, String ownerType, String invitee) {
    }

    private static ObjectNode org(SandboxOrganization o) {
        return CalendlyJson.snakeCase(new OrganizationJson(o.uri(), o.uuid(), o.name(),
                o.plan().name().toLowerCase()));
    }

    private static ObjectNode user(SandboxUser u) {
        return CalendlyJson.snakeCase(new UserJson(u.uri(), u.uuid(), u.name(), u.email(), u.role().apiName(),
                u.timezone(), u.organizationUri(), u.membershipUri()));
    }

    private static ObjectNode eventType(SandboxEventType e) {
        return CalendlyJson.snakeCase(new EventTypeJson(e.uri(), e.uuid(), e.name(), e.ownerUri(), e.kind().apiName(),
                e.kind().limit(), e.duration().toMinutes(), e.location().eventLocationType(), e.schedulingUrl()));
    }

    private static ObjectNode booking(Booking b) {
        return CalendlyJson.snakeCase(new BookingJson(b.inviteeUri(), b.eventUri(), b.cancelUrl(), b.rescheduleUrl()));
    }

    private static ObjectNode schedulingLink(SandboxSchedulingLink link) {
        return CalendlyJson.snakeCase(new SchedulingLinkJson(link.bookingUrl(), link.owner(), link.ownerType(),
                link.inviteeUri()));
    }

    private static String req(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull() || n.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return n.asText();
    }

    private static String opt(JsonNode b, String field, String dflt) {
        JsonNode n = b.get(field);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    /** The "reason" field: absent or null means null, "" stays "". */
    private static String reason(JsonNode b) {
        JsonNode n = b.get("reason");
        return n == null || n.isNull() ? null : n.asText();
    }

    private static List<String> strings(JsonNode b, String field) {
        List<String> out = new ArrayList<>();
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of strings");
        }
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static Instant instant(JsonNode b, String field) {
        return parseInstant(req(b, field), field);
    }

    private static Instant parseInstant(String s, String field) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 UTC time like 2026-05-04T15:00:00Z, was " + s);
        }
    }

    private static Instant localOrInstant(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("start_time is required");
        }
        try {
            return LocalDateTime.parse(s).atZone(ZoneId.of("UTC")).toInstant();
        } catch (DateTimeParseException e) {
            return parseInstant(s, "start_time");
        }
    }


}
