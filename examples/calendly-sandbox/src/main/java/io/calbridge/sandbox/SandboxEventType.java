package io.calbridge.sandbox;

import java.time.Duration;

/** An event type of one host user. */
public record SandboxEventType(String uuid, String uri, String name, String ownerUri, EventKind kind,
                               Duration duration, LocationKind location, String schedulingUrl) {
}
