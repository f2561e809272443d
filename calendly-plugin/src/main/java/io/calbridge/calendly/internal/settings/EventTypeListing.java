package io.calbridge.calendly.internal.settings;

import java.time.Instant;
import java.util.List;

/**
 * An integration's Calendly event types as last listed.
 *
 * @param staleReason null when Calendly answered just now (or within the cache's minute); else why
 *                    it was not asked again, and {@code fetchedAt} may be up to an hour old
 */
public record EventTypeListing(List<EventTypeView> eventTypes, Instant fetchedAt, String staleReason) {
}
