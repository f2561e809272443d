package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Secret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An integration as the receiver sees it: who owns it and which keys may sign its deliveries.
 * Holds decrypted keys: never log it (its {@code toString} prints none of them).
 *
 * @param previousKeyUntil the previous key verifies strictly before this instant; null means it no
 *                         longer verifies
 * @param appKey           the tenant's own OAuth app's webhook signing key (TENANT_APP), or null
 */
record WebhookIntegration(
        UUID id,
        String tenantId,
        String connectionMode,
        String status,
        String calendlyUserUri,
        String calendlyOrganizationUri,
        Secret currentKey,
        Secret previousKey,
        Instant previousKeyUntil,
        Secret appKey) {

    static final String PLATFORM_APP = "PLATFORM_APP";
    static final String TENANT_APP = "TENANT_APP";

    /** The keys that verify a delivery received at {@code now}, current key first. */
    List<Secret> keysAt(Instant now, Secret platformKey) {
        List<Secret> keys = new ArrayList<>(4);
        if (currentKey != null && !currentKey.isEmpty()) {
            keys.add(currentKey);
        }
        if (previousKey != null && !previousKey.isEmpty() && previousKeyUntil != null && now.isBefore(previousKeyUntil)) {
            keys.add(previousKey);
        }
        if (platformKey != null && PLATFORM_APP.equals(connectionMode)) {
            keys.add(platformKey);
        }
        // Calendly may sign an OAuth app's deliveries with the app's own key instead of the subscription's.
        if (appKey != null && !appKey.isEmpty() && TENANT_APP.equals(connectionMode)) {
            keys.add(appKey);
        }
        return keys;
    }

    /**
     * A tenant app's deliveries that match none of our keys were most likely signed with the app's
     * own key, which only the tenant knows: say so where the admin reads the rejection.
     */
    String mismatchHint() {
        if (TENANT_APP.equals(connectionMode) && (appKey == null || appKey.isEmpty())) {
            return "; if your Calendly OAuth app signs deliveries with its own webhook signing key, connect again"
                    + " and give that key as webhook_signing_key";
        }
        return "";
    }

    boolean ownedByAnyOf(java.util.Set<String> uris) {
        return (calendlyUserUri != null && uris.contains(calendlyUserUri))
                || (calendlyOrganizationUri != null && uris.contains(calendlyOrganizationUri));
    }

    @Override
    public String toString() {
        return "WebhookIntegration[id=" + id + ", tenantId=" + tenantId + ", mode=" + connectionMode + ", status=" + status + "]";
    }
}
