package io.calbridge.sandbox;

/** What happened to one webhook delivery attempt. */
public enum DeliveryOutcome {
    /** The receiver answered 2xx. */
    DELIVERED,
    /** The receiver answered 3xx/4xx/5xx; a retry is scheduled unless the retry window is over. */
    FAILED_STATUS,
    /** Connect (10 s) or read (15 s) timeout. */
    FAILED_TIMEOUT,
    /** Connection refused, reset, or another I/O failure. */
    FAILED_CONNECTION,
    /** Not sent because of {@code faults().dropNextDeliveries(n)}; never retried. */
    DROPPED
}
