package io.calbridge.calendly.internal.client;

import io.calbridge.calendly.internal.common.Secret;
import java.util.Objects;

/** An OAuth client (a Calendly OAuth app): its id and its secret. Prints without the secret. */
public record ClientCredentials(String clientId, Secret clientSecret) {
    public ClientCredentials {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
    }
}
