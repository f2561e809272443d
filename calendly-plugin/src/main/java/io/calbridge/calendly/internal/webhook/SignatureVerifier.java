package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Calendly's {@code Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}:
 * {@code v1 = hex(HMAC-SHA256(key, t + "." + raw body bytes))}, with {@code t} no older than the
 * tolerance and no further in the future than the skew. Every {@code v1} is compared with every key's
 * digest in constant time, so a key rotation (two keys) and a sender that lists several signatures
 * both verify. Unknown schemes ({@code v0=...}) are ignored, as Stripe-style headers allow.
 *
 * <p>Verification returns nothing and throws {@link SignatureRejected}; there is no boolean to forget.
 * Thread-safe.
 *
 * @param tolerance  how old a signature's timestamp may be
 * @param futureSkew how far in the future a signature's timestamp may be (clocks differ)
 */
record SignatureVerifier(Clock clock, Duration tolerance, Duration futureSkew) {
    /** Longer headers are junk; the bound keeps the parser's work per request small. */
    static final int MAX_HEADER_LENGTH = 2048;
    private static final int MAX_SIGNATURES = 8;
    private static final HexFormat HEX = HexFormat.of();

    /** A parsed header: the signing time and the raw digests it lists. */
    record Header(long timestamp, List<byte[]> signatures) {
    }

    /** Parses the header and checks its timestamp; cheap, no key needed. */
    Header parseFresh(String header) throws SignatureRejected {
        Header parsed = parse(header);
        long now = clock.instant().getEpochSecond();
        long age = now - parsed.timestamp();
        if (age > tolerance.toSeconds()) {
            throw new SignatureRejected(SignatureRejected.Reason.STALE,
                    "signature timestamp is " + age + " s old; at most " + tolerance.toSeconds() + " s is accepted");
        }
        if (-age > futureSkew.toSeconds()) {
            throw new SignatureRejected(SignatureRejected.Reason.FUTURE,
                    "signature timestamp is " + (-age) + " s in the future; at most " + futureSkew.toSeconds() + " s is accepted");
        }
        return parsed;
    }

    /** Full check against the keys that may sign for this URL; returns the verified header. */
    Header verify(String header, byte[] body, List<Secret> keys) throws SignatureRejected {
        Header parsed = parseFresh(header);
        if (keys.isEmpty()) {
            throw new SignatureRejected(SignatureRejected.Reason.NO_KEY,
                    "this webhook has no signing key yet; reconnect the Calendly account");
        }
        if (!matchesAny(parsed, body, keys)) {
            throw new SignatureRejected(SignatureRejected.Reason.MISMATCH,
                    "signature does not match the body with this webhook's signing key");
        }
        return parsed;
    }

    /**
     * Whether one of {@code keys} produced one of the header's signatures over {@code body}. Every
     * pair is compared (no early exit), so the time taken does not tell which key or signature matched.
     */
    static boolean matchesAny(Header header, byte[] body, List<Secret> keys) {
        boolean match = false;
        for (Secret key : keys) {
            byte[] expected = digest(key, header.timestamp(), body);
            for (byte[] candidate : header.signatures()) {
                match |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return match;
    }

    /** The lowercase hex {@code v1} value Calendly would send; for tests and the sandbox. */
    static String sign(Secret key, long timestamp, byte[] body) {
        return HEX.formatHex(digest(key, timestamp, body));
    }

    private static byte[] digest(Secret key, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.revealUtf8(), "HmacSHA256"));
            // The body is signed as received: never decode and re-encode it.
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // HmacSHA256 is mandatory in every JRE; an empty key is the only way here.
            throw new IllegalStateException("cannot compute HMAC-SHA256 (empty signing key?)", e);
        }
    }

    static Header parse(String header) throws SignatureRejected {
        if (header == null || header.isBlank()) {
            throw new SignatureRejected(SignatureRejected.Reason.MISSING, "Calendly-Webhook-Signature header is missing");
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            throw malformed("header is longer than " + MAX_HEADER_LENGTH + " characters");
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>(2);
        for (String part : header.split(",", -1)) {
            String item = part.strip();
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw malformed("expected t=<unix seconds>,v1=<hex>");
            }
            String name = item.substring(0, eq);
            String value = item.substring(eq + 1).strip();
            if (name.equals("t")) {
                if (timestamp != null) {
                    throw malformed("t appears more than once");
                }
                timestamp = parseTimestamp(value);
            } else if (name.equals("v1")) {
                if (value.length() != 64 || !isHex(value)) {
                    throw malformed("v1 must be 64 hex characters");
                }
                if (signatures.size() == MAX_SIGNATURES) {
                    throw malformed("more than " + MAX_SIGNATURES + " v1 signatures");
                }
                signatures.add(HEX.parseHex(value.toLowerCase(java.util.Locale.ROOT)));
            }
            // Other schemes are ignored on purpose: a future v2 must not break v1 verification.
        }
        if (timestamp == null) {
            throw malformed("t=<unix seconds> is missing");
        }
        if (signatures.isEmpty()) {
            throw malformed("no v1 signature");
        }
        return new Header(timestamp, List.copyOf(signatures));
    }

    private static long parseTimestamp(String value) throws SignatureRejected {
        if (value.isEmpty() || value.length() > 12) {
            throw malformed("t must be unix seconds");
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                throw malformed("t must be unix seconds");
            }
        }
        return Long.parseLong(value);
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static SignatureRejected malformed(String why) {
        return new SignatureRejected(SignatureRejected.Reason.MALFORMED, "malformed Calendly-Webhook-Signature: " + why);
    }
}
