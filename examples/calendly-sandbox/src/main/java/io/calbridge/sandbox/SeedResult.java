package io.calbridge.sandbox;

import java.util.List;

/**
 * What {@link CalendlySandbox#seed} created, in start-time order.
 *
 * @param eventUris      every scheduled event
 * @param inviteeUris    every invitee
 * @param canceledEvents how many of the events were canceled
 */
public record SeedResult(List<String> eventUris, List<String> inviteeUris, int canceledEvents) {
    public SeedResult {
        eventUris = List.copyOf(eventUris);
        inviteeUris = List.copyOf(inviteeUris);
    }
}
