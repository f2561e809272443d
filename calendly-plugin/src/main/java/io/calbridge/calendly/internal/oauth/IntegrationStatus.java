package io.calbridge.calendly.internal.oauth;

/** Life cycle of a {@code calendly_integration} row. */
public enum IntegrationStatus {
    /** An OAuth authorization is under way; nothing usable is stored yet. */
    PENDING,
    /** Tokens are stored and refreshed; webhooks are (being) set up. */
    CONNECTED,
    /** Calendly refused the stored grant; the tenant must connect again. Nothing retries meanwhile. */
    REAUTHORIZATION_REQUIRED,
    /** Disconnected by the tenant: secrets wiped, history kept. */
    DISCONNECTED
}
