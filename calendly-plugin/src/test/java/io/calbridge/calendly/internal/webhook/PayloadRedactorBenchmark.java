package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One webhook-log page with a 1 MiB body through {@code WebhookOperations.log}, redacted against
 * revealed (no redaction), measured in the same run (goal: under 200 ms). The per-call cost of the
 * redactor itself against a plain copy is the JMH benchmark {@code RedactionBenchmark}
 * (docs/benchmarks.md). Asserts nothing about speed, it prints. Run with
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
    void logPageWithA1MiBBody() throws Exception {
        byte[] fixture = CalendlyFixtures.webhook("invitee.created.basic.json");
        try (var h = WebhookHarness.storeOnly(db.dataSource())) {
            var integration = h.integrations.create("tenant-bench", Secret.of("bench-key"));
            h.deliverSigned(integration, withUtm(fixture, "x".repeat(MAX_BODY - 4096)));
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
