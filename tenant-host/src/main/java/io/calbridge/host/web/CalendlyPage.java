package io.calbridge.host.web;

import io.calbridge.host.security.CurrentUser;
import io.calbridge.host.security.CurrentUsers;
import io.javalin.http.Context;

/**
 * {@code GET /app/calendly}, for tenant admins: a placeholder until the page is built on the
 * plugin's settings API (connect in each mode, disconnect, health, settings, mappings, dry run,
 * webhook log with replay). Its scripts call that API with {@code calbridge.fetch} from
 * {@code /static/app.js}, which sends the CSRF token.
 */
final class CalendlyPage {
    private final CurrentUsers users;
    private final Layout layout;

    CalendlyPage(CurrentUsers users, Layout layout) {
        this.users = users;
        this.layout = layout;
    }

    void show(Context ctx) {
        CurrentUser user = users.requireAdmin(ctx);
        ctx.html(layout.page(ctx, user, Nav.CALENDLY, "Calendly", Html.of("""
                <p>Connect {}'s Calendly account so that every booking becomes a contact, a list subscriber and a follow-up task.</p>
                <section class="card" id="calendly-settings" data-tenant="{}">
                <p class="empty">The Calendly settings will appear here.</p>
                </section>""", user.tenant().tenantName(), user.tenantId())).toString());
    }
}
