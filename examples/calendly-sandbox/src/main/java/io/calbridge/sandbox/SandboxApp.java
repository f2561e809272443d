package io.calbridge.sandbox;

import java.util.List;

/**
 * A registered OAuth application. {@code clientSecret} and {@code signingKey} are secrets: they are
 * left out of {@link #toString()}.
 */
public record SandboxApp(String name, String clientId, String clientSecret, String signingKey,
                         List<String> redirectUris) {
    public SandboxApp {
        redirectUris = List.copyOf(redirectUris);
    }

    @Override
    public String toString() {
        return "SandboxApp[name=" + name + ", clientId=" + clientId + ", clientSecret=***, signingKey=***, redirectUris="
                + redirectUris + "]";
    }
}
