package io.calbridge.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calendly's webhook signature, computed with plain {@code javax.crypto} and nothing of the plugin's,
 * for tests that play Calendly (sign a delivery) or check what plays it (verify one):
 * {@code Calendly-Webhook-Signature: t=<epoch seconds>,v1=<hex HMAC-SHA256 of "t." + body>}.
 */
public final class CalendlySignatures {
    private CalendlySignatures() {
    }

    /** The header for {@code body} signed now with {@code signingKey}. */
    public static String header(String signingKey, byte[] body) {
        long t = Instant.now().getEpochSecond();
        return "t=" + t + ",v1=" + v1(signingKey, t, body);
    }

    /** The {@code v1} part: hex HMAC-SHA256 under {@code signingKey} (UTF-8) of {@code t + "." + body}. */
    public static String v1(String signingKey, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
