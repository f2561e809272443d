package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.CalendlyConfig;
import io.calbridge.calendly.internal.client.ClientCredentials;
import io.calbridge.calendly.internal.client.ClientOptions;
import io.calbridge.calendly.internal.common.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The oauth feature's part of the configuration, checked once.
 *
 * @param platformApp        the host operator's OAuth app, or null (then PLATFORM_APP is refused)
 * @param platformSigningKey the platform app's webhook signing key, or null
 * @param settingsPageUrl    where the browser goes after connect/callback/disconnect, or null
 */
public record OAuthSettings(
        URI publicBaseUrl,
        String routePrefix,
        ClientCredentials platformApp,
        Secret platformSigningKey,
        List<String> scopes,
        URI settingsPageUrl,
        Duration tokenRefreshMargin,
        Duration subscriptionCheckInterval,
        ClientOptions client) {

    /** An authorization must come back within this time (Calendly's codes live 10 minutes too). */
    public static final Duration STATE_TTL = Duration.ofMinutes(10);

    public static OAuthSettings validate(CalendlyConfig c, URI publicBaseUrl, String routePrefix, URI apiBaseUrl,
                                         URI authBaseUrl) {
        boolean hasId = c.platformClientId != null && !c.platformClientId.isBlank();
        boolean hasSecret = c.platformClientSecret != null && !c.platformClientSecret.isBlank();
        require(hasId == hasSecret, hasId
                ? "platformClientSecret is required with platformClientId: the client secret of the platform's Calendly OAuth app"
                : "platformClientId is required with platformClientSecret: the client id of the platform's Calendly OAuth app");
        ClientCredentials platform = hasId
                ? new ClientCredentials(c.platformClientId.strip(), Secret.of(c.platformClientSecret.strip()))
                : null;
        Secret signingKey = c.platformSigningKey == null || c.platformSigningKey.isBlank()
                ? null : Secret.of(c.platformSigningKey.strip());
        require(c.oauthScopes != null, "oauthScopes cannot be null (use an empty list to request none)");
        for (String scope : c.oauthScopes) {
            require(scope != null && !scope.isBlank() && scope.strip().chars().noneMatch(Character::isWhitespace),
                    "oauthScopes entries must be single scope names such as users:read: '" + scope + "'");
        }
        URI settingsPage = null;
        // Without a page of its own, a host that mounts the settings UI gets the browser back there.
        String pageUrl = c.settingsPageUrl != null && !c.settingsPageUrl.isBlank() ? c.settingsPageUrl
                : c.settingsUi == null ? null : c.settingsUi.path();
        if (pageUrl != null) {
            String page = pageUrl.strip();
            try {
                settingsPage = page.startsWith("/") ? URI.create(publicBaseUrl + page) : URI.create(page);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("settingsPageUrl is not a valid URL or path: " + page, e);
            }
            require(settingsPage.isAbsolute() && settingsPage.getHost() != null,
                    "settingsPageUrl must be an absolute http(s) URL or a path starting with '/': " + page);
        }
        require(c.tokenRefreshMargin != null && !c.tokenRefreshMargin.isNegative(),
                "tokenRefreshMargin cannot be negative: " + c.tokenRefreshMargin);
        require(c.subscriptionCheckInterval != null && !c.subscriptionCheckInterval.isNegative(),
                "subscriptionCheckInterval cannot be negative (Duration.ZERO disables the check): "
                        + c.subscriptionCheckInterval);
        require(c.calendlyMaxAttempts >= 1, "calendlyMaxAttempts must be at least 1: " + c.calendlyMaxAttempts);
        require(c.calendlyMaxRetryWait != null && !c.calendlyMaxRetryWait.isNegative(),
                "calendlyMaxRetryWait cannot be negative: " + c.calendlyMaxRetryWait);
        require(positive(c.httpConnectTimeout), "httpConnectTimeout must be positive: " + c.httpConnectTimeout);
        require(positive(c.httpRequestTimeout), "httpRequestTimeout must be positive: " + c.httpRequestTimeout);
        ClientOptions client = new ClientOptions(apiBaseUrl, authBaseUrl, c.httpConnectTimeout, c.httpRequestTimeout,
                c.calendlyMaxAttempts, c.calendlyMaxRetryWait);
        return new OAuthSettings(publicBaseUrl, routePrefix, platform, signingKey,
                c.oauthScopes.stream().map(String::strip).toList(), settingsPage, c.tokenRefreshMargin,
                c.subscriptionCheckInterval, client);
    }

    public Optional<ClientCredentials> platform() {
        return Optional.ofNullable(platformApp);
    }

    /** The OAuth redirect URI, from configuration only (never from request headers). */
    public URI redirectUri() {
        return URI.create(publicBaseUrl + routePrefix + "/settings/calendly/callback");
    }

    /** The URL Calendly delivers an integration's webhooks to. */
    public String webhookUrl(String webhookPathToken) {
        return publicBaseUrl + routePrefix + "/api/webhooks/calendly/" + webhookPathToken;
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isZero() && !d.isNegative();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
