package io.calbridge.calendly.internal.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares one invitee as Calendly's API shows it with our booking, and says which webhook-shaped
 * deliveries would bring the booking to Calendly's state. Calendly's API invitee is the webhook
 * payload without {@code scheduled_event} (the sandbox asserts this), so the payloads built here are
 * exactly what a webhook would have carried, and the pipeline treats them alike.
 */
final class Drift {
    /** What was wrong, for counting: the first step decides. */
    enum Kind { CREATED, CANCELED, RESCHEDULED, NO_SHOW, NO_SHOW_REMOVED }

    /** One delivery to hand the pipeline. */
    record Step(String event, ObjectNode payload, Instant at) {
    }

    record Repair(Kind kind, List<Step> steps) {
    }

    private Drift() {
    }

    /**
     * Null when our booking already matches Calendly's invitee, or when its personal fields were
     * purged: retention ran out after the meeting, so the booking is final, and any repair would hand
     * the pipeline Calendly's payload and write the person's data back into the row.
     */
    static Repair of(ObjectNode event, ObjectNode invitee, SyncStore.Ours ours) {
        if (ours != null && ours.purged()) {
            return null;
        }
        ObjectNode payload = invitee.deepCopy();
        payload.set("scheduled_event", event);
        boolean canceled = "canceled".equals(invitee.path("status").asText());
        boolean rescheduled = invitee.path("rescheduled").asBoolean(false);
        boolean noShow = invitee.hasNonNull("no_show") && invitee.get("no_show").isObject();
        Instant updated = instant(invitee.path("updated_at"), null);
        List<Step> steps = new ArrayList<>();
        Kind kind = null;
        if (ours == null || (canceled && "ACTIVE".equals(ours.status()))) {
            if (!canceled) {
                steps.add(new Step("invitee.created", payload, instant(invitee.path("created_at"), updated)));
                kind = Kind.CREATED;
            } else {
                steps.add(new Step("invitee.canceled", payload,
                        instant(invitee.path("cancellation").path("created_at"), updated)));
                kind = rescheduled ? Kind.RESCHEDULED : Kind.CANCELED;
            }
        }
        if (noShow && (ours == null || !ours.noShow())) {
            steps.add(new Step("invitee_no_show.created", payload, instant(invitee.path("no_show").path("created_at"), updated)));
            kind = kind == null ? Kind.NO_SHOW : kind;
        } else if (!noShow && ours != null && ours.noShow()) {
            steps.add(new Step("invitee_no_show.deleted", payload, updated));
            kind = Kind.NO_SHOW_REMOVED;
        }
        return steps.isEmpty() ? null : new Repair(kind, steps);
    }

    static Instant instant(JsonNode node, Instant fallback) {
        if (node == null || !node.isTextual()) {
            return fallback;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
