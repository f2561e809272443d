package io.calbridge.sandbox;

/**
 * A single-use scheduling link ({@code POST /scheduling_links}).
 *
 * @param bookingUrl the page an invitee books on; query parameters added to it ({@code name},
 *                   {@code email}, {@code utm_*}, {@code salesforce_uuid}, {@code a1}...) are honoured
 * @param owner      the event type URI
 * @param ownerType  always {@code EventType}
 * @param inviteeUri the invitee booked through it, or {@code null} while unused
 * @param creatorUri the user whose token created it (Calendly does not show this; a test asks which
 *                   connected account a client used)
 */
public record SandboxSchedulingLink(String bookingUrl, String owner, String ownerType, String inviteeUri,
                                    String creatorUri) {
    public boolean used() {
        return inviteeUri != null;
    }
}
