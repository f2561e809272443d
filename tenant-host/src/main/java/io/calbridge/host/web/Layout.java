package io.calbridge.host.web;

import io.calbridge.host.security.CsrfGuard;
import io.calbridge.host.security.CurrentUser;
import io.calbridge.host.security.Membership;
import io.calbridge.host.security.SecurityConfig;
import io.calbridge.host.security.UserDirectory;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;

/**
 * The page chrome of the signed-in app: navigation, tenant switcher, sign-out, the CSRF token for
 * scripts ({@code <meta name="csrf-token">}, read by {@code calbridge.fetch} in {@code /static/app.js}),
 * and the page's title and content. A page handler does:
 *
 * <pre>{@code
 * CurrentUser user = users.require(ctx);               // or users.requireAdmin(ctx)
 * Html body = Html.of("<p>Hello {}</p>", user.displayName());
 * ctx.html(layout.page(ctx, user, Nav.CONTACTS, "Contacts", body).toString());
 * }</pre>
 *
 * Forms that POST include {@link #csrfField(Context)}.
 */
public record Layout(UserDirectory directory, CsrfGuard csrf) {
    /** A whole page of the signed-in app; {@code active} is highlighted in the navigation. */
    public Html page(Context ctx, CurrentUser user, Nav active, String title, Html content) {
        return page(ctx, user, active, title, Html.EMPTY, content, true);
    }

    /** A whole page of the signed-in app with markup for its {@code <head>} (the plugin's contact section). */
    public Html page(Context ctx, CurrentUser user, Nav active, String title, Html head, Html content) {
        return page(ctx, user, active, title, head, content, true);
    }

    /**
     * A whole page around a UI that brings its own heading and {@code <head>} markup (stylesheets and
     * scripts): the plugin's settings UI.
     */
    public Html embedding(Context ctx, CurrentUser user, Nav active, String title, Html head, Html content) {
        return page(ctx, user, active, title, head, content, false);
    }

    private Html page(Context ctx, CurrentUser user, Nav active, String title, Html head, Html content, boolean heading) {
        String token = csrf.token(ctx);
        Html nav = Html.join(Arrays.stream(Nav.values())
                .filter(n -> !n.adminOnly || user.isAdmin())
                .map(n -> Html.of("<a href=\"{}\"{}>{}</a>", n.path, n == active ? Html.raw(" aria-current=\"page\"") : Html.EMPTY, n.label)));
        return document(title + " · " + user.tenant().tenantName(), token, head, Html.of("""
                <header class="top">
                <a class="brand" href="/app">tenant-host</a>
                <nav>{}</nav>
                <div class="who">{}
                <span class="user">{} <small>({})</small></span>
                <form method="post" action="{}" class="inline"><input type="hidden" name="{}" value="{}"><button type="submit" class="link">Sign out</button></form>
                </div>
                </header>
                <main>
                {}{}
                </main>
                """, nav, tenantSwitcher(user, token), user.displayName(), user.tenant().role().name().toLowerCase(java.util.Locale.ROOT),
                SecurityConfig.LOGOUT_PATH, CsrfGuard.FIELD, token, heading ? Html.of("<h1>{}</h1>\n", title) : Html.EMPTY, content));
    }

    /** A page without the app's chrome (login, errors). */
    public static Html bare(String title, String csrfToken, Html content) {
        return document(title, csrfToken, Html.EMPTY, Html.of("<main class=\"narrow\">{}</main>", content));
    }

    /** The hidden input every POST form needs. */
    public Html csrfField(Context ctx) {
        return Html.of("<input type=\"hidden\" name=\"{}\" value=\"{}\">", CsrfGuard.FIELD, csrf.token(ctx));
    }

    private Html tenantSwitcher(CurrentUser user, String token) {
        List<Membership> memberships = directory.memberships(user.userId());
        if (memberships.size() < 2) {
            return Html.of("<span class=\"tenant\">{}</span>", user.tenant().tenantName());
        }
        Html options = Html.each(memberships, m -> Html.of("<option value=\"{}\"{}>{}</option>", m.tenantId(),
                m.tenantId().equals(user.tenantId()) ? Html.raw(" selected") : Html.EMPTY, m.tenantName()));
        return Html.of("""
                <form method="post" action="{}" class="inline tenant-switch"><input type="hidden" name="{}" value="{}">\
                <label>Tenant <select name="tenant_id" data-autosubmit>{}</select></label> <button type="submit">Switch</button></form>""",
                SecurityConfig.SELECT_TENANT_PATH, CsrfGuard.FIELD, token, options);
    }

    private static Html document(String title, String csrfToken, Html head, Html body) {
        return Html.of("""
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                {}<title>{}</title>
                <link rel="stylesheet" href="/static/app.css">
                <script src="/static/app.js" defer></script>
                {}</head>
                <body>
                {}</body>
                </html>
                """, csrfToken == null ? Html.EMPTY : Html.of("<meta name=\"csrf-token\" content=\"{}\">\n", csrfToken), title, head, body);
    }
}
