package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.calbridge.calendly.internal.common.Json;

/** Calendly speaks snake_case; the models are records with camelCase components. */
final class CalendlyJson {
    static final ObjectMapper MAPPER = Json.mapper().copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private CalendlyJson() {
    }
}
