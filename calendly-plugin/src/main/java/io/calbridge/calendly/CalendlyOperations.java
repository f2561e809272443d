package io.calbridge.calendly;

/**
 * Runtime operations a host (or an operator through the host) may call on a running plugin.
 * Methods are safe to call from any thread.
 */
public interface CalendlyOperations {
}
