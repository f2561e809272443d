package io.calbridge.calendly.internal.webhook;

import io.calbridge.testing.TestClock;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureVerifierTest {
    private static final Secret KEY = Secret.of("test-signing-key-not-from-calendly");
    private static final Secret OTHER = Secret.of("another-key");
    private static final long T = 1776632319L;
    private final TestClock clock = TestClock.fixed(Instant.ofEpochSecond(T));
    private final SignatureVerifier verifier = new SignatureVerifier(clock, Duration.ofMinutes(3), Duration.ofSeconds(30));
    private final byte[] body = CalendlyFixtures.webhook("invitee.created.basic.json");

    @Test
    void notesTestVector_verifies() throws Exception {
        assertEquals(2847, body.length, "the fixture must be byte-exact");
        String header = "t=1776632319,v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575";

        var verified = verifier.verify(header, body, List.of(KEY));

        assertEquals(T, verified.timestamp());
        assertEquals("268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575", SignatureVerifier.sign(KEY, T, body));
    }

    @Test
    void anyOfSeveralV1Values_verifies() throws Exception {
        String header = "t=" + T + ",v1=" + "0".repeat(64) + ",v1=" + SignatureVerifier.sign(KEY, T, body);

        verifier.verify(header, body, List.of(KEY));
    }

    @Test
    void previousKeyDuringRotation_verifies() throws Exception {
        verifier.verify(header(OTHER, T), body, List.of(KEY, OTHER));
    }

    @Test
    void spacesAndUnknownSchemes_areTolerated() throws Exception {
        verifier.verify(" t=" + T + ", v0=abc, v1=" + SignatureVerifier.sign(KEY, T, body).toUpperCase() + " ", body, List.of(KEY));
    }

    @Test
    void tamperedBody_isRejectedAsMismatch() {
        byte[] tampered = body.clone();
        tampered[100] ^= 1;

        assertReason(SignatureRejected.Reason.MISMATCH, header(KEY, T), tampered, List.of(KEY));
    }

    @Test
    void reencodedBody_isRejected() {
        // The same JSON with one extra space is a different body: signatures cover bytes, not meaning.
        byte[] reencoded = new String(body, StandardCharsets.UTF_8).replaceFirst(",", ", ").getBytes(StandardCharsets.UTF_8);

        assertReason(SignatureRejected.Reason.MISMATCH, header(KEY, T), reencoded, List.of(KEY));
    }

    @Test
    void wrongKey_isRejectedAsMismatch() {
        assertReason(SignatureRejected.Reason.MISMATCH, header(OTHER, T), body, List.of(KEY));
    }

    @Test
    void timestampJustInsideTolerance_verifies() throws Exception {
        clock.set(Instant.ofEpochSecond(T + 180));

        verifier.verify(header(KEY, T), body, List.of(KEY));
    }

    @Test
    void staleTimestamp_isRejectedSayingHowOld() {
        clock.set(Instant.ofEpochSecond(T + 181));

        var e = assertReason(SignatureRejected.Reason.STALE, header(KEY, T), body, List.of(KEY));
        assertEquals("signature timestamp is 181 s old; at most 180 s is accepted", e.getMessage());
    }

    @Test
    void futureTimestampBeyondSkew_isRejected() {
        clock.set(Instant.ofEpochSecond(T - 31));

        assertReason(SignatureRejected.Reason.FUTURE, header(KEY, T), body, List.of(KEY));
    }

    @Test
    void futureTimestampWithinSkew_verifies() throws Exception {
        clock.set(Instant.ofEpochSecond(T - 30));

        verifier.verify(header(KEY, T), body, List.of(KEY));
    }

    @Test
    void missingHeader_isRejectedAsMissing() {
        assertReason(SignatureRejected.Reason.MISSING, null, body, List.of(KEY));
        assertReason(SignatureRejected.Reason.MISSING, "  ", body, List.of(KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "junk",
        "v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575",
        "t=1776632319",
        "t=1776632319,v1=",
        "t=1776632319,v1=xyz",
        "t=1776632319,v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf57",
        "t=abc,v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575",
        "t=-5,v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575",
        "t=1776632319,t=1776632319,v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575",
        "t=99999999999999999999,v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575",
        "t=1776632319;v1=268e771fcd446d5666cbac3581196c3fdbeb4aaf81fb0a945803f11c314bf575",
        "=,=,="
    })
    void junkHeader_isRejectedAsMalformed(String header) {
        assertReason(SignatureRejected.Reason.MALFORMED, header, body, List.of(KEY));
    }

    @Test
    void hugeHeader_isRejectedWithoutParsing() {
        String header = "t=" + T + ",v1=" + SignatureVerifier.sign(KEY, T, body) + ",x=" + "a".repeat(5000);

        assertReason(SignatureRejected.Reason.MALFORMED, header, body, List.of(KEY));
    }

    @Test
    void noKeys_isRejectedAsNoKey() {
        assertReason(SignatureRejected.Reason.NO_KEY, header(KEY, T), body, List.of());
    }

    @Test
    void rejectionMessages_neverContainTheSignatureOrKey() {
        String header = header(OTHER, T);
        var e = assertThrows(SignatureRejected.class, () -> verifier.verify(header, body, List.of(KEY)));

        assertTrue(!e.getMessage().contains(header.substring(15)) && !e.getMessage().contains(KEY.reveal()), e.getMessage());
    }

    private String header(Secret key, long t) {
        return "t=" + t + ",v1=" + SignatureVerifier.sign(key, t, body);
    }

    private SignatureRejected assertReason(SignatureRejected.Reason reason, String header, byte[] b, List<Secret> keys) {
        var e = assertThrows(SignatureRejected.class, () -> verifier.verify(header, b, keys));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }
}
