/**
 * The Calendly integration for Javalin 7 hosts: register {@link io.calbridge.calendly.CalendlyPlugin}
 * with a {@link io.calbridge.calendly.CalendlyConfig}, implement the host interfaces of
 * {@link io.calbridge.calendly.spi}, and call {@link io.calbridge.calendly.CalendlyOperations} at
 * runtime (key rotation, offboarding).
 *
 * <p>This package and {@code io.calbridge.calendly.spi} are the whole API, and the only packages
 * the module {@code io.calbridge.calendly} exports. Everything under
 * {@code io.calbridge.calendly.internal}, and the generated jOOQ classes, are not API and may change
 * in any release.
 */
package io.calbridge.calendly;
