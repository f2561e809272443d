package io.calbridge.calendly.internal.webhook;

/**
 * A delivery whose {@code Calendly-Webhook-Signature} does not prove it came from Calendly with one of
 * the integration's keys, recently. The message is safe to show and to log: it never contains a key,
 * a signature or the body.
 */
final class SignatureRejected extends Exception {
    enum Reason {
        MISSING("signature_missing"),
        MALFORMED("signature_malformed"),
        STALE("signature_stale"),
        FUTURE("signature_future"),
        MISMATCH("signature_mismatch"),
        NO_KEY("signing_key_missing");

        final String code;

        Reason(String code) {
            this.code = code;
        }
    }

    private final Reason reason;

    SignatureRejected(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
