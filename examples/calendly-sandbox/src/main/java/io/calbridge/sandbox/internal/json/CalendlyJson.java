package io.calbridge.sandbox.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serialises JSON the way Calendly writes it: compact, raw UTF-8 (never {@code \\uXXXX}), {@code /}
 * unescaped, no trailing newline, and keys in Calendly's order.
 *
 * <p>Calendly's order is alphabetical at every level with these exceptions, which keep the order they
 * were built in: {@code tracking} (utm_campaign, utm_source, utm_medium, utm_content, utm_term,
 * salesforce_uuid), the Zoom/Teams blob under {@code location.data}, and, in webhook bodies only,
 * {@code invitees_counter} (total, active, limit). API responses sort {@code invitees_counter}.
 */
public final class CalendlyJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper SNAKE_CASE = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    public enum Style { WEBHOOK, API, AS_BUILT }

    private CalendlyJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /**
     * An object with a key for every component of {@code value}, in the record's order, named in
     * snake case ({@code utmCampaign} is {@code utm_campaign}): for records that are exactly the shape
     * of a Calendly object.
     */
    public static ObjectNode snakeCase(Record value) {
        return SNAKE_CASE.valueToTree(value);
    }

    public static byte[] bytes(JsonNode node, Style style) {
        JsonNode ordered = style == Style.AS_BUILT ? node : order(node, style, null, null);
        try {
            return MAPPER.writeValueAsBytes(ordered);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    public static JsonNode parse(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code node} with keys in Calendly's order for the given style. */
    public static JsonNode order(JsonNode node, Style style, String key, String parentKey) {
        if (node.isObject()) {
            if (keepsBuiltOrder(style, key, parentKey)) {
                return node.deepCopy();
            }
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            fields.sort(Map.Entry.comparingByKey());
            ObjectNode out = object();
            for (Map.Entry<String, JsonNode> f : fields) {
                out.set(f.getKey(), order(f.getValue(), style, f.getKey(), key));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = array();
            for (JsonNode e : node) {
                out.add(order(e, style, key, parentKey));
            }
            return out;
        }
        return node;
    }

    private static boolean keepsBuiltOrder(Style style, String key, String parentKey) {
        if (key == null) {
            return false;
        }
        return key.equals("tracking")
                || (key.equals("data") && "location".equals(parentKey))
                || (style == Style.WEBHOOK && key.equals("invitees_counter"));
    }
}
