package io.calbridge.calendly.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.benchmarks.NanoBenchmark;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.fixtures.CalendlyFixtures;
import java.io.IOException;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Redacting a delivery for the webhook log ({@link PayloadRedactor}) against a plain copy of the same
 * bytes (the baseline) and a parse without redaction, in the same run: the fixture, 1 MiB without an
 * {@code @}, and 1 MiB full of e-mails, IPs and Zoom links (the worst case for the patterns).
 */
public class RedactionBenchmark extends NanoBenchmark {
    @Param({"fixture", "1MiB-plain", "1MiB-mixed"})
    public String body;

    private byte[] bytes;

    @Setup
    public void read() throws IOException {
        byte[] fixture = CalendlyFixtures.webhook("invitee.created.basic.json");
        int size = WebhookSettings.defaults().maxBodyBytes() - 4096;
        bytes = switch (body) {
            case "fixture" -> fixture;
            case "1MiB-plain" -> withUtm(fixture, "x".repeat(size));
            case "1MiB-mixed" -> withUtm(fixture, mixedText(size));
            default -> throw new IllegalArgumentException(body);
        };
    }

    @Benchmark
    public byte[] baselinePlainCopy() {
        return Arrays.copyOf(bytes, bytes.length);
    }

    @Benchmark
    public JsonNode parse() throws IOException {
        return Json.mapper().readTree(bytes);
    }

    @Benchmark
    public JsonNode parseAndRedact() throws IOException {
        return PayloadRedactor.redact(Json.mapper().readTree(bytes));
    }

    private static byte[] withUtm(byte[] fixture, String utm) throws IOException {
        ObjectNode tree = (ObjectNode) Json.mapper().readTree(fixture);
        ((ObjectNode) tree.path("payload").path("tracking")).put("utm_content", utm);
        return Json.mapper().writeValueAsBytes(tree);
    }

    private static String mixedText(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; s.length() < length; i++) {
            s.append("lorem ipsum dolor ").append("person").append(i).append("@example.com sit 10.1.").append(i % 250)
                    .append(".7 https://us02web.zoom.us/j/").append(i).append("?pwd=abc amet ");
        }
        s.setLength(length);
        return s.toString();
    }
}
