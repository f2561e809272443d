package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effects one booking chain has applied to the host, by effect name, with each effect's result
 * as a small JSON object. Loaded once per delivery, changed in memory, written back in one
 * statement in the same transaction as the effects.
 */
final class Ledger {
    private final Map<String, String> stored;
    private final Map<String, ObjectNode> parsed = new HashMap<>();
    private final Map<String, String> writes = new LinkedHashMap<>();

    Ledger(Map<String, String> stored) {
        this.stored = new HashMap<>(stored);
    }

    static Ledger empty() {
        return new Ledger(Map.of());
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

    Set<String> names() {
        return stored.keySet();
    }

    static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }

    static ArrayNode array(Collection<String> values) {
        ArrayNode a = Json.mapper().createArrayNode();
        values.forEach(a::add);
        return a;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    /** {@code a} followed by the values of {@code b} it lacks. */
    static List<String> union(Collection<String> a, Collection<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
