package io.calbridge.calendly.internal.webhook;

/** What became of a delivery that was handled without error. */
public enum ProcessingResult {
    /** Its effects were applied (or had already been applied). */
    PROCESSED,
    /** Nothing to do with it (unknown event, disabled by settings, ...). */
    IGNORED
}
