package io.calbridge.calendly.internal.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The settings API's OpenAPI 3 description: the hand-written {@link #RESOURCE}, with its server URL
 * set to this installation's {@code publicBaseUrl + routePrefix}. A test keeps it true to the
 * routes the plugin registers, in both directions.
 */
final class OpenApiDocument {
    static final String RESOURCE = "/io/calbridge/calendly/settings-openapi.json";

    private final JsonNode document;

    OpenApiDocument(String serverUrl) {
        ObjectNode doc = (ObjectNode) load();
        doc.putArray("servers").addObject().put("url", serverUrl);
        this.document = doc;
    }

    JsonNode document() {
        return document;
    }

    static JsonNode load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the plugin jar lacks " + RESOURCE);
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
