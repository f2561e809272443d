package io.calbridge.host;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs a webhook body as Calendly does, for tests that play Calendly towards tenant-host. */
public final class CalendlySignatures {
    private CalendlySignatures() {
    }

    /**
     * The {@code Calendly-Webhook-Signature} header for {@code body} signed now with {@code signingKey}:
     * {@code t=<epoch seconds>,v1=<hex HMAC-SHA256 of "t." + body>}.
     */
    public static String header(String signingKey, byte[] body) {
        long t = Instant.now().getEpochSecond();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
