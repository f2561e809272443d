package io.calbridge.host.web;

import io.calbridge.host.demo.DemoCalendly;
import io.calbridge.host.security.CurrentUser;
import io.calbridge.host.security.CurrentUsers;
import io.javalin.config.Key;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/**
 * The Calendly pages, for tenant admins. The server renders the frame and the connect forms (plain
 * form posts to the plugin's {@code POST /settings/calendly/connect}, which answers with a redirect
 * to Calendly's consent page or back here); {@code /static/calendly.js} fills in the rest from the
 * plugin's settings API (integrations and health, default settings, one mapping editor per Calendly
 * event type, dry run, webhook log with replays) with {@code calbridge.json}, which sends the CSRF
 * token. Nothing here reads the plugin's tables: the API is the one source, so the page shows
 * exactly what any other client of the API would see.
 *
 * <ul>
 *   <li>{@code GET /app/calendly}: connect, integrations, settings, mappings, dry run. After the
 *       OAuth callback the plugin sends the browser here with {@code ?calendly=connected|error|disconnected}.</li>
 *   <li>{@code GET /app/calendly/webhooks?integration={id}}: the webhook log of one integration.</li>
 * </ul>
 */
final class CalendlyPage {
    static final String API = "/settings/calendly";

    /** What the plugin's {@code reason} codes mean for a person who just came back from Calendly. */
    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("access_denied", "access was declined on Calendly's consent page"),
            Map.entry("state_expired", "the authorization took longer than 10 minutes"),
            Map.entry("state_reused", "this authorization was already used"),
            Map.entry("state_invalid", "this authorization was not started here"),
            Map.entry("state_wrong_tenant", "the authorization was started by another user or tenant"),
            Map.entry("code_rejected", "Calendly refused the authorization code"),
            Map.entry("client_rejected", "Calendly refused the OAuth app's client id or secret"),
            Map.entry("client_id_missing", "the client id is missing"),
            Map.entry("client_secret_missing", "the client secret is missing"),
            Map.entry("personal_token_missing", "the personal access token is missing"),
            Map.entry("token_invalid", "Calendly rejected the personal access token"),
            Map.entry("token_scope", "the personal access token lacks the users:read scope"),
            Map.entry("platform_app_not_configured", "this installation has no platform Calendly app"),
            Map.entry("webhook_signing_key_invalid", "the webhook signing key does not look like one (no spaces)"),
            Map.entry("tenant_forgotten", "this workspace's Calendly data was erased; it cannot connect again"),
            Map.entry("calendly_rate_limited", "Calendly is rate-limiting this account; try again in a minute"),
            Map.entry("calendly_unavailable", "Calendly could not be reached"));

    private final CurrentUsers users;
    private final Layout layout;

    CalendlyPage(CurrentUsers users, Layout layout) {
        this.users = users;
        this.layout = layout;
    }

    void show(Context ctx) {
        CurrentUser user = users.requireAdmin(ctx);
        Optional<String> bookingPage = demoValue(ctx, DemoCalendly.BOOKING_PAGE);
        Html csrf = layout.csrfField(ctx);
        Html connect = Html.of("""
                <section class="card" id="connect">
                <h2>Connect a Calendly account</h2>
                <div class="connect-modes">
                <form method="post" action="{}/connect" id="connect-platform" class="stack">{}
                <input type="hidden" name="mode" value="platform_app">
                <h3>With one click</h3>
                <p class="note">Sign in to Calendly and approve access for this app.</p>
                <button type="submit">Connect with Calendly</button>
                </form>
                <form method="post" action="{}/connect" id="connect-tenant-app" class="stack">{}
                <input type="hidden" name="mode" value="tenant_app">
                <h3>With your own Calendly OAuth app</h3>
                <label>Client ID <input name="client_id" required autocomplete="off"></label>
                <label>Client secret <input name="client_secret" type="password" required autocomplete="off"></label>
                <label>Webhook signing key (optional) <input name="webhook_signing_key" type="password" autocomplete="off"></label>
                <p class="note">The app's own signing key, shown once when you created the app. Give it if Calendly signs the app's webhooks with it.</p>
                <p class="note">Register this redirect URI in the app: <code id="redirect-uri">{}/callback</code></p>
                <button type="submit">Connect with your app</button>
                </form>
                <form method="post" action="{}/connect" id="connect-personal-token" class="stack">{}
                <input type="hidden" name="mode" value="personal_token">
                <h3>With a personal access token</h3>
                <label>Personal access token <input name="personal_token" type="password" required autocomplete="off"></label>
                <p class="note">Calendly &rarr; Integrations &rarr; API &amp; Webhooks. It does not expire; disconnect here to stop using it.</p>
                <button type="submit">Connect with a token</button>
                </form>
                </div>
                </section>""", API, csrf, API, csrf, API, API, csrf);
        Optional<String> personalToken = demoValue(ctx, DemoCalendly.PERSONAL_TOKEN);
        Html token = personalToken.map(pat -> Html.of("""
                <p>For the personal-token mode, this is a personal access token of the sandbox's owner:
                <code id="demo-personal-token">{}</code></p>""", pat)).orElse(Html.EMPTY);
        // calendly.js shows the paragraph that fits once it knows whether an account is connected.
        Html demo = bookingPage.map(url -> Html.of("""
                <section class="card demo" id="demo">
                <h2>Try it with the demo Calendly</h2>
                <p id="demo-disconnected">This demo runs a local Calendly sandbox. Connect it above with &ldquo;Connect with Calendly&rdquo;;
                the connected account then appears at the top of this page with its settings. Say there what each event type does, then
                <a href="{}" target="_blank" rel="noopener" id="sandbox-booking-page">open the sandbox's booking page</a> and book a meeting.</p>
                <p id="demo-connected" hidden>Calendly is connected. Say what each event type does in the account's settings at the top of
                this page (<em>Per Calendly event type</em>), then <a href="{}" target="_blank" rel="noopener">open the sandbox's booking
                page</a> and book a meeting.</p>
                <p>The contact appears on <a href="/app/contacts">Contacts</a> and the follow-up task on <a href="/app/tasks">Tasks</a> within seconds.</p>
                {}
                </section>""", url, url, token)).orElse(Html.EMPTY);
        Html body = Html.of("""
                <p>Connect {}'s Calendly account so that every booking becomes a contact, a list subscriber and a follow-up task.</p>
                {}
                <div id="calendly" data-api="{}" data-page="main">
                <section id="integrations" aria-live="polite"><p class="empty">Loading the Calendly integrations&hellip;</p></section>
                </div>
                {}{}
                <script src="/static/calendly.js" defer></script>""",
                user.tenant().tenantName(), notice(ctx), API, connect, demo);
        ctx.html(layout.page(ctx, user, Nav.CALENDLY, "Calendly", body).toString());
    }

    void webhooks(Context ctx) {
        CurrentUser user = users.requireAdmin(ctx);
        String integration = ctx.queryParam("integration");
        Html body = Html.of("""
                <p><a href="/app/calendly">&larr; Calendly settings</a></p>
                <p class="note">Every delivery Calendly sent, newest first, with personal data redacted. A delivery that could not
                be processed is retried; after the last attempt it is set aside (DEAD) until you replay it.</p>
                <div id="calendly" data-api="{}" data-page="webhooks" data-integration="{}">
                <section id="webhook-log" aria-live="polite"><p class="empty">Loading the webhook log&hellip;</p></section>
                </div>
                <script src="/static/calendly.js" defer></script>""", API, integration == null ? "" : integration);
        ctx.html(layout.page(ctx, user, Nav.CALENDLY, "Calendly webhook log", body).toString());
    }

    /** The connect warnings (comma-separated codes) in words; unknown codes are not shown. */
    static Html warningText(String warning) {
        if (warning == null || warning.isBlank()) {
            return Html.EMPTY;
        }
        java.util.List<String> codes = java.util.List.of(warning.split(","));
        StringBuilder text = new StringBuilder();
        if (codes.contains("shared_calendly_account")) {
            text.append(" This Calendly account is also connected to another workspace.");
        }
        if (codes.contains("overlapping_connection")) {
            text.append(" Another connection of this workspace already receives this Calendly organization's bookings;"
                    + " each booking is still recorded once, with the settings of the connection that received it first.");
        }
        return Html.raw(text.toString());
    }

    /** What happened on the way back from Calendly (or a form-posted connect or disconnect). */
    static Html notice(Context ctx) {
        String outcome = ctx.queryParam("calendly");
        String reason = ctx.queryParam("reason");
        if ("connected".equals(outcome)) {
            String warning = ctx.queryParam("warning");
            return Html.of("<p class=\"notice\" id=\"calendly-notice\" role=\"status\">Calendly is connected.{}{}</p>",
                    "error".equals(ctx.queryParam("webhooks"))
                            ? Html.raw(" Webhooks are not working yet; see the integration's health below.") : Html.EMPTY,
                    warningText(warning));
        }
        if ("disconnected".equals(outcome)) {
            return Html.of("<p class=\"notice\" id=\"calendly-notice\" role=\"status\">Calendly is disconnected.{}</p>",
                    reason == null || reason.isBlank() ? Html.EMPTY
                            : Html.raw(" Cleaning up at Calendly did not fully work; you may delete the webhook subscription there by hand."));
        }
        if ("error".equals(outcome)) {
            String why = reason == null ? null : REASONS.get(reason);
            return Html.of("<p class=\"notice error\" id=\"calendly-notice\" role=\"alert\">Calendly was not connected: {} <small>({})</small></p>",
                    why == null ? "something went wrong" : why, reason == null ? "unknown" : reason);
        }
        return Html.EMPTY;
    }

    private static Optional<String> demoValue(Context ctx, Key<Optional<String>> key) {
        try {
            Optional<String> value = ctx.appData(key);
            return value == null ? Optional.empty() : value;
        } catch (RuntimeException e) {
            return Optional.empty(); // an app assembled without HostApp, which registers the keys
        }
    }
}
