package io.calbridge.calendly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random and hostile request bodies for the property tests: JSON objects whose keys are mostly the
 * API's own field names (so bodies get past the first check and reach validation and storage) with
 * values of every type, NUL characters, unknown placeholders, over-long strings, huge numbers; plus
 * deep nesting, truncated JSON, JSON that is not an object, and plain garbage.
 */
public final class HostileJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HostileJson() {
    }

    /** Strings a body may hold: ids, templates, URIs, NULs, escapes, long runs. */
    static Arbitrary<String> strings(List<String> vocabulary) {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(vocabulary)),
                Tuple.of(3, Arbitraries.strings().ofMaxLength(20)),
                Tuple.of(2, Arbitraries.of("", " ", "\u0000", "a\u0000b", "{{invitee.name}}", "{{nope}}", "{{", "}}",
                        "https://api.calendly.com/event_types/ET1", "https://api.calendly.com/users/U1", "http://x/event_types/",
                        "lead", "customer", "L1", "T1", "JaneDoePrivateSurname_555_0100", "\uD83D\uDE00", "\\", "\"", "null")),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(180).ofMaxLength(12_000)),
                Tuple.of(1, Arbitraries.strings().alpha().ofMaxLength(6).map(s -> "{{" + s + "}}")));
    }

    static Arbitrary<JsonNode> values(List<String> keys, List<String> vocabulary) {
        Arbitrary<JsonNode> leaf = Arbitraries.frequencyOf(
                Tuple.of(5, strings(vocabulary).map(NODES::textNode)),
                Tuple.of(2, Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i))),
                Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -60L, 43_201L).map(NODES::numberNode)),
                Tuple.of(1, Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("-0.5"), new BigDecimal("12345678901234567890123"))
                        .map(NODES::numberNode)),
                Tuple.of(2, Arbitraries.of(true, false).map(NODES::booleanNode)),
                Tuple.of(2, Arbitraries.just(NODES.nullNode())));
        return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(1, inner.list().ofMaxSize(4).map(l -> {
                    ArrayNode a = NODES.arrayNode();
                    l.forEach(a::add);
                    return (JsonNode) a;
                })),
                Tuple.of(2, objects(keys, vocabulary, inner).map(o -> (JsonNode) o))), 0, 3);
    }

    static Arbitrary<ObjectNode> objects(List<String> keys, List<String> vocabulary, Arbitrary<JsonNode> values) {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(keys)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(12)),
                Tuple.of(1, Arbitraries.of("\u0000", "contact_statuss", "__proto__", "https://api.calendly.com/event_types/ET2")));
        return Combinators.combine(key, values).as(Tuple::of).list().ofMaxSize(6).map(entries -> {
            ObjectNode o = NODES.objectNode();
            entries.forEach(e -> o.set(e.get1(), e.get2()));
            return o;
        });
    }

    /** Whole bodies, as sent: mostly objects, some deep, truncated, not objects, or not JSON at all. */
    public static Arbitrary<String> bodies(List<String> keys, List<String> vocabulary) {
        Arbitrary<JsonNode> values = values(keys, vocabulary);
        Arbitrary<String> object = objects(keys, vocabulary, values).map(JsonNode::toString);
        return Arbitraries.frequencyOf(
                Tuple.of(12, object),
                Tuple.of(1, Combinators.combine(Arbitraries.of(keys), Arbitraries.integers().between(15, 60_000),
                        Arbitraries.of("[", "{\"a\":")).as((k, depth, open) -> "{\"" + k + "\":" + open.repeat(depth) + "1"
                        + (open.equals("[") ? "]" : "}").repeat(depth) + "}")),
                Tuple.of(1, Combinators.combine(object, Arbitraries.integers().between(0, 200))
                        .as((json, cut) -> json.substring(0, Math.min(cut, json.length())))),
                Tuple.of(1, values.map(JsonNode::toString)),
                Tuple.of(1, Arbitraries.of("", " ", "null", "[]", "{", "}", "{\"a\":1}{\"b\":2}", "{\"a\":\"\\ud800\"}",
                        "{\"task\":{\"title\":\"\\u0000\"}}", "{'a':1}", "{\"a\":01}", "{\"contact_status\": JaneDoePrivateSurname_555_0100}",
                        "\uFEFF{}")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(300)));
    }
}
