package io.calbridge.calendly;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The drop-in settings UI: the Calendly page for a host's tenant admins, served by the plugin under a
 * path of the host's choosing. Off unless the host sets {@link CalendlyConfig#settingsUi}:
 *
 * <pre>{@code
 * c.settingsUi = SettingsUi.at("/app/calendly");
 * }</pre>
 *
 * <p>It shows the connection (all three modes) with its health and a "check now", what bookings do
 * (the default settings), a mapping per Calendly event type with a dry run, and the webhook log with
 * replays. It calls the same services as the settings API, as the caller that
 * {@link io.calbridge.calendly.spi.HostSecurity} names (tenant admins only), and puts the host's
 * CSRF token ({@link io.calbridge.calendly.spi.HostSecurity#csrfToken}) into every form.
 *
 * <p>Theming: the page's colours, fonts and radii are CSS custom properties ({@code --cb-accent},
 * {@code --cb-font}...); a host stylesheet added with {@link #stylesheet(String)} overrides them.
 * Texts: English and German ship with the plugin; {@link #messages(Locale, Map)} adds a language or
 * replaces single texts. The language is the best match of the browser's {@code Accept-Language}.
 * A {@link Frame} puts the page into the host's own layout (navigation, header).
 *
 * <p>Instances are immutable; each method returns a changed copy.
 */
public final class SettingsUi {
    private final String path;
    private final List<String> stylesheets;
    private final Map<Locale, Map<String, String>> messages;
    private final Frame frame;

    private SettingsUi(String path, List<String> stylesheets, Map<Locale, Map<String, String>> messages, Frame frame) {
        this.path = path;
        this.stylesheets = List.copyOf(stylesheets);
        Map<Locale, Map<String, String>> copy = new LinkedHashMap<>();
        messages.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        this.messages = java.util.Collections.unmodifiableMap(copy);
        this.frame = frame;
    }

    /**
     * The UI at {@code path} of the host (not under {@link CalendlyConfig#routePrefix}).
     *
     * @param path where the page is, e.g. {@code /app/calendly}: starts with '/', does not end with one
     * @return the UI with the plugin's own look, texts and page frame
     * @throws IllegalArgumentException when the path is not of that form
     */
    public static SettingsUi at(String path) {
        if (path == null || !path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("{")
                || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("settingsUi path must start with '/', not end with '/' and have no"
                    + " placeholders or query, e.g. SettingsUi.at(\"/app/calendly\"): " + path);
        }
        return new SettingsUi(path, List.of(), Map.of(), null);
    }

    /**
     * Adds a stylesheet that the page links after its own, typically one that sets the theme's custom
     * properties ({@code :root { --cb-accent: #0b5394; }}).
     *
     * @param href the stylesheet's URL, e.g. {@code /static/calendly-theme.css}
     * @return a copy with the stylesheet
     */
    public SettingsUi stylesheet(String href) {
        Objects.requireNonNull(href, "href");
        List<String> more = new ArrayList<>(stylesheets);
        more.add(href);
        return new SettingsUi(path, more, messages, frame);
    }

    /**
     * Texts for a language: a whole translation, or single texts that replace the shipped ones. Keys are
     * those of the plugin's {@code messages.properties} (listed in docs/embedding.md); a key missing
     * here falls back to the shipped text of the language, then to English.
     *
     * @param locale the language, e.g. {@code Locale.FRENCH}
     * @param texts  key to text; {@code {0}}, {@code {1}}... are filled in as in {@link java.text.MessageFormat}
     * @return a copy with the texts
     */
    public SettingsUi messages(Locale locale, Map<String, String> texts) {
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(texts, "texts");
        Map<Locale, Map<String, String>> more = new LinkedHashMap<>(messages);
        Map<String, String> merged = new LinkedHashMap<>(more.getOrDefault(locale, Map.of()));
        merged.putAll(texts);
        more.put(locale, merged);
        return new SettingsUi(path, stylesheets, more, frame);
    }

    /**
     * Puts the page into the host's layout. Without a frame the page is a document of its own.
     *
     * @param frame renders the whole HTML document around the UI
     * @return a copy with the frame
     */
    public SettingsUi frame(Frame frame) {
        return new SettingsUi(path, stylesheets, messages, Objects.requireNonNull(frame, "frame"));
    }

    /** @return where the UI is mounted */
    public String path() {
        return path;
    }

    /** @return the host's stylesheets, in order */
    public List<String> stylesheets() {
        return stylesheets;
    }

    /** @return the host's texts by language */
    public Map<Locale, Map<String, String>> messages() {
        return messages;
    }

    /** @return the host's frame, or null for the plugin's own document */
    public Frame frame() {
        return frame;
    }

    /** The host's layout around the UI. */
    @FunctionalInterface
    public interface Frame {
        /**
         * The whole HTML document.
         *
         * @param ctx   the request (for the host's navigation, signed-in user...)
         * @param title the page title, plain text (escape it)
         * @param head  markup for the document's {@code <head>}: the UI's stylesheets (and the host's) and
         *              its script; insert as is
         * @param body  the UI's markup; insert as is
         * @return the document
         */
        String page(Context ctx, String title, String head, String body);
    }
}
