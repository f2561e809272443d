package io.calbridge.sandbox.internal.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.state.Ids;
import io.calbridge.sandbox.internal.state.Uris;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints access tokens and personal access tokens shaped like Calendly's JWTs. Validity is decided by
 * the store, the signature is decoration: its key is random per sandbox and never leaves this class.
 */
public final class Jwts {
    private final Uris uris;
    private final byte[] key = Ids.randomBytes(32);

    public Jwts(Uris uris) {
        this.uris = uris;
    }

    /** {@code appUid} and {@code exp} are left out of the payload when null (personal access tokens). */
    String mint(String userUuid, String appUid, Instant iat, Instant exp, boolean pat) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = pat ? "{\"kid\":\"" + Ids.hex(8) + "\",\"typ\":\"PAT\",\"alg\":\"HS256\"}" : "{\"alg\":\"HS256\"}";
        ObjectNode p = CalendlyJson.object();
        p.put("iss", uris.base());
        p.put("iat", iat.getEpochSecond());
        p.put("jti", Ids.uuid());
        p.put("user_uuid", userUuid);
        if (appUid != null) {
            p.put("app_uid", appUid);
        }
        if (exp != null) {
            p.put("exp", exp.getEpochSecond());
        }
        String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(CalendlyJson.bytes(p, CalendlyJson.Style.AS_BUILT));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
