package io.calbridge.sandbox.internal.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Calendly's delivery signature: {@code t=<unix seconds>,v1=hex(HMAC-SHA256(key, t + "." + body))}. */
public final class Signatures {
    private Signatures() {
    }

    public static String header(String signingKey, long t, byte[] body) {
        return "t=" + t + ",v1=" + v1(signingKey, t, body);
    }

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
