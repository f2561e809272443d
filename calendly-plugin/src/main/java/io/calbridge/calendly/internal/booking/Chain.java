package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.client.Cancellation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.calbridge.calendly.internal.common.Json;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The invitee rows of one booking chain (an invitee and everyone it was rescheduled to or from),
 * and how a delivery changes them. Deliveries may come in any order and more than once; every change
 * here is written so that the rows end the same whatever the order: statuses only move forward
 * (active to canceled or rescheduled), a payload only replaces an older one, links are only added.
 */
final class Chain {
    final UUID id;
    private final Map<String, Booking> byUri = new LinkedHashMap<>();

    Chain(UUID id, Collection<Booking> rows) {
        this.id = id;
        rows.forEach(b -> byUri.put(b.inviteeUri, b));
    }

    Collection<Booking> rows() {
        return byUri.values();
    }

    Booking get(String uri) {
        return uri == null ? null : byUri.get(uri);
    }

    private Booking getOrPlaceholder(String uri, Booking.Status status) {
        return byUri.computeIfAbsent(uri, u -> {
            Booking b = new Booking(UUID.randomUUID(), u, id);
            b.status = status;
            b.changed();
            return b;
        });
    }

    // ---- applying deliveries -------------------------------------------------------------------

    void created(Invitee p, String payloadJson, Instant envelopeAt) {
        Booking row = getOrPlaceholder(p.uri(), Booking.Status.ACTIVE);
        fill(row, p, payloadJson, envelopeAt);
        if (p.oldInvitee() != null && !p.oldInvitee().equals(p.uri())) {
            link(getOrPlaceholder(p.oldInvitee(), Booking.Status.RESCHEDULED), row);
        }
    }

    void canceled(Invitee p, String payloadJson, Instant envelopeAt) {
        Booking row = getOrPlaceholder(p.uri(), Booking.Status.ACTIVE);
        fill(row, p, payloadJson, envelopeAt);
        boolean rescheduled = Boolean.TRUE.equals(p.rescheduled());
        Booking.Status target = rescheduled ? Booking.Status.RESCHEDULED : Booking.Status.CANCELED;
        if (row.status == Booking.Status.ACTIVE) {
            row.status = target;
            row.changed();
        }
        Cancellation c = p.cancellation();
        if (c != null && row.canceledAt == null) {
            row.cancelReason = c.reason();
            row.canceledBy = c.canceledBy();
            row.cancelerType = c.cancelerType();
            row.canceledAt = c.createdAt() != null ? c.createdAt() : envelopeAt;
            row.changed();
        }
        if (rescheduled && p.newInvitee() != null && !p.newInvitee().equals(p.uri())) {
            link(row, getOrPlaceholder(p.newInvitee(), Booking.Status.ACTIVE));
        }
        if (p.oldInvitee() != null && !p.oldInvitee().equals(p.uri())) {
            link(getOrPlaceholder(p.oldInvitee(), Booking.Status.RESCHEDULED), row);
        }
    }

    /**
     * @param undoneNoShows no-show URIs that were already taken back: a late copy of their
     *                      {@code invitee_no_show.created} must not mark the invitee again
     */
    void noShow(Invitee p, String payloadJson, Instant envelopeAt, boolean marked, Set<String> undoneNoShows) {
        Booking.Status initial = "canceled".equals(p.status()) ? Booking.Status.CANCELED : Booking.Status.ACTIVE;
        Booking row = getOrPlaceholder(p.uri(), initial);
        fill(row, p, payloadJson, envelopeAt);
        if (p.oldInvitee() != null && !p.oldInvitee().equals(p.uri())) {
            link(getOrPlaceholder(p.oldInvitee(), Booking.Status.RESCHEDULED), row);
        }
        if (marked) {
            String uri = p.noShow() != null && p.noShow().uri() != null ? p.noShow().uri()
                    : "no_show_at_" + envelopeAt.getEpochSecond();
            if (!undoneNoShows.contains(Invitee.idOf(uri)) && (!row.noShow || !uri.equals(row.noShowUri))) {
                row.noShow = true;
                row.noShowUri = uri;
                row.changed();
            }
        } else if (row.noShow) {
            row.noShow = false;
            row.changed();
        }
    }

    /** Copies the payload into the row unless the row already holds a newer one. */
    private static void fill(Booking row, Invitee p, String payloadJson, Instant envelopeAt) {
        Instant version = p.updatedAt() != null ? p.updatedAt() : envelopeAt;
        if (!row.placeholder() && row.lastEventAt != null && version.isBefore(row.lastEventAt)) {
            return;
        }
        row.payloadJson = payloadJson;
        row.payload = p;
        row.lastEventAt = version;
        row.email = p.email();
        row.name = p.name();
        row.scheduledEventUri = p.scheduledEvent() != null && p.scheduledEvent().uri() != null ? p.scheduledEvent().uri() : row.scheduledEventUri;
        row.eventTypeUri = p.eventTypeUri();
        row.eventName = p.eventName();
        row.startTime = p.startTime();
        row.endTime = p.endTime();
        row.inviteeTimezone = p.timezone();
        row.hostUserUri = p.firstHost() == null ? null : p.firstHost().user();
        row.changed();
    }

    private static void link(Booking older, Booking newer) {
        if (newer.oldInviteeUri == null) {
            newer.oldInviteeUri = older.inviteeUri;
            newer.changed();
        }
        if (older.newInviteeUri == null) {
            older.newInviteeUri = newer.inviteeUri;
            older.changed();
        }
        if (older.status == Booking.Status.ACTIVE) {
            older.status = Booking.Status.RESCHEDULED;
            older.changed();
        }
    }

    // ---- reading the chain ---------------------------------------------------------------------

    /** The latest invitee: follow "rescheduled to" links from {@code start} to the end. */
    Booking head(Booking start) {
        Booking head = start;
        Set<String> seen = new HashSet<>();
        while (seen.add(head.inviteeUri) && head.newInviteeUri != null && byUri.containsKey(head.newInviteeUri)) {
            head = byUri.get(head.newInviteeUri);
        }
        return head;
    }

    /** The invitee before {@code b}, if the chain holds it. */
    Booking previous(Booking b) {
        return b.oldInviteeUri == null ? null : byUri.get(b.oldInviteeUri);
    }

    /**
     * The rows from the first invitee to the last along the reschedule links; rows the links do not
     * reach (only after a merge of chains seen apart) follow, oldest payload first. The same whatever
     * order the deliveries came in.
     */
    java.util.List<Booking> inOrder() {
        java.util.List<Booking> out = new java.util.ArrayList<>();
        Set<String> seen = new HashSet<>();
        java.util.List<Booking> roots = byUri.values().stream()
                .filter(b -> b.oldInviteeUri == null || !byUri.containsKey(b.oldInviteeUri))
                .sorted(java.util.Comparator.comparing(Booking::inviteeUri))
                .toList();
        for (Booking root : roots) {
            for (Booking b = root; b != null && seen.add(b.inviteeUri); b = b.newInviteeUri == null ? null : byUri.get(b.newInviteeUri)) {
                out.add(b);
            }
        }
        byUri.values().stream().filter(b -> !seen.contains(b.inviteeUri))
                .sorted(java.util.Comparator.comparing(Booking::inviteeUri))
                .forEach(out::add);
        return out;
    }

    /** The newest invitee with a payload at or before {@code head}: whose data the effects use. */
    Booking dataRow(Booking head) {
        Booking b = head;
        Set<String> seen = new HashSet<>();
        while (b != null && b.placeholder() && seen.add(b.inviteeUri)) {
            b = previous(b);
        }
        if (b != null && !b.placeholder()) {
            return b;
        }
        return byUri.values().stream().filter(r -> !r.placeholder()).findFirst().orElse(null);
    }

    static Invitee payloadOf(Booking b) {
        if (b.payload == null && b.payloadJson != null) {
            try {
                b.payload = Json.mapper().readValue(b.payloadJson, Invitee.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored invitee payload of booking " + b.id + " is unreadable", e);
            }
        }
        return b.payload;
    }
}
