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
        Instant previousKeyUntil) {

    static final String PLATFORM_APP = "PLATFORM_APP";

    /** The keys that verify a delivery received at {@code now}, current key first. */
    List<Secret> keysAt(Instant now, Secret platformKey) {
        List<Secret> keys = new ArrayList<>(3);
        if (currentKey != null && !currentKey.isEmpty()) {
            keys.add(currentKey);
        }
        if (previousKey != null && !previousKey.isEmpty() && previousKeyUntil != null && now.isBefore(previousKeyUntil)) {
            keys.add(previousKey);
        }
        if (platformKey != null && PLATFORM_APP.equals(connectionMode)) {
            keys.add(platformKey);
        }
        return keys;
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
