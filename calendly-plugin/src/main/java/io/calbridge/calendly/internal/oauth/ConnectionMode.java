package io.calbridge.calendly.internal.oauth;

import java.util.Locale;

/** How a tenant's integration authenticates at Calendly. */
public enum ConnectionMode {
    /** The tenant's own Calendly OAuth app: client id and secret entered by the tenant. */
    TENANT_APP,
    /** The host operator's one Calendly OAuth app, shared by all tenants. */
    PLATFORM_APP,
    /** A Calendly personal access token of the tenant's user; no refresh, no OAuth. */
    PERSONAL_TOKEN;

    /** Accepts {@code tenant_app}, {@code TENANT_APP}, {@code tenant-app}; null when unknown. */
    public static ConnectionMode parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    boolean isOAuth() {
        return this != PERSONAL_TOKEN;
    }
}
