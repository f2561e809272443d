package io.calbridge.sandbox;

import java.util.List;

/** Where an event type's meetings take place; decides the {@code location} object of scheduled events. */
public enum LocationKind {
    /** {@code {"location": text, "type": "custom"}}. */
    CUSTOM("custom"),
    /** {@code {"additional_info", "location", "type": "physical"}}. */
    PHYSICAL("physical"),
    /** Zoom with {@code data {id, settings, extra, password}}, {@code join_url}, {@code status: pushed}. */
    ZOOM("zoom_conference"),
    /** Google Meet, {@code status: processing} at booking time like real deliveries. */
    GOOGLE_MEET("google_conference"),
    MICROSOFT_TEAMS("microsoft_teams_conference"),
    INBOUND_CALL("inbound_call"),
    /** The invitee types the location: {@code {"location": text, "type": "ask_invitee"}}. */
    ASK_INVITEE("ask_invitee"),
    OUTBOUND_CALL("outbound_call");

    private final String eventTypeKind;

    LocationKind(String eventTypeKind) {
        this.eventTypeKind = eventTypeKind;
    }

    /** {@code locations[].kind} of the event type. */
    public String eventTypeKind() {
        return eventTypeKind;
    }

    /** {@code location.type} of scheduled events: the event type's kind, but Zoom's is plain "zoom" there. */
    public String eventLocationType() {
        return this == ZOOM ? "zoom" : eventTypeKind;
    }

    /** A constant's name, its kind or its location type in any case, or "google" or "teams". */
    public static LocationKind parse(String s) {
        if ("google".equalsIgnoreCase(s)) {
            return GOOGLE_MEET;
        }
        if ("teams".equalsIgnoreCase(s)) {
            return MICROSOFT_TEAMS;
        }
        return EnumNames.parse(s, "location kind", values(), k -> List.of(k.eventTypeKind, k.eventLocationType()));
    }
}
