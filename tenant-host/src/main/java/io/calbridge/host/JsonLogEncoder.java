package io.calbridge.host;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;

/**
 * {@code LOG_FORMAT=json}: one JSON object per line, for log shippers.
 *
 * <pre>{"ts":"2026-11-24T06:39:01.123Z","level":"INFO","logger":"io.calbridge...","thread":"...",
 *  "tenant_id":"..." (or null),"message":"the formatted message",["integration_id":"...",]["exception":"stack trace"]}</pre>
 *
 * The message is formatted (arguments filled in), the timestamp is ISO-8601 in UTC with
 * milliseconds, every MDC entry becomes a field of its own, and {@code tenant_id} is always present
 * so that queries by tenant need no special case.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);
    private static final String TENANT = "tenant_id";
    private static final Set<String> RESERVED = Set.of("ts", "level", "logger", "thread", "message", "exception", TENANT);
    private static final byte[] NEWLINE = {'\n'};

    private final JsonFactory json = new JsonFactory();

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            Map<String, String> mdc = event.getMDCPropertyMap();
            g.writeStartObject();
            g.writeStringField("ts", TIMESTAMP.format(event.getInstant()));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField(TENANT, mdc == null ? null : mdc.get(TENANT));
            g.writeStringField("message", event.getFormattedMessage());
            if (mdc != null) {
                for (Map.Entry<String, String> e : mdc.entrySet()) {
                    if (!RESERVED.contains(e.getKey())) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writeBytes(NEWLINE);
        return out.toByteArray();
    }
}
