package io.calbridge.host.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A contact's {@code custom_fields} sorted for display: Calendly's questions and answers, UTM
 * parameters, and everything else. The booking feature writes a flat object: each question
 * (trimmed) with its answer, and {@code utm_*} / {@code salesforce_uuid} keys for the tracking
 * parameters. Also understood: answers as {@code [{"question","answer"}]} or an object under
 * {@code answers}, {@code questions_and_answers} or {@code calendly_answers}; tracking as an object
 * under {@code utm} or {@code tracking}; any of these nested under {@code calendly}. Other objects
 * and arrays are shown as JSON text. Values are text; rendering escapes them.
 */
record CustomFields(List<Map.Entry<String, String>> answers, Map<String, String> utm, Map<String, String> other) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANSWER_KEYS = Set.of("answers", "questions_and_answers", "calendly_answers");
    private static final Set<String> UTM_KEYS = Set.of("utm", "tracking");

    static CustomFields parse(String json) {
        CustomFields out = new CustomFields(new ArrayList<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        if (json == null || json.isBlank()) {
            return out;
        }
        try {
            JsonNode root = JSON.readTree(json);
            if (root != null && root.isObject()) {
                out.collect(root, "");
            }
        } catch (IOException e) {
            out.other.put("custom_fields", json);
        }
        return out;
    }

    boolean isEmpty() {
        return answers.isEmpty() && utm.isEmpty() && other.isEmpty();
    }

    private void collect(JsonNode object, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String lower = key.toLowerCase(Locale.ROOT);
            JsonNode value = e.getValue();
            if (prefix.isEmpty() && "calendly".equals(lower) && value.isObject()) {
                collect(value, "calendly.");
            } else if (ANSWER_KEYS.contains(lower) && (value.isArray() || value.isObject())) {
                answers(value);
            } else if (UTM_KEYS.contains(lower) && value.isObject()) {
                value.fields().forEachRemaining(u -> {
                    if (!u.getValue().isNull()) {
                        utm.put(u.getKey(), text(u.getValue()));
                    }
                });
            } else if (lower.startsWith("utm_") || "salesforce_uuid".equals(lower)) {
                if (!value.isNull()) {
                    utm.put(key, text(value));
                }
            } else if (value.isValueNode()) {
                if (!value.isNull()) {
                    answers.add(Map.entry(key.strip(), text(value)));
                }
            } else {
                other.put(prefix + key, text(value));
            }
        }
    }

    private void answers(JsonNode value) {
        if (value.isArray()) {
            for (JsonNode qa : value) {
                if (qa.isObject() && qa.has("question")) {
                    answers.add(Map.entry(qa.get("question").asText().strip(), qa.has("answer") ? text(qa.get("answer")) : ""));
                }
            }
        } else {
            value.fields().forEachRemaining(qa -> answers.add(Map.entry(qa.getKey().strip(), text(qa.getValue()))));
        }
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? (v.isNull() ? "" : v.asText()) : v.toString();
    }
}
