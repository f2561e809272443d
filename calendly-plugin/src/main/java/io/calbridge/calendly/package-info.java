/**
 * The Calendly integration for Javalin 7 hosts: register {@link io.calbridge.calendly.CalendlyPlugin}
 * with a {@link io.calbridge.calendly.CalendlyConfig}, implement the host interfaces of
 * {@link io.calbridge.calendly.spi}, and call {@link io.calbridge.calendly.CalendlyOperations} at
 * runtime (key rotation, offboarding).
 *
 * <p>This package and {@code io.calbridge.calendly.spi} are the whole API. Everything under
 * {@code io.calbridge.calendly.internal} is not API and may change in any release.
 */
package io.calbridge.calendly;
