package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import java.time.Instant;
import java.util.UUID;

/**
 * Working copy of one {@code calendly_booking} row (one invitee) while a delivery is applied. A row
 * without payload is a placeholder: the plugin knows the invitee exists (it was named as the old or
 * new side of a reschedule) but has not seen its own delivery yet.
 */
final class Booking {
    enum Status { ACTIVE, CANCELED, RESCHEDULED }

    final UUID id;
    final String inviteeUri;
    UUID chainId;
    String scheduledEventUri;
    String eventTypeUri;
    String eventName;
    String email;
    String name;
    Status status;
    Instant startTime;
    Instant endTime;
    String inviteeTimezone;
    String hostUserUri;
    String oldInviteeUri;
    String newInviteeUri;
    boolean noShow;
    String noShowUri;
    String cancelReason;
    String canceledBy;
    String cancelerType;
    Instant canceledAt;
    String contactRef;
    String taskRef;
    String payloadJson;
    Instant lastEventAt;
    Instant createdAt;
    /**
     * When the retention purge dropped the row's personal fields; null while it holds them. A purged
     * row stays purged: a late delivery may fill this copy to apply its effects, but what is saved of
     * the invitee stays empty (docs/privacy.md).
     */
    Instant personalPurgedAt;

    /** Read from the table (so saving it is an update), as opposed to made by this delivery. */
    boolean stored;
    /** Not yet stored, or changed since it was read. */
    boolean dirty;
    /** Parsed {@link #payloadJson}, filled on demand. */
    Invitee payload;

    Booking(UUID id, String inviteeUri, UUID chainId) {
        this.id = id;
        this.inviteeUri = inviteeUri;
        this.chainId = chainId;
    }

    boolean placeholder() {
        return payloadJson == null;
    }

    String inviteeUri() {
        return inviteeUri;
    }

    String inviteeId() {
        return Invitee.idOf(inviteeUri);
    }

    void changed() {
        dirty = true;
    }
}
