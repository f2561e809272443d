package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.fixtures.CalendlyFixtures;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What routing by the token's hash adds to a delivery: the one SHA-256 of the path token each request
 * costs ({@link PathTokenHash#of}: shape check and hash), against the HMAC-SHA256 of the body every
 * request already costs (signature check of a recorded delivery), interleaved in the same run. Asserts
 * nothing about speed, it prints. Run with
 * {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=PathTokenHashBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class PathTokenHashBenchmark {
    private static final int ROUNDS = 15;
    private static final int OPS = 200_000;
    private static volatile Object sink;

    @Test
    void hashingThePathToken_againstVerifyingTheSignature() {
        String token = WebhookPathTokens.newToken();
        byte[] body = CalendlyFixtures.webhook("invitee.created.basic.json");
        Secret key = Secret.of("bench-signing-key");
        long timestamp = 1_700_000_000L;
        double[] hash = new double[ROUNDS];
        double[] hmac = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            hash[round] = nanosPerOp(() -> PathTokenHash.of(token));
            hmac[round] = nanosPerOp(() -> SignatureVerifier.sign(key, timestamp, body));
        }
        Arrays.sort(hash);
        Arrays.sort(hmac);
        System.out.printf(Locale.ROOT, "per request, best / median of %d interleaved rounds of %,d:%n", ROUNDS, OPS);
        System.out.printf(Locale.ROOT, "  path token hash (43 chars)          %,8.0f / %,8.0f ns%n", hash[0], hash[ROUNDS / 2]);
        System.out.printf(Locale.ROOT, "  signature HMAC (%,d B body, baseline) %,8.0f / %,8.0f ns%n", body.length, hmac[0],
                hmac[ROUNDS / 2]);
        System.out.printf(Locale.ROOT, "  hash / baseline (medians)           %.2f%n", hash[ROUNDS / 2] / hmac[ROUNDS / 2]);
        System.out.printf(Locale.ROOT, "load average at the end: %.1f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double nanosPerOp(Supplier<Object> op) {
        long start = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
            sink = op.get();
        }
        return (System.nanoTime() - start) / (double) OPS;
    }
}
