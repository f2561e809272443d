/**
 * Host interfaces: what a host application implements so that Calendly bookings become its CRM
 * contacts, mailing-list subscribers, tags, tasks and notifications. Bundle them in
 * {@link io.calbridge.calendly.spi.HostServices}.
 *
 * <p>Rules for every interface: implementations are thread-safe; changing calls carry an
 * idempotency key the host applies at most once per tenant; when host and plugin share a database,
 * the host runs its statements in the plugin's transaction ({@link io.calbridge.calendly.spi.HostCall#transaction()});
 * {@link io.calbridge.calendly.spi.UnknownReferenceException} means "cannot succeed", every other
 * exception "try again later".
 */
package io.calbridge.calendly.spi;
