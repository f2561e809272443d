package io.calbridge.calendly.internal.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.Json;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the receiver needs from a delivery body: the event name, the envelope time, the key that tells
 * one real event from a retry of it, and the Calendly users and organizations it belongs to.
 * The raw bytes stay the source of truth; this is read from them and never written back.
 *
 * <p>Envelope: {@code {"created_at", "created_by", "event", "payload": {...}}}. Calendly sends no
 * delivery id, so the dedupe key is built from what stays the same when Calendly retries one event and
 * differs between two real events (see {@link #dedupeKey()}).
 */
record DeliveryEnvelope(String event, Instant createdAt, String dedupeKey, Set<String> ownerUris) {

    /** Events booking processing may act on; anything else is stored and marked IGNORED. */
    static final Set<String> HANDLED_EVENTS = Set.of(
            "invitee.created",
            "invitee.canceled",
            "invitee_no_show.created",
            "invitee_no_show.deleted",
            "routing_form_submission.created",
            "event_type.created",
            "event_type.updated",
            "event_type.deleted");

    static final int MAX_EVENT_LENGTH = 100;

    /** A correctly signed body that is not a Calendly envelope. */
    static final class InvalidPayload extends Exception {
        InvalidPayload(String message) {
            super(message, null, false, false);
        }
    }

    boolean handled() {
        return HANDLED_EVENTS.contains(event);
    }

    static DeliveryEnvelope parse(byte[] body) throws InvalidPayload {
        return parse(body, true);
    }

    /** {@code withOwners=false} skips collecting owner URIs (only the legacy URL needs them). */
    static DeliveryEnvelope parse(byte[] body, boolean withOwners) throws InvalidPayload {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidPayload("body is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new InvalidPayload("body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPayload("body is not a JSON object");
        }
        JsonNode eventNode = root.get("event");
        if (eventNode == null || !eventNode.isTextual() || eventNode.asText().isBlank()) {
            throw new InvalidPayload("body has no \"event\" name");
        }
        String event = eventNode.asText();
        if (event.length() > MAX_EVENT_LENGTH) {
            throw new InvalidPayload("\"event\" is longer than " + MAX_EVENT_LENGTH + " characters");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new InvalidPayload("body has no \"payload\" object");
        }
        return new DeliveryEnvelope(event, instant(root.get("created_at")), dedupeKey(event, root, payload, body),
                withOwners ? owners(root, payload) : Set.of());
    }

    /**
     * One key per real event, the same for every retry of it:
     * <ul>
     *   <li>{@code invitee.created}: the invitee URI (a reschedule creates a new invitee);</li>
     *   <li>{@code invitee.canceled}: invitee URI + {@code cancellation.created_at};</li>
     *   <li>{@code invitee_no_show.created}: invitee URI + {@code no_show.uri} (each marking is a new
     *       no-show resource, so mark, unmark, mark again are three events);</li>
     *   <li>{@code invitee_no_show.deleted}: invitee URI + envelope {@code created_at}, because the payload
     *       no longer names the deleted no-show. If Calendly re-stamped a retry, the worst case is a
     *       second "unmark", which is harmless; merging two real unmarks would not be;</li>
     *   <li>{@code routing_form_submission.created}: the submission URI;</li>
     *   <li>anything else (event types, newer events): URI + {@code updated_at};</li>
     *   <li>no {@code payload.uri}: the SHA-256 of the body.</li>
     * </ul>
     */
    private static String dedupeKey(String event, JsonNode root, JsonNode payload, byte[] body) {
        String uri = text(payload, "uri");
        if (uri == null) {
            return event + "|sha256:" + sha256(body);
        }
        String discriminator = switch (event) {
            case "invitee.created", "routing_form_submission.created" -> "";
            case "invitee.canceled" -> text(payload.path("cancellation"), "created_at");
            case "invitee_no_show.created" -> text(payload.path("no_show"), "uri");
            case "invitee_no_show.deleted" -> text(root, "created_at");
            default -> text(payload, "updated_at");
        };
        return event + "|" + uri + (discriminator == null || discriminator.isEmpty() ? "" : "|" + discriminator);
    }

    /**
     * The Calendly user and organization URIs that the delivery claims to belong to: the envelope's
     * {@code created_by}, the scheduled event's hosts, an event type's owner, and any {@code user} or
     * {@code organization} field of the payload. Used only by the legacy single URL.
     */
    private static Set<String> owners(JsonNode root, JsonNode payload) {
        Set<String> owners = new LinkedHashSet<>();
        add(owners, text(root, "created_by"));
        for (JsonNode membership : payload.path("scheduled_event").path("event_memberships")) {
            add(owners, text(membership, "user"));
        }
        add(owners, text(payload.path("profile"), "owner"));
        add(owners, text(payload, "user"));
        add(owners, text(payload, "organization"));
        add(owners, text(payload, "owner"));
        return Set.copyOf(owners);
    }

    private static void add(Set<String> owners, String uri) {
        if (uri != null && !uri.isBlank() && owners.size() < 64) {
            owners.add(uri);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static Instant instant(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
