package io.calbridge.calendly;

import io.javalin.http.Context;

/**
 * The drop-in UI's "Calendly meetings of this contact", for a host's own contact page: the contact's
 * upcoming and past meetings with cancel (with a reason), mark or take back a no-show, a "refresh
 * from Calendly", and a single-use scheduling link for an event type, ready to copy. Each action is
 * offered only to members whom {@link io.calbridge.calendly.spi.HostSecurity#mayAct} lets act, and
 * each form carries the host's CSRF token. It needs {@link CalendlyConfig#settingsUi}: its forms post
 * to the settings UI's path and come back to {@code returnTo}.
 *
 * <pre>{@code
 * String html = ctx.appData(CalendlyPlugin.CONTACT_MEETINGS_UI).render(ctx, contactId, "/app/contacts/" + contactId);
 * // insert html as is into the page, and head(ctx) into its <head> (the UI's stylesheet and script)
 * }</pre>
 *
 * <p>The same section is a page of its own at {@code {settingsUi path}/contacts/{contactId}} (in the
 * host's {@link SettingsUi.Frame}), for hosts that link to it instead.
 */
public interface ContactMeetingsUi {
    /**
     * The section's markup for this request.
     *
     * @param ctx       the host page's request: the caller, language, CSRF token and the result of the
     *                  last action (its query parameters {@code cb_*}) are read from it
     * @param contactId the host's contact id
     * @param returnTo  the path of the host's page (starting with one '/'), where each action comes back
     * @return HTML to insert as is; a message instead of the meetings when the caller may not see them
     * @throws IllegalStateException when the host did not set {@link CalendlyConfig#settingsUi}
     */
    String render(Context ctx, String contactId, String returnTo);

    /**
     * Markup for the page's {@code <head>}: the UI's stylesheet (and the host's, see
     * {@link SettingsUi#stylesheet}) and its small script (copy button, busy buttons, confirmations).
     *
     * @return links to insert as is
     * @throws IllegalStateException when the host did not set {@link CalendlyConfig#settingsUi}
     */
    String head();
}
