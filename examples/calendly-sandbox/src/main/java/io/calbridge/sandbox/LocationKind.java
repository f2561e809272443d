package io.calbridge.sandbox;

/** Where an event type's meetings take place; decides the {@code location} object of scheduled events. */
public enum LocationKind {
    /** {@code {"location": text, "type": "custom"}}. */
    CUSTOM("custom", "custom"),
    /** {@code {"additional_info", "location", "type": "physical"}}. */
    PHYSICAL("physical", "physical"),
    /** Zoom with {@code data {id, settings, extra, password}}, {@code join_url}, {@code status: pushed}. */
    ZOOM("zoom_conference", "zoom"),
    /** Google Meet, {@code status: processing} at booking time like real deliveries. */
    GOOGLE_MEET("google_conference", "google_conference"),
    MICROSOFT_TEAMS("microsoft_teams_conference", "microsoft_teams_conference"),
    INBOUND_CALL("inbound_call", "inbound_call"),
    /** The invitee types the location: {@code {"location": text, "type": "ask_invitee"}}. */
    ASK_INVITEE("ask_invitee", "ask_invitee"),
    OUTBOUND_CALL("outbound_call", "outbound_call");

    private final String eventTypeKind;
    private final String eventLocationType;

    LocationKind(String eventTypeKind, String eventLocationType) {
        this.eventTypeKind = eventTypeKind;
        this.eventLocationType = eventLocationType;
    }

    /** {@code locations[].kind} of the event type. */
    public String eventTypeKind() {
        return eventTypeKind;
    }

    /** {@code location.type} of scheduled events. */
    public String eventLocationType() {
        return eventLocationType;
    }

    public static LocationKind parse(String s) {
        for (LocationKind k : values()) {
            if (k.name().equalsIgnoreCase(s) || k.eventTypeKind.equalsIgnoreCase(s)
                    || k.eventLocationType.equalsIgnoreCase(s)) {
                return k;
            }
        }
        if ("google_meet".equalsIgnoreCase(s) || "google".equalsIgnoreCase(s)) {
            return GOOGLE_MEET;
        }
        if ("teams".equalsIgnoreCase(s)) {
            return MICROSOFT_TEAMS;
        }
        throw new IllegalArgumentException("unknown location kind '" + s + "'");
    }
}
