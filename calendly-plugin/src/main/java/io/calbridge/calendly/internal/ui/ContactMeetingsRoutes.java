package io.calbridge.calendly.internal.ui;

import io.calbridge.calendly.ActionResult;
import io.calbridge.calendly.ContactMeetingsUi;
import io.calbridge.calendly.Meetings;
import io.calbridge.calendly.SchedulingLink;
import io.calbridge.calendly.SchedulingLinkRequest;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.internal.ui.templates.JtecontactMeetingsGenerated;
import io.calbridge.calendly.internal.writeback.WriteBackService;
import io.calbridge.calendly.internal.writeback.WriteBackService.LinkAccount;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostSecurity.Action;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * "Calendly meetings of this contact" for the tenant's members ({@link ContactMeetingsUi}): rendered
 * into the host's contact page, or as a page of the UI at {@code {base}/contacts/{id}}. Every action
 * is a form post here, checked against the host's CSRF token and {@code HostSecurity.mayAct} (by the
 * same {@link WriteBackService} the action routes call), answered with a redirect back to the page
 * that showed it; the result travels as codes ({@code cb_done}, {@code cb_error}) that become texts
 * of the bundle, so a crafted link cannot put its own words on the page.
 */
record ContactMeetingsRoutes(String base, Messages messages, Access access, HostSecurity security,
                             WriteBackService actions, Function<String, ZoneId> zones, Page page, String head)
        implements ContactMeetingsUi {
    /** Where a result is shown; the section's id. */
    static final String ANCHOR = "calendly-contact";
    private static final List<String> ACTIONS = List.of("cancel", "no_show", "unmark", "link", "refresh");

    /** The UI's document around a section (the host's frame, or the plugin's own). */
    interface Page {
        void write(Context ctx, Ui ui, String body);
    }

    void register(RoutesConfig routes) {
        routes.get(base + "/contacts/{contactId}", this::standalone);
        routes.post(base + "/contacts/{contactId}/meetings/{meetingId}/cancel", ctx -> post(ctx, "cancel", (caller, c) ->
                done(actions.cancel(caller, ctx.pathParam("meetingId"), blankToNull(ctx.formParam("reason"))), "canceled")));
        routes.post(base + "/contacts/{contactId}/meetings/{meetingId}/no-show", ctx -> post(ctx, "no_show", (caller, c) ->
                done(actions.markNoShow(caller, ctx.pathParam("meetingId")), "no_show_marked")));
        routes.post(base + "/contacts/{contactId}/meetings/{meetingId}/not-no-show", ctx -> post(ctx, "unmark", (caller, c) ->
                done(actions.unmarkNoShow(caller, ctx.pathParam("meetingId")), "no_show_unmarked")));
        routes.post(base + "/contacts/{contactId}/scheduling-links", ctx -> post(ctx, "link", (caller, contact) -> {
            String key = blankToNull(ctx.formParam("idempotency_key"));
            String choice = blankToNull(ctx.formParam("event_type"));
            SchedulingLink link;
            if (choice == null) {
                link = actions.createLink(caller, new SchedulingLinkRequest(contact,
                        blankToNull(ctx.formParam("event_type_uri")), null, key, null, null));
            } else {
                // The form of several accounts: "{integration id} {event type URI}" (LinkGroup.value).
                int cut = choice.indexOf(' ');
                link = actions.createLinkOfAccount(caller, new SchedulingLinkRequest(contact,
                        cut < 0 ? null : blankToNull(choice.substring(cut + 1)), cut < 0 ? choice : choice.substring(0, cut),
                        key, null, null));
            }
            Map<String, String> done = new LinkedHashMap<>();
            done.put("cb_done", "link_created");
            done.put("cb_link", link.id());
            return done;
        }));
    }

    private static Map<String, String> done(ActionResult r, String what) {
        return Map.of("cb_done", r.alreadyDone() ? "already" : what);
    }

    @Override
    public String render(Context ctx, String contactId, String returnTo) {
        return section(ctx, contactId, safeReturn(returnTo, contactId));
    }

    @Override
    public String head() {
        return head;
    }

    private void standalone(Context ctx) {
        String contact = ctx.pathParam("contactId");
        Ui ui = ui(ctx, null);
        page.write(ctx, ui, section(ctx, contact, base + "/contacts/" + encode(contact)));
    }

    private String section(Context ctx, String contactId, String returnTo) {
        Caller caller;
        try {
            caller = access.requireCaller(ctx);
        } catch (ApiException e) {
            return SettingsUiRoutes.render(out -> JtecontactMeetingsGenerated.render(out, null, ui(ctx, null),
                    Models.ContactMeetings.refused(text(ui(ctx, null), e, null))));
        }
        Ui ui = ui(ctx, caller);
        boolean mayView = security.mayAct(caller, Action.VIEW_MEETINGS);
        if (!mayView) {
            return SettingsUiRoutes.render(out -> JtecontactMeetingsGenerated.render(out, null, ui,
                    Models.ContactMeetings.refused(ui.t("meetings.forbidden.view"))));
        }
        String problem = null;
        Meetings meetings;
        boolean refresh = "1".equals(ctx.queryParam("cb_refresh"));
        try {
            try {
                meetings = actions.meetings(caller, contactId, refresh);
            } catch (ApiException e) {
                if (!refresh) {
                    throw e;
                }
                // Calendly could not be asked: say why, and show what the plugin has.
                problem = text(ui, e, "refresh");
                meetings = actions.meetings(caller, contactId, false);
            }
        } catch (ApiException e) {
            String refused = text(ui, e, null);
            return SettingsUiRoutes.render(out -> JtecontactMeetingsGenerated.render(out, null, ui,
                    Models.ContactMeetings.refused(refused)));
        }
        boolean mayLink = security.mayAct(caller, Action.SEND_SCHEDULING_LINK);
        List<Map<String, Object>> eventTypes = List.of();
        List<Models.LinkGroup> linkGroups = List.of();
        String linkProblem = null;
        if (mayLink) {
            try {
                List<LinkAccount> accounts = actions.linkAccounts(caller);
                if (accounts.size() > 1) {
                    linkGroups = accounts.stream().map(a -> linkGroup(ui, caller, a)).toList();
                } else {
                    // One account: named, so the live integrations just read are not read again; none: the
                    // lookup says why (not connected).
                    eventTypes = actions.eventTypes(caller, accounts.isEmpty() ? null : accounts.get(0).integrationId());
                }
            } catch (ApiException e) {
                linkProblem = text(ui, e, "link");
            }
        }
        SchedulingLink link = null;
        String linkId = ctx.queryParam("cb_link");
        if (mayLink && linkId != null) {
            link = actions.link(caller, contactId, linkId).orElse(null);
        }
        Models.ContactMeetings model = new Models.ContactMeetings(contactId, returnTo,
                base + "/contacts/" + encode(contactId), meetings, refresh && problem == null, problem,
                security.mayAct(caller, Action.CANCEL_MEETING), security.mayAct(caller, Action.MARK_NO_SHOW), mayLink,
                eventTypes, linkGroups, linkProblem, UUID.randomUUID().toString(), link, notice(ctx, ui), null);
        return SettingsUiRoutes.render(out -> JtecontactMeetingsGenerated.render(out, null, ui, model));
    }

    /** One account's event types; one that cannot be listed (a reconnect, say) says why and leaves the others. */
    private Models.LinkGroup linkGroup(Ui ui, Caller caller, LinkAccount account) {
        String named = Models.accountName(account.userName(), account.userEmail());
        String name = named == null ? ui.t("account.unnamed") : named;
        try {
            return new Models.LinkGroup(account.integrationId(), name, actions.eventTypes(caller, account.integrationId()),
                    null);
        } catch (ApiException e) {
            return new Models.LinkGroup(account.integrationId(), name, List.of(), text(ui, e, "link"));
        }
    }

    private Ui ui(Context ctx, Caller caller) {
        Locale locale = messages.negotiate(ctx.header("Accept-Language"));
        ZoneId zone = caller == null ? ZoneId.of("UTC") : zones.apply(caller.tenantId());
        String token = caller == null ? "" : security.csrfToken(ctx).orElse("");
        return new Ui(messages, locale, zone, base, "contact", null, security.csrfField(), token, null);
    }

    /** The result of the last action, from the redirect's codes; unknown codes show nothing. */
    private Ui.Notice notice(Context ctx, Ui ui) {
        String done = ctx.queryParam("cb_done");
        if (done != null && done.matches("[a-z_]{1,40}") && messages.has(ui.locale(), "meetings.done." + done)) {
            return new Ui.Notice("ok", ui.t("meetings.done." + done));
        }
        String error = ctx.queryParam("cb_error");
        String action = ctx.queryParam("cb_action");
        if (error != null && error.matches("[a-z_]{1,40}")) {
            return new Ui.Notice("error", errorText(ui, error, action != null && ACTIONS.contains(action) ? action : null));
        }
        return null;
    }

    private interface Act {
        Map<String, String> run(Caller caller, String contactId);
    }

    /** A form post: the caller, the host's CSRF token, the action; then back where the form was. */
    private void post(Context ctx, String action, Act act) {
        String contact = ctx.pathParam("contactId");
        String back = safeReturn(ctx.formParam("return_to"), contact);
        Map<String, String> result;
        try {
            Caller caller = access.requireCaller(ctx);
            Optional<String> expected = security.csrfToken(ctx);
            String presented = ctx.formParam(security.csrfField());
            if (expected.isEmpty() || presented == null || !MessageDigest.isEqual(
                    expected.get().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
                result = Map.of("cb_error", expected.isEmpty() ? "csrf_unsupported" : "csrf_invalid");
            } else {
                result = act.run(caller, contact);
            }
        } catch (ApiException e) {
            result = new LinkedHashMap<>();
            result.put("cb_error", e.code());
            result.put("cb_action", action);
        }
        ctx.redirect(url(back, result), HttpStatus.SEE_OTHER);
    }

    /** A path of this host (one leading '/', no scheme, no control characters), else the UI's own page. */
    private String safeReturn(String raw, String contactId) {
        if (raw != null && raw.length() <= 500 && raw.startsWith("/") && !raw.startsWith("//") && !raw.contains("\\")
                && raw.chars().noneMatch(c -> c < 0x21 || c == 0x7f)) {
            int cut = raw.indexOf('#');
            return cut < 0 ? raw : raw.substring(0, cut);
        }
        return base + "/contacts/" + encode(contactId);
    }

    private static String url(String back, Map<String, String> query) {
        StringBuilder s = new StringBuilder(back.replaceAll("([?&])cb_[a-z]+=[^&]*", "$1").replaceAll("[?&]+$", ""));
        char sep = s.indexOf("?") < 0 ? '?' : '&';
        for (Map.Entry<String, String> e : query.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return s.append('#').append(ANCHOR).toString();
    }

    private String text(Ui ui, ApiException e, String action) {
        return errorText(ui, e.code(), action);
    }

    /** "Reconnect to allow X" per action; the bundle's text of the code; else a general one. */
    private String errorText(Ui ui, String code, String action) {
        if (action != null && messages.has(ui.locale(), "meetings.error." + code + "." + action)) {
            return ui.t("meetings.error." + code + "." + action);
        }
        if (messages.has(ui.locale(), "meetings.error." + code)) {
            return ui.t("meetings.error." + code);
        }
        return ui.code("error.", code, ui.t("meetings.error.unknown"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
