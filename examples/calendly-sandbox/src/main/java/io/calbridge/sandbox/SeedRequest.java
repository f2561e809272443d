package io.calbridge.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Many scheduled events at once, for import and reconciliation tests: {@code events} events spread
 * round-robin over the event types, one every {@code spacing} from {@code startingAt}. Group event
 * types get {@code groupInvitees} invitees per event (capped at the type's limit), every
 * {@code canceledEvery}-th event is canceled by its host. Seeding emits no webhooks. Fluent.
 *
 * <pre>{@code
 * SeedResult r = sb.seed(SeedRequest.of(List.of(intro, demo, groupWebinar), 250)
 *         .startingAt(Instant.parse("2031-06-01T09:00:00Z")).spacing(Duration.ofHours(2))
 *         .canceledEvery(10).groupInvitees(3));
 * }</pre>
 */
public final class SeedRequest {
    private final List<String> eventTypeUris;
    private final int events;
    private Instant startingAt;
    private Duration spacing = Duration.ofHours(1);
    private int canceledEvery;
    private int groupInvitees = 2;
    private String emailPrefix = "seed";

    private SeedRequest(List<String> eventTypeUris, int events) {
        if (eventTypeUris.isEmpty()) {
            throw new IllegalArgumentException("name at least one event type");
        }
        if (events < 1) {
            throw new IllegalArgumentException("events must be >= 1, was " + events);
        }
        this.eventTypeUris = List.copyOf(eventTypeUris);
        this.events = events;
    }

    public static SeedRequest of(List<SandboxEventType> eventTypes, int events) {
        return new SeedRequest(eventTypes.stream().map(SandboxEventType::uri).toList(), events);
    }

    /** {@code eventTypes} are event type URIs or UUIDs. */
    public static SeedRequest ofUris(List<String> eventTypes, int events) {
        return new SeedRequest(eventTypes, events);
    }

    /** Start of the first event; default: a day after the sandbox's now, on the hour. */
    public SeedRequest startingAt(Instant first) {
        this.startingAt = Objects.requireNonNull(first, "first");
        return this;
    }

    /** Time between two events' starts; default one hour. */
    public SeedRequest spacing(Duration spacing) {
        Objects.requireNonNull(spacing, "spacing");
        if (spacing.isNegative() || spacing.isZero()) {
            throw new IllegalArgumentException("spacing must be positive, was " + spacing);
        }
        this.spacing = spacing;
        return this;
    }

    /** Every {@code k}-th event (the k-th, 2k-th ...) is canceled by its host; 0 (default) cancels none. */
    public SeedRequest canceledEvery(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("canceledEvery must be >= 0, was " + k);
        }
        this.canceledEvery = k;
        return this;
    }

    /** Invitees per group event (default 2, at most the type's limit); solo events have one. */
    public SeedRequest groupInvitees(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("groupInvitees must be >= 1, was " + n);
        }
        this.groupInvitees = n;
        return this;
    }

    /** Invitees are {@code <prefix>-<n>@example.com}, named "Seed Invitee n"; default prefix "seed". */
    public SeedRequest emailPrefix(String prefix) {
        if (prefix == null || prefix.isBlank() || prefix.contains("@")) {
            throw new IllegalArgumentException("emailPrefix must be a non-empty local part, was " + prefix);
        }
        this.emailPrefix = prefix;
        return this;
    }

    /** The request as the sandbox seeds it: an immutable copy, unaffected by later setter calls. */
    public Snapshot snapshot() {
        return new Snapshot(eventTypeUris, events, startingAt, spacing, canceledEvery, groupInvitees, emailPrefix);
    }

    /** The values of a {@link SeedRequest} at one moment; each component is documented at its setter. */
    public record Snapshot(List<String> eventTypeUris, int events, Instant startingAt, Duration spacing,
                           int canceledEvery, int groupInvitees, String emailPrefix) {
    }
}
