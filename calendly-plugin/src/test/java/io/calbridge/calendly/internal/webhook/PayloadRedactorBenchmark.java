package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.testing.TestDatabase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cost of redacting a delivery for the webhook log, against a plain copy of the same bytes and against
 * parsing without redaction, measured in the same run; then one log page with a 1 MiB body through
 * {@code WebhookOperations.log} (goal: under 200 ms). Asserts nothing about speed, it prints. Run with
 * {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=PayloadRedactorBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * figures land in {@code calendly-plugin/target/surefire-reports/*PayloadRedactorBenchmark-output.txt}.
 */
@Tag("benchmark")
class PayloadRedactorBenchmark {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final int MAX_BODY = WebhookSettings.defaults().maxBodyBytes();
    private static volatile Object sink;

    interface Op {
        Object run() throws Exception;
    }

    @Test
    void redactionAgainstAPlainCopy() throws Exception {
        byte[] fixture = CalendlyFixtures.webhook("invitee.created.basic.json");
        List<Object[]> bodies = List.of(
                new Object[] {"fixture invitee.created.basic (" + fixture.length + " B)", fixture},
                new Object[] {"1 MiB: one UTM value without '@'", withUtm(fixture, "x".repeat(MAX_BODY - 4096))},
                new Object[] {"1 MiB: an e-mail, an IP and a Zoom link every 100 chars",
                        withUtm(fixture, mixedText(MAX_BODY - 4096))});
        System.out.printf(Locale.ROOT, "%-58s %-22s %-22s %-22s%n", "body (best / median of interleaved runs)",
                "plain copy", "parse", "parse + redact");
        for (Object[] row : bodies) {
            byte[] body = (byte[]) row[1];
            double[][] t = interleaved(() -> Arrays.copyOf(body, body.length), () -> Json.mapper().readTree(body),
                    () -> PayloadRedactor.redact(Json.mapper().readTree(body)));
            System.out.printf(Locale.ROOT, "%-58s %-22s %-22s %-22s%n", row[0], pair(t[0]), pair(t[1]), pair(t[2]));
            System.out.printf(Locale.ROOT, "%-58s %-22s %-22s %-22s%n", "  best, as a multiple of the plain copy", "1x",
                    String.format(Locale.ROOT, "%.0fx", t[1][0] / t[0][0]), String.format(Locale.ROOT, "%.0fx (%.0f MB/s)",
                            t[2][0] / t[0][0], body.length / (t[2][0] / 1e9) / 1e6));
        }

        try (var h = WebhookHarness.storeOnly(db.dataSource())) {
            var integration = h.integrations.create("tenant-bench", Secret.of("bench-key"));
            h.deliverSigned(integration, (byte[]) bodies.get(1)[1]);
            double[][] t = interleaved(() -> h.webhooks.operations().log("tenant-bench", WebhookLogQuery.latest()),
                    () -> h.webhooks.operations().log("tenant-bench", WebhookLogQuery.latest().revealingPersonalData()));
            System.out.printf(Locale.ROOT, "log page with one 1 MiB delivery: redacted %s, revealed (no redaction) %s; goal < 200 ms%n",
                    pair(t[0]), pair(t[1]));
        }
        System.out.printf(Locale.ROOT, "load average at the end: %.1f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static byte[] withUtm(byte[] fixture, String utm) throws Exception {
        ObjectNode body = (ObjectNode) Json.mapper().readTree(fixture);
        ((ObjectNode) body.path("payload").path("tracking")).put("utm_content", utm);
        return Json.mapper().writeValueAsBytes(body);
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

    /**
     * Best and median nanoseconds of each op, run in turn (one of each per round) so that the machine's
     * other load falls on all of them alike; two seconds of warm-up, then at least three seconds.
     */
    private static double[][] interleaved(Op... ops) throws Exception {
        long warmUntil = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (Op op : ops) {
                sink = op.run();
            }
        }
        List<List<Long>> samples = new ArrayList<>();
        for (Op ignored : ops) {
            samples.add(new ArrayList<>());
        }
        long measureUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < measureUntil || samples.get(0).size() < 9) {
            for (int i = 0; i < ops.length; i++) {
                long start = System.nanoTime();
                sink = ops[i].run();
                samples.get(i).add(System.nanoTime() - start);
            }
        }
        double[][] result = new double[ops.length][];
        for (int i = 0; i < ops.length; i++) {
            List<Long> s = samples.get(i);
            s.sort(null);
            result[i] = new double[] {s.get(0), s.get(s.size() / 2)};
        }
        return result;
    }

    private static String pair(double[] bestAndMedian) {
        return time(bestAndMedian[0]) + " / " + time(bestAndMedian[1]);
    }

    private static String time(double nanos) {
        return nanos >= 1e6 ? String.format(Locale.ROOT, "%.2f ms", nanos / 1e6) : String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
}
