package io.calbridge.calendly.spi;

/**
 * Something a tenant picks from in the settings (a mailing list, a tag, a contact status).
 *
 * @param id    what the plugin stores and passes back (a list id, a tag id, a status code)
 * @param label what a person sees
 */
public record Choice(String id, String label) {
}
