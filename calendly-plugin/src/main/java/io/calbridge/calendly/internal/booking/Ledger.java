package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Json;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The effects a routing form submission has applied to the host, by effect name, with each
 * effect's result as a small JSON object (booking chains have their typed {@link ChainLedger}).
 * Loaded once per delivery, changed in memory, written back in one statement in the same
 * transaction as the effects.
 */
final class Ledger {
    private final Map<String, String> stored;
    private final Map<String, ObjectNode> parsed = new HashMap<>();
    private final Map<String, String> writes = new LinkedHashMap<>();

    Ledger(Map<String, String> stored) {
        this.stored = new HashMap<>(stored);
    }

    boolean has(String name) {
        return stored.containsKey(name);
    }

    /** The effect's result, or null when it was never applied. Changes must go through {@link #put}. */
    ObjectNode get(String name) {
        String raw = stored.get(name);
        if (raw == null) {
            return null;
        }
        return parsed.computeIfAbsent(name, n -> {
            try {
                JsonNode node = Json.mapper().readTree(raw);
                return node instanceof ObjectNode o ? o : Json.mapper().createObjectNode();
            } catch (JsonProcessingException e) {
                return Json.mapper().createObjectNode();
            }
        });
    }

    void put(String name, ObjectNode result) {
        String raw = result.toString();
        stored.put(name, raw);
        parsed.put(name, result);
        writes.put(name, raw);
    }

    Map<String, String> writes() {
        return writes;
    }

    static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
