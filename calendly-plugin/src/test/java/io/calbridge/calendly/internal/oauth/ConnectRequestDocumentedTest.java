package io.calbridge.calendly.internal.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connect route reads exactly the fields the OpenAPI document's ConnectRequest names, in both directions. */
class ConnectRequestDocumentedTest {

    @Test
    void everyConnectFieldIsDocumented_andEveryDocumentedFieldIsRead() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream("/io/calbridge/calendly/settings-openapi.json")) {
            doc = Json.mapper().readTree(in);
        }
        List<String> documented = new ArrayList<>();
        doc.path("components").path("schemas").path("ConnectRequest").path("properties").fieldNames()
                .forEachRemaining(documented::add);

        assertEquals(ConnectionRoutes.CONNECT_FIELDS, documented);
    }
}
