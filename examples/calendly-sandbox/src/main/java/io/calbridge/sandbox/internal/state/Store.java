package io.calbridge.sandbox.internal.state;

import io.calbridge.sandbox.internal.state.Model.App;
import io.calbridge.sandbox.internal.state.Model.DataDeletion;
import io.calbridge.sandbox.internal.state.Model.AuthCode;
import io.calbridge.sandbox.internal.state.Model.EventType;
import io.calbridge.sandbox.internal.state.Model.Grant;
import io.calbridge.sandbox.internal.state.Model.Invitee;
import io.calbridge.sandbox.internal.state.Model.NoShow;
import io.calbridge.sandbox.internal.state.Model.Org;
import io.calbridge.sandbox.internal.state.Model.RoutingForm;
import io.calbridge.sandbox.internal.state.Model.RoutingSubmission;
import io.calbridge.sandbox.internal.state.Model.ScheduledEvent;
import io.calbridge.sandbox.internal.state.Model.SchedulingLink;
import io.calbridge.sandbox.internal.state.Model.Subscription;
import io.calbridge.sandbox.internal.state.Model.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All state of one sandbox, in memory. The store object itself is the lock: callers wrap every read
 * and write in {@code synchronized (store)} so that a booking and its webhook payload see one state.
 */
public final class Store {
    public final Map<String, Org> orgs = new LinkedHashMap<>();
    public final Map<String, User> users = new LinkedHashMap<>();
    public final Map<String, App> apps = new LinkedHashMap<>();
    public final Map<String, AuthCode> codes = new LinkedHashMap<>();
    public final Map<String, Grant> grantsByAccess = new LinkedHashMap<>();
    public final Map<String, Grant> grantsByRefresh = new LinkedHashMap<>();
    public final Map<String, EventType> eventTypes = new LinkedHashMap<>();
    /** Add and remove through {@link #addEvent} and {@link #removeEvent}: they keep the per-slot index. */
    public final Map<String, ScheduledEvent> events = new LinkedHashMap<>();
    private final Map<String, List<ScheduledEvent>> eventsBySlot = new HashMap<>();
    /** Add and remove through {@link #addInvitee} and {@link #removeInvitee}: they keep the per-event index. */
    public final Map<String, Invitee> invitees = new LinkedHashMap<>();
    private final Map<String, List<Invitee>> inviteesByEvent = new HashMap<>();
    public final Map<String, NoShow> noShows = new LinkedHashMap<>();
    public final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    /** Every signing key a subscription was created with, kept after the subscription is deleted. */
    public final List<String> subscriptionSigningKeys = new ArrayList<>();
    public final Map<String, RoutingForm> routingForms = new LinkedHashMap<>();
    public final Map<String, RoutingSubmission> routingSubmissions = new LinkedHashMap<>();
    public final Map<String, SchedulingLink> schedulingLinks = new LinkedHashMap<>();
    public final List<DataDeletion> dataDeletions = new ArrayList<>();

    public Optional<User> userByEmail(String email) {
        return users.values().stream().filter(u -> u.email.equalsIgnoreCase(email)).findFirst();
    }

    public Optional<User> userByMembership(String membershipUuid) {
        return users.values().stream().filter(u -> u.membershipUuid.equals(membershipUuid)).findFirst();
    }

    public void addEvent(ScheduledEvent ev) {
        events.put(ev.uuid, ev);
        eventsBySlot.computeIfAbsent(slot(ev.eventTypeUuid, ev.start), k -> new ArrayList<>()).add(ev);
    }

    public void removeEvent(ScheduledEvent ev) {
        events.remove(ev.uuid);
        List<ScheduledEvent> at = eventsBySlot.get(slot(ev.eventTypeUuid, ev.start));
        if (at != null) {
            at.remove(ev);
        }
    }

    /** The events of an event type that start at {@code start} (a group event's seats are found here). */
    public List<ScheduledEvent> eventsAt(String eventTypeUuid, java.time.Instant start) {
        return List.copyOf(eventsBySlot.getOrDefault(slot(eventTypeUuid, start), List.of()));
    }

    private static String slot(String eventTypeUuid, java.time.Instant start) {
        return eventTypeUuid + "@" + start;
    }

    public void addInvitee(Invitee inv) {
        invitees.put(inv.uuid, inv);
        inviteesByEvent.computeIfAbsent(inv.eventUuid, e -> new ArrayList<>()).add(inv);
    }

    public void removeInvitee(Invitee inv) {
        invitees.remove(inv.uuid);
        List<Invitee> of = inviteesByEvent.get(inv.eventUuid);
        if (of != null) {
            of.remove(inv);
        }
    }

    /** The event's invitees in booking order. */
    public List<Invitee> inviteesOf(String eventUuid) {
        return List.copyOf(inviteesByEvent.getOrDefault(eventUuid, List.of()));
    }

    public long activeInvitees(String eventUuid) {
        return inviteesByEvent.getOrDefault(eventUuid, List.of()).stream()
                .filter(i -> "active".equals(i.status)).count();
    }

    public User user(String uuid) {
        User u = users.get(uuid);
        if (u == null) {
            throw new IllegalArgumentException("no user " + uuid);
        }
        return u;
    }

    public void addGrant(Grant g) {
        grantsByAccess.put(g.accessToken, g);
        if (g.refreshToken != null) {
            grantsByRefresh.put(g.refreshToken, g);
        }
    }
}
