package io.calbridge.sandbox;

import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The sandbox's serialiser reproduces real Calendly bodies byte for byte: each recorded delivery,
 * parsed and written again with the sandbox's key-order rules, gives exactly the recorded bytes.
 */
class CalendlyJsonOrderTest {
    @TestFactory
    Stream<DynamicTest> recordedBodiesRoundTripByteForByte() {
        List<String> real = CalendlyFixtures.webhookDeliveries().stream()
                .filter(n -> !n.contains("docs-example"))
                .toList();
        assertFalse(real.isEmpty());
        return real.stream().map(n -> DynamicTest.dynamicTest(n, () -> {
            byte[] recorded = CalendlyFixtures.webhook(n);
            JsonNode parsed = CalendlyJson.parse(recorded);
            // Shuffle first: build the tree with keys in reverse order so only the serialiser's rules decide.
            JsonNode reversed = reverse(parsed);
            byte[] written = CalendlyJson.bytes(reversedButKeepExceptions(parsed, reversed), CalendlyJson.Style.WEBHOOK);
            assertArrayEquals(recorded, written, () -> "expected\n" + new String(recorded, StandardCharsets.UTF_8)
                    + "\nbut wrote\n" + new String(written, StandardCharsets.UTF_8));
        }));
    }

    /** Keys reversed everywhere except inside the parts whose order Calendly fixes (built in that order). */
    private static JsonNode reversedButKeepExceptions(JsonNode original, JsonNode reversed) {
        return CalendlyJsonOrderTest.copyExceptions(original, reversed, null, null);
    }

    private static JsonNode copyExceptions(JsonNode original, JsonNode reversed, String key, String parent) {
        if (original.isObject()) {
            if ("tracking".equals(key) || "invitees_counter".equals(key) || ("data".equals(key) && "location".equals(parent))) {
                return original.deepCopy();
            }
            var out = CalendlyJson.object();
            for (var e : reversed.properties()) {
                out.set(e.getKey(), copyExceptions(original.get(e.getKey()), e.getValue(), e.getKey(), key));
            }
            return out;
        }
        if (original.isArray()) {
            var out = CalendlyJson.array();
            for (int i = 0; i < original.size(); i++) {
                out.add(copyExceptions(original.get(i), reversed.get(i), key, parent));
            }
            return out;
        }
        return original;
    }

    private static JsonNode reverse(JsonNode n) {
        if (n.isObject()) {
            var keys = new java.util.ArrayList<String>();
            n.fieldNames().forEachRemaining(keys::add);
            java.util.Collections.reverse(keys);
            var out = CalendlyJson.object();
            for (String k : keys) {
                out.set(k, reverse(n.get(k)));
            }
            return out;
        }
        if (n.isArray()) {
            var out = CalendlyJson.array();
            n.forEach(e -> out.add(reverse(e)));
            return out;
        }
        return n;
    }
}
