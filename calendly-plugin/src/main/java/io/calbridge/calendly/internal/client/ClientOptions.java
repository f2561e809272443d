package io.calbridge.calendly.internal.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the client reaches Calendly.
 *
 * @param apiBaseUrl     Calendly's API, without a trailing slash ({@code https://api.calendly.com})
 * @param authBaseUrl    Calendly's OAuth server, without a trailing slash ({@code https://auth.calendly.com})
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout time allowed for one request, from sending to the whole response
 * @param maxAttempts    attempts per call, including the first, for 429, 5xx and network errors
 * @param maxTotalWait   the most one call may spend waiting between attempts (429 resets and
 *                       backoff together); a wait that would exceed it fails the call at once
 */
public record ClientOptions(
        URI apiBaseUrl,
        URI authBaseUrl,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration maxTotalWait) {

    public ClientOptions {
        Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
        Objects.requireNonNull(authBaseUrl, "authBaseUrl");
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("calendlyMaxAttempts must be at least 1: " + maxAttempts);
        }
        if (maxTotalWait == null || maxTotalWait.isNegative()) {
            throw new IllegalArgumentException("calendlyMaxRetryWait cannot be negative: " + maxTotalWait);
        }
    }

    /** Real Calendly with the defaults of {@code CalendlyConfig}. */
    public static ClientOptions defaults(URI apiBaseUrl, URI authBaseUrl) {
        return new ClientOptions(apiBaseUrl, authBaseUrl, Duration.ofSeconds(10), Duration.ofSeconds(30), 5,
                Duration.ofSeconds(60));
    }

    public ClientOptions withRetries(int attempts, Duration totalWait) {
        return new ClientOptions(apiBaseUrl, authBaseUrl, connectTimeout, requestTimeout, attempts, totalWait);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
