package io.calbridge.calendly.internal.oauth;

import java.util.UUID;

/** The integration does not exist, is still being connected, or was disconnected: it has no token. */
public class NotConnectedException extends RuntimeException {
    private final UUID integrationId;

    public NotConnectedException(UUID integrationId, String state) {
        super("Calendly integration " + integrationId + " has no token: " + state);
        this.integrationId = integrationId;
    }

    public UUID integrationId() {
        return integrationId;
    }
}
