package io.calbridge.calendly.internal.webhook;

import io.calbridge.benchmarks.NanoBenchmark;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.fixtures.CalendlyFixtures;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Checking a {@code Calendly-Webhook-Signature} ({@link SignatureVerifier#verify}: parse the header,
 * check its age, HMAC-SHA256 per key, constant-time compare) against a bare HMAC-SHA256 of the same
 * bytes with the JDK (the baseline), in the same run; with one key and with the two a key rotation holds.
 */
public class SignatureBenchmark extends NanoBenchmark {
    @Param({"fixture", "64KiB"})
    public String body;

    @Param({"1", "2"})
    public int keys;

    private static final long TIMESTAMP = Instant.parse("2026-04-19T20:58:40Z").getEpochSecond();

    private byte[] bytes;
    private final Secret key = Secret.of("bench-signing-key-0123456789abcdef");
    private List<Secret> candidates;
    private String header;
    private SignatureVerifier verifier;

    @Setup
    public void sign() {
        byte[] fixture = CalendlyFixtures.webhook("invitee.created.basic.json");
        bytes = body.equals("fixture") ? fixture : Arrays.copyOf(fixture, 64 * 1024);
        // The old key first: a rotation's worst case, the matching key is the last one tried.
        candidates = keys == 1 ? List.of(key) : List.of(Secret.of("the-previous-signing-key-9876543210"), key);
        header = "t=" + TIMESTAMP + ",v1=" + SignatureVerifier.sign(key, TIMESTAMP, bytes);
        verifier = new SignatureVerifier(Clock.fixed(Instant.ofEpochSecond(TIMESTAMP + 1), ZoneOffset.UTC),
                Duration.ofMinutes(3), Duration.ofMinutes(1));
    }

    @Benchmark
    public byte[] baselineBareHmac() throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.revealUtf8(), "HmacSHA256"));
        mac.update((TIMESTAMP + ".").getBytes(StandardCharsets.US_ASCII));
        return mac.doFinal(bytes);
    }

    @Benchmark
    public Object verify() throws Exception {
        return verifier.verify(header, bytes, candidates);
    }
}
