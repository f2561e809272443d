package io.calbridge.host.web;

import io.calbridge.calendly.SettingsUi;
import io.calbridge.host.demo.DemoCalendly;
import io.calbridge.host.security.CurrentUser;
import io.calbridge.host.security.CurrentUsers;
import io.javalin.config.Key;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The Calendly page is the plugin's drop-in settings UI ({@link SettingsUi}, mounted at
 * {@value #PATH} in {@code HostApp}); this frame puts it into tenant-host's layout (navigation,
 * tenant switcher, sign-out) and, in demo mode, adds a short box with the local sandbox's booking
 * page and personal access token above it. The UI checks the caller itself (tenant admins only); the
 * frame asks only who is signed in, for the navigation.
 */
record CalendlyFrame(CurrentUsers users, Layout layout) implements SettingsUi.Frame {
    /** Where tenant-host mounts the settings UI. */
    static final String PATH = "/app/calendly";

    @Override
    public String page(Context ctx, String title, String head, String body) {
        CurrentUser user = users.require(ctx);
        Html demo = Html.EMPTY;
        Optional<String> bookingPage = demoValue(ctx, DemoCalendly.BOOKING_PAGE);
        if (bookingPage.isPresent() && ctx.path().equals(PATH)) {
            Html token = demoValue(ctx, DemoCalendly.PERSONAL_TOKEN).map(pat -> Html.of("""
                    <p>For &ldquo;With a personal access token&rdquo;, the sandbox owner's token:
                    <code id="demo-personal-token">{}</code></p>""", pat)).orElse(Html.EMPTY);
            demo = Html.of("""
                    <details class="demo" id="demo">
                    <summary>Try it with the demo Calendly</summary>
                    <p>This demo runs a local Calendly sandbox. Connect it below, say under <em>What bookings do</em> and
                    <em>Event types</em> what bookings should do, then <a href="{}" target="_blank" rel="noopener"
                    id="sandbox-booking-page">book a meeting on the sandbox's booking page</a>. The contact appears on
                    <a href="/app/contacts">Contacts</a> and the task on <a href="/app/tasks">Tasks</a> within seconds.</p>
                    {}
                    </details>""", bookingPage.get(), token);
        }
        return layout.embedding(ctx, user, Nav.CALENDLY, title, Html.raw(head), Html.of("{}{}", demo, Html.raw(body))).toString();
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
