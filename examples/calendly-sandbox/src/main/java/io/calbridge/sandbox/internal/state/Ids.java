package io.calbridge.sandbox.internal.state;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/** Identifier formats Calendly uses: lowercase UUIDs, legacy 16-character base-32 IDs, opaque tokens. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private Ids() {
    }

    public static String uuid() {
        return UUID.randomUUID().toString();
    }

    /** A legacy ID such as {@code HBCGVET7KPDFJOXU}. */
    public static String legacy() {
        char[] c = new char[16];
        for (int i = 0; i < c.length; i++) {
            c[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        }
        return new String(c);
    }

    public static String hex(int bytes) {
        return HexFormat.of().formatHex(randomBytes(bytes));
    }

    /** URL-safe base64 without padding, the shape of Calendly client ids, secrets and signing keys. */
    public static String base64Url(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static int nextInt(int bound) {
        return RANDOM.nextInt(bound);
    }
}
