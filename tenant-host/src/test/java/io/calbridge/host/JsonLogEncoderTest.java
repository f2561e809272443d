package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code LOG_FORMAT=json} as tenant-host configures it: logback-json.xml and its encoder. */
class JsonLogEncoderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLines_carryTheFormattedMessageAnIsoTimestampAndTheTenant() throws Exception {
        Encoder<?> configured = configuredEncoder();
        assertInstanceOf(JsonLogEncoder.class, configured, "logback-json.xml uses the encoder under test");
        JsonLogEncoder encoder = (JsonLogEncoder) configured;
        LoggerContext context = new LoggerContext();
        Logger logger = context.getLogger("io.calbridge.calendly.internal.webhook.InboxWorker");
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.WARN, "delivery {} of {} failed", null,
                new Object[] {42, "acme"});
        event.setInstant(Instant.parse("2026-11-24T06:39:01.007Z"));
        event.setMDCPropertyMap(Map.of("tenant_id", "tenant-7", "integration_id", "int-9"));

        byte[] line = encoder.encode(event);

        String text = new String(line, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("}\n") && text.indexOf('\n') == text.length() - 1, "one object per line: " + text);
        JsonNode json = JSON.readTree(text);
        assertEquals("2026-11-24T06:39:01.007Z", json.get("ts").asText());
        assertEquals(Instant.parse("2026-11-24T06:39:01.007Z"), Instant.parse(json.get("ts").asText()));
        assertEquals("WARN", json.get("level").asText());
        assertEquals("delivery 42 of acme failed", json.get("message").asText());
        assertEquals("tenant-7", json.get("tenant_id").asText());
        assertEquals("int-9", json.get("integration_id").asText());
        assertEquals("io.calbridge.calendly.internal.webhook.InboxWorker", json.get("logger").asText());
        assertFalse(json.has("arguments"), text);
        assertFalse(text.contains("{}"), text);
    }

    @Test
    void withoutATenantTheFieldIsNull_andAnExceptionKeepsItsStackTrace() throws Exception {
        JsonLogEncoder encoder = new JsonLogEncoder();
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("x"), Level.ERROR, "it \"broke\"\nbadly",
                new IllegalStateException("boom"), null);
        event.setMDCPropertyMap(Map.of());

        JsonNode json = JSON.readTree(encoder.encode(event));

        assertTrue(json.has("tenant_id") && json.get("tenant_id").isNull(), json.toString());
        assertEquals("it \"broke\"\nbadly", json.get("message").asText());
        assertTrue(json.get("exception").asText().startsWith("java.lang.IllegalStateException: boom"), json.toString());
    }

    private static Encoder<?> configuredEncoder() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(JsonLogEncoderTest.class.getResource("/logback-json.xml"));
        var appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
        return ((ConsoleAppender<?>) appender).getEncoder();
    }
}
