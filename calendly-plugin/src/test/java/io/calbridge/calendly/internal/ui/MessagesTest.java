package io.calbridge.calendly.internal.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bundles are complete: every text of the English bundle has a German one with the same
 * placeholders ({0}, {1}...), and German has no key English lacks. A missing text would fall back to
 * English in the middle of a German page.
 */
class MessagesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d+}");

    @Test
    void everyEnglishTextHasAGermanOneWithTheSamePlaceholders() throws IOException {
        Map<String, String> english = load("messages.properties");
        Map<String, String> german = load("messages_de.properties");
        Set<String> missing = new TreeSet<>(english.keySet());
        missing.removeAll(german.keySet());
        Set<String> extra = new TreeSet<>(german.keySet());
        extra.removeAll(english.keySet());
        assertEquals(Set.of(), missing, "English texts without a German one");
        assertEquals(Set.of(), extra, "German texts English lacks");
        Map<String, String> different = new TreeMap<>();
        english.forEach((key, text) -> {
            if (!placeholders(text).equals(placeholders(german.get(key)))) {
                different.put(key, text + " | " + german.get(key));
            }
        });
        assertEquals(Map.of(), different, "the same placeholders");
        assertEquals(english.keySet(), new Messages(Map.of()).keys(), "Messages reads the English bundle whole");
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static Map<String, String> load(String name) throws IOException {
        try (InputStream in = Messages.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> out = new TreeMap<>();
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
            return out;
        }
    }
}
