package io.calbridge.calendly.internal.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reading a request body that a person or a script wrote, strictly: at most {@value #MAX_DEPTH}
 * levels of nesting, no NUL character anywhere (PostgreSQL text cannot hold one), no key the target
 * type does not have, every mistake a 400 naming the field.
 *
 * <p>No error text repeats what the body held: Jackson's own messages quote the input
 * ({@code Unrecognized token 'Jane...'}), so they are never used. The one exception is the name of
 * an unknown or misplaced key, which the caller needs to find their typo; it is repeated only when
 * it is a short identifier ({@link #SAFE_KEY}), otherwise a field is named by its position
 * ({@code [#3]}: the third key of its object).
 */
public final class StrictJson {
    /** Deeper than any document of the plugin's API needs (settings nest three levels). */
    public static final int MAX_DEPTH = 16;
    /** Object keys an error may repeat: identifiers, and Calendly event type URIs (ids, not personal data). */
    static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    static final Pattern EVENT_TYPE_KEY = Pattern.compile("https?://[A-Za-z0-9.-]{1,100}(:[0-9]{1,5})?/event_types/[A-Za-z0-9_-]{1,100}/?");

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    private static final Map<JavaType, Map<String, JavaType>> PROPERTIES = new java.util.concurrent.ConcurrentHashMap<>();

    private StrictJson() {
    }

    /**
     * The body as a JSON object: 400 {@code missing_body}, {@code invalid_json} (with line, column and
     * the field it happened in), {@code too_deep} (naming the top-level field), or
     * {@code invalid_character} (a NUL, naming the field).
     */
    public static ObjectNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("missing_body", "send a JSON object as the request body", null);
        }
        JsonNode tree;
        try (JsonParser p = FACTORY.createParser(body)) {
            try {
                tree = Json.mapper().readTree(p);
                if (tree != null && p.nextToken() != null) {
                    throw ApiException.badRequest("invalid_json", "the request body has data after its JSON object", null);
                }
            } catch (StreamConstraintsException e) {
                String top = topField(p.getParsingContext());
                throw ApiException.badRequest("too_deep", (top == null ? "the request body" : top) + " nests deeper than "
                        + MAX_DEPTH + " levels", top);
            } catch (JsonProcessingException e) {
                String field = path(p.getParsingContext());
                var at = e.getLocation();
                throw ApiException.badRequest("invalid_json", "the request body is not valid JSON"
                        + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                        + (field == null ? "" : " in " + field), field);
            }
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the request body is not valid JSON", null);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.badRequest("invalid_json", "the request body must be a JSON object", null);
        }
        requireNoNul(tree, "");
        return (ObjectNode) tree;
    }

    /** 400 {@code unknown_field} naming every key of {@code node} (and below) that {@code type} does not have. */
    public static void requireKnownKeys(JsonNode node, Class<?> type, String path) {
        List<String> unknown = new ArrayList<>();
        unknownKeys(node, Json.mapper().constructType(type), path, unknown);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_field", (unknown.size() == 1 ? "unknown field " : "unknown fields ")
                    + String.join(", ", unknown) + "; see the API description for the fields", unknown.get(0));
        }
    }

    /** The tree as {@code type}; 400 {@code invalid_value} naming the field when a value has the wrong type. */
    public static <T> T convert(JsonNode tree, Class<T> type, String path) {
        try {
            return Json.mapper().treeToValue(tree, type);
        } catch (JsonMappingException e) {
            String field = join(path, path(e.getPath()));
            throw ApiException.badRequest("invalid_value", (field == null || field.isEmpty() ? "a value" : field)
                    + " has the wrong type: " + expected(e), field == null || field.isEmpty() ? null : field);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_value", "the request body does not fit the API description",
                    path == null || path.isEmpty() ? null : path);
        }
    }

    /** Strictly read, checked and converted: {@link #readObject}, {@link #requireKnownKeys}, {@link #convert}. */
    public static <T> T read(String body, Class<T> type) {
        ObjectNode tree = readObject(body);
        requireKnownKeys(tree, type, "");
        return convert(tree, type, "");
    }

    /** {@code parent} followed by the object key {@code key}, as an error may show it. */
    public static String child(String parent, String key, int position) {
        String segment;
        if (SAFE_KEY.matcher(key).matches()) {
            segment = parent.isEmpty() ? key : "." + key;
        } else if (EVENT_TYPE_KEY.matcher(key).matches()) {
            segment = "[\"" + key + "\"]";
        } else {
            segment = "[#" + position + "]";
        }
        return parent + segment;
    }

    private static void requireNoNul(JsonNode node, String path) {
        if (node.isTextual()) {
            if (node.textValue().indexOf('\u0000') >= 0) {
                String field = path.isEmpty() ? null : path;
                throw ApiException.badRequest("invalid_character", (field == null ? "a value" : field)
                        + " contains a NUL character (\\u0000), which cannot be stored", field);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireNoNul(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            int position = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                position++;
                String field = child(path, e.getKey(), position);
                if (e.getKey().indexOf('\u0000') >= 0) {
                    throw ApiException.badRequest("invalid_character", "the key " + field
                            + " contains a NUL character (\\u0000)", field);
                }
                requireNoNul(e.getValue(), field);
            }
        }
    }

    private static void unknownKeys(JsonNode node, JavaType type, String path, List<String> out) {
        if (node == null || type == null) {
            return;
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    unknownKeys(node.get(i), type.getContentType(), path + "[" + i + "]", out);
                }
            }
            return;
        }
        if (type.isMapLikeType()) {
            if (node.isObject()) {
                int position = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    unknownKeys(e.getValue(), type.getContentType(), child(path, e.getKey(), ++position), out);
                }
            }
            return;
        }
        if (!node.isObject() || !isDocument(type)) {
            return; // a wrong type is convert's to report
        }
        Map<String, JavaType> known = properties(type);
        int position = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = child(path, e.getKey(), ++position);
            JavaType propertyType = known.get(e.getKey());
            if (propertyType == null && !known.containsKey(e.getKey())) {
                out.add(field);
            } else {
                unknownKeys(e.getValue(), propertyType, field, out);
            }
        }
    }

    /** Records and classes of the plugin itself: the documents of its API. */
    private static boolean isDocument(JavaType type) {
        return type.getRawClass().getName().startsWith("io.calbridge.") && !type.isEnumType();
    }

    private static Map<String, JavaType> properties(JavaType type) {
        return PROPERTIES.computeIfAbsent(type, t -> {
            BeanDescription bean = Json.mapper().getDeserializationConfig().introspect(t);
            Map<String, JavaType> props = new HashMap<>();
            for (BeanPropertyDefinition p : bean.findProperties()) {
                props.put(p.getName(), p.getPrimaryType());
            }
            return props;
        });
    }

    private static String topField(JsonStreamContext context) {
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.getParent() != null && c.getParent().inRoot()) {
                return c.inObject() && c.getCurrentName() != null
                        ? child("", c.getCurrentName(), c.getCurrentIndex() + 1) : null;
            }
        }
        return null;
    }

    /** The path of where the parser is, e.g. {@code task.title}; null at the top. */
    private static String path(JsonStreamContext context) {
        List<JsonStreamContext> chain = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.add(0, c);
        }
        String path = "";
        for (JsonStreamContext c : chain) {
            if (c.inObject()) {
                if (c.getCurrentName() == null) {
                    break;
                }
                path = child(path, c.getCurrentName(), c.getCurrentIndex() + 1);
            } else if (c.inArray()) {
                path = path + "[" + Math.max(0, c.getCurrentIndex()) + "]";
            }
        }
        return path.isEmpty() ? null : path;
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        if (refs == null || refs.isEmpty()) {
            return null;
        }
        String s = "";
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                s = child(s, r.getFieldName(), 0);
            } else if (r.getIndex() >= 0) {
                s = s + "[" + r.getIndex() + "]";
            }
        }
        return s.isEmpty() ? null : s;
    }

    private static String join(String parent, String child) {
        if (child == null) {
            return parent;
        }
        if (parent == null || parent.isEmpty()) {
            return child;
        }
        return child.startsWith("[") ? parent + child : parent + "." + child;
    }

    /** What Jackson wanted, without echoing the input. */
    private static String expected(JsonMappingException e) {
        String target = e instanceof MismatchedInputException m && m.getTargetType() != null
                ? m.getTargetType().getSimpleName() : null;
        if (target == null) {
            return "see the API description";
        }
        return switch (target) {
            case "Boolean", "boolean" -> "expected true or false";
            case "Integer", "int", "Long", "long" -> "expected a whole number";
            case "String" -> "expected a string";
            case "List", "ArrayList" -> "expected an array";
            default -> "expected a JSON object";
        };
    }
}
