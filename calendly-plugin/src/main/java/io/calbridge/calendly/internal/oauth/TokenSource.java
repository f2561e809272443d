package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.internal.client.Credential;
import io.calbridge.calendly.internal.common.Secret;
import java.util.UUID;

/**
 * A working Calendly access token for an integration, whenever asked, on any node.
 *
 * <p>Guarantees of the implementation ({@code TokenRefresher}):
 * <ul>
 *   <li>A token is refreshed before it expires (by {@code tokenRefreshMargin}) and after Calendly
 *       answers 401. Concurrent callers in one JVM share one refresh; across nodes refreshes are
 *       serialised by a row lock in PostgreSQL, so each single-use refresh token is sent to Calendly
 *       exactly once.</li>
 *   <li>At most 8 token requests per integration per minute (Calendly's limit), across nodes.</li>
 *   <li>When Calendly refuses the grant ({@code invalid_grant}), the integration becomes
 *       {@code REAUTHORIZATION_REQUIRED}, the host is told once, and every later call throws
 *       {@link ReauthorizationRequiredException} without contacting Calendly.</li>
 *   <li>A network error or a Calendly 5xx is not a refused grant: the integration stays connected,
 *       the still-valid old token is returned if there is one, else {@link TokenUnavailableException}.</li>
 * </ul>
 * Thread-safe. Tokens are never logged.
 */
public interface TokenSource {
    /**
     * @throws ReauthorizationRequiredException the tenant must connect again
     * @throws NotConnectedException            no such integration, or pending or disconnected
     * @throws TokenUnavailableException         transient; try later
     */
    Secret accessToken(UUID integrationId);

    /**
     * Calendly answered 401 to {@code rejected}: returns a different token to retry with once
     * (refreshing if nobody else already has), or {@code null} when none is better.
     */
    Secret onUnauthorized(UUID integrationId, Secret rejected);

    /** Forces a refresh unless one happened moments ago; returns the token to use now. */
    default Secret onUnauthorized(UUID integrationId) {
        return onUnauthorized(integrationId, null);
    }

    /** Drops what this node caches for the integration (after disconnect or reconnect). */
    void invalidate(UUID integrationId);

    /** The integration as a {@link Credential} for {@code CalendlyClient.api(...)}: 401 refreshes and retries once. */
    default Credential credential(UUID integrationId) {
        return new Credential() {
            @Override
            public Secret accessToken() {
                return TokenSource.this.accessToken(integrationId);
            }

            @Override
            public Secret afterUnauthorized(Secret rejected) {
                return onUnauthorized(integrationId, rejected);
            }
        };
    }
}
