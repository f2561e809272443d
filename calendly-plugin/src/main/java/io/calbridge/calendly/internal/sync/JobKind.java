package io.calbridge.calendly.internal.sync;

/** The three background jobs: the same walk over Calendly's bookings, started for different reasons. */
enum JobKind {
    /** After a connection or a reconnection: the tenant's whole window. */
    IMPORT("importing"),
    /** After continuity broke (subscription gone, disabled, re-created; silence): from the break to now. */
    BACKFILL("backfilling"),
    /** On a schedule: the tenant's window again, repairing whatever drifted. */
    SWEEP("checking");

    final String verb;

    JobKind(String verb) {
        this.verb = verb;
    }
}
