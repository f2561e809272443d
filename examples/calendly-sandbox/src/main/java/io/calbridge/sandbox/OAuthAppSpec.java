package io.calbridge.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * A new OAuth app. By default it is a current web app: confidential (client secret required at the
 * token endpoint) and scoped (a token without requested scopes may call nothing, as for OAuth apps
 * created since scopes were introduced). {@link #legacy(boolean)} gives the pre-2026 behaviour.
 */
public final class OAuthAppSpec {
    private final String name;
    private final List<String> redirectUris;
    private boolean legacy;
    private boolean nativeClient;
    private String defaultUserUri;

    private OAuthAppSpec(String name, List<String> redirectUris) {
        this.name = Objects.requireNonNull(name, "name");
        this.redirectUris = List.copyOf(redirectUris);
    }

    public static OAuthAppSpec of(String name, List<String> redirectUris) {
        return new OAuthAppSpec(name, redirectUris);
    }

    /** An app created before scopes: tokens issued without {@code scope} may use every endpoint. */
    public OAuthAppSpec legacy(boolean legacy) {
        this.legacy = legacy;
        return this;
    }

    /** A native (public) client: no secret, PKCE required. */
    public OAuthAppSpec nativeClient(boolean nativeClient) {
        this.nativeClient = nativeClient;
        return this;
    }

    /** The user the consent page signs in as when no {@code login_as} or cookie picks one. */
    public OAuthAppSpec defaultUser(SandboxUser user) {
        this.defaultUserUri = user.uri();
        return this;
    }

    /** The spec as the sandbox creates the app: an immutable copy, unaffected by later setter calls. */
    public Snapshot snapshot() {
        return new Snapshot(name, redirectUris, legacy, nativeClient, defaultUserUri);
    }

    /** The values of an {@link OAuthAppSpec} at one moment; each component is documented at its setter. */
    public record Snapshot(String name, List<String> redirectUris, boolean legacy, boolean nativeClient,
                           String defaultUserUri) {
    }
}
