package io.calbridge.calendly.internal.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The UI's texts: one bundle per language ({@code messages.properties} is English,
 * {@code messages_de.properties} German, both UTF-8), plus whatever the host adds or replaces
 * ({@link io.calbridge.calendly.SettingsUi#messages}). Read once at start, so a missing file is found
 * then. Plain properties rather than {@code ResourceBundle}: inside a named module that needs a
 * service provider per bundle, and hosts hand their texts in as a map anyway.
 */
final class Messages {
    static final Locale ENGLISH = Locale.ENGLISH;
    private static final String BASE = "messages";

    private final Map<Locale, Map<String, String>> texts;
    private final List<Locale> available;

    Messages(Map<Locale, Map<String, String>> hostTexts) {
        Map<Locale, Map<String, String>> all = new LinkedHashMap<>();
        all.put(ENGLISH, load(BASE + ".properties"));
        all.put(Locale.GERMAN, load(BASE + "_de.properties"));
        hostTexts.forEach((locale, overrides) -> {
            Locale language = Locale.forLanguageTag(locale.getLanguage());
            Map<String, String> merged = new HashMap<>(all.getOrDefault(language, Map.of()));
            merged.putAll(overrides);
            all.put(language, merged);
        });
        this.texts = all;
        this.available = List.copyOf(all.keySet());
    }

    /** The best of the languages we have for an {@code Accept-Language} header; English when none fits. */
    Locale negotiate(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return ENGLISH;
        }
        try {
            Locale found = Locale.lookup(Locale.LanguageRange.parse(acceptLanguage), available);
            return found == null ? ENGLISH : found;
        } catch (IllegalArgumentException e) {
            return ENGLISH;
        }
    }

    /** Every key of the English bundle: what a translation should cover. */
    Set<String> keys() {
        return new LinkedHashSet<>(texts.get(ENGLISH).keySet());
    }

    /** The text of {@code key} in {@code locale}, falling back to English, then to the key itself. */
    String text(Locale locale, String key, Object... args) {
        String pattern = texts.getOrDefault(locale, Map.of()).get(key);
        if (pattern == null) {
            pattern = texts.get(ENGLISH).get(key);
        }
        if (pattern == null) {
            return key;
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern.replace("'", "''"), locale).format(args);
    }

    boolean has(Locale locale, String key) {
        return texts.getOrDefault(locale, Map.of()).containsKey(key) || texts.get(ENGLISH).containsKey(key);
    }

    private static Map<String, String> load(String name) {
        try (InputStream in = Messages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the settings UI's " + name + " is missing from the plugin jar");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> out = new HashMap<>();
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
