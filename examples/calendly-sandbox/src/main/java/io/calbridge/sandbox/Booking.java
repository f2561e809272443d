package io.calbridge.sandbox;

/** The invitee (and its scheduled event) a booking or reschedule created. */
public record Booking(String inviteeUri, String eventUri, String inviteeUuid, String eventUuid,
                      String cancelUrl, String rescheduleUrl) {
}
