package io.calbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calendly's delivery signature, as the sandbox signs its webhooks, for code that plays Calendly
 * towards an app without a sandbox delivery (a test posting a recorded body):
 * {@code Calendly-Webhook-Signature: t=<unix seconds>,v1=hex(HMAC-SHA256(key, t + "." + body))}.
 */
public final class CalendlySignatures {
    private CalendlySignatures() {
    }

    /** The header for {@code body} signed now with {@code signingKey}. */
    public static String header(String signingKey, byte[] body) {
        return header(signingKey, Instant.now().getEpochSecond(), body);
    }

    /** The header for {@code body} signed at {@code t} (unix seconds) with {@code signingKey}. */
    public static String header(String signingKey, long t, byte[] body) {
        return "t=" + t + ",v1=" + v1(signingKey, t, body);
    }

    /** The {@code v1} part: hex HMAC-SHA256 under {@code signingKey} (UTF-8) of {@code t + "." + body}. */
    public static String v1(String signingKey, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
