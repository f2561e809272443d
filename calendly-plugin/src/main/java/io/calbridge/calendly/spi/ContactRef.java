package io.calbridge.calendly.spi;

/**
 * A contact as the host holds it after a call.
 *
 * @param id      the host's contact id, stable for the contact's life
 * @param created true when this call created it
 * @param status  the contact's status code now
 * @param ownerId the contact's owner now, or null
 */
public record ContactRef(String id, boolean created, String status, String ownerId) {
}
