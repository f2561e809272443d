package io.calbridge.calendly;

import java.time.Instant;
import java.util.UUID;

/**
 * A point-in-time view of a master-key rotation: how many tenant data keys have been re-wrapped
 * under {@link #toKekId()} out of {@link #total()}. Read from the database, so every node sees the
 * same progress. {@code total} is counted when the rotation starts; data keys created meanwhile by
 * nodes still wrapping with the old key are re-wrapped too, so {@code rewrapped} may end above it.
 *
 * @param id         the rotation's id
 * @param fromKekId  the master key that was primary when the rotation started (null if unknown)
 * @param toKekId    the master key every data key is being re-wrapped under
 * @param status     where the rotation stands
 * @param total      data keys to re-wrap, counted when the rotation started
 * @param rewrapped  data keys re-wrapped so far
 * @param startedAt  when the rotation started
 * @param updatedAt  when its progress was last stored
 * @param finishedAt null while {@link Status#RUNNING}
 * @param lastError  the latest error (never secret material), null if none
 */
public record RotationProgress(
        UUID id,
        String fromKekId,
        String toKekId,
        Status status,
        int total,
        int rewrapped,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt,
        String lastError) {

    /** Where a rotation stands. */
    public enum Status {
        /** Data keys are being re-wrapped; calling the rotation again (on any node) resumes it. */
        RUNNING,
        /** Every data key is wrapped by {@code toKekId}; the old master key may be retired. */
        DONE,
        /** Stopped on an error that needs an operator ({@code lastError}); rotating again starts over. */
        FAILED
    }

    /**
     * Whether the rotation finished.
     *
     * @return true when {@link #status()} is {@link Status#DONE}
     */
    public boolean done() {
        return status == Status.DONE;
    }
}
