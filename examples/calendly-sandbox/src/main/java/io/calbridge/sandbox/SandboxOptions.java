package io.calbridge.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a sandbox behaves. Defaults follow real Calendly; tests usually only change the port, auto
 * approval, the time scale and timeouts. Fluent setters return {@code this}.
 */
public final class SandboxOptions {
    private String host = "127.0.0.1";
    private int port;
    private String publicBaseUrl;
    private boolean autoApprove;
    private double timeScale = 1.0;
    private Duration accessTokenLifetime = Duration.ofHours(2);
    private Duration authCodeLifetime = Duration.ofMinutes(10);
    private Clock clock = Clock.systemUTC();
    private boolean enforceScopes = true;
    private boolean enforceApiRateLimits = true;
    private int tokenRequestsPerUserPerMinute = 8;
    private boolean refreshTokenRotation = true;
    private int refreshReuseStatus = 400;
    private SigningKeyPolicy signingKeyPolicy = SigningKeyPolicy.SUBSCRIPTION_KEY_FIRST;
    private Duration deliveryConnectTimeout = Duration.ofSeconds(10);
    private Duration deliveryReadTimeout = Duration.ofSeconds(15);
    private Duration retryWindow = Duration.ofHours(24);
    private Duration firstRetryDelay = Duration.ofMinutes(1);
    private RescheduleOrder rescheduleOrder = RescheduleOrder.CANCEL_FIRST;

    private SandboxOptions() {
    }

    /** Random port on 127.0.0.1, manual consent, real time, Calendly's limits. */
    public static SandboxOptions defaults() {
        return new SandboxOptions();
    }

    /** Port to listen on; 0 (the default) picks a free one. */
    public SandboxOptions port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        this.port = port;
        return this;
    }

    /** Interface to bind; {@code 0.0.0.0} to accept connections from other machines/containers. */
    public SandboxOptions host(String host) {
        this.host = Objects.requireNonNull(host, "host");
        return this;
    }

    /**
     * Base URL put into every generated URI when clients reach the sandbox under another name (e.g.
     * {@code http://calendly-sandbox:8089}); default {@code http://127.0.0.1:<port>}.
     */
    public SandboxOptions publicBaseUrl(String url) {
        this.publicBaseUrl = url;
        return this;
    }

    /** When true, GET /oauth/authorize redirects with a code at once instead of showing the consent page. */
    public SandboxOptions autoApprove(boolean autoApprove) {
        this.autoApprove = autoApprove;
        return this;
    }

    /**
     * Speeds up webhook retry delays: a delay of {@code d} in Calendly time waits {@code d / timeScale}
     * of real time. 86400 turns the 24-hour retry window into about one second.
     */
    public SandboxOptions timeScale(double timeScale) {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("timeScale must be > 0, was " + timeScale);
        }
        this.timeScale = timeScale;
        return this;
    }

    /** Lifetime of OAuth access tokens ({@code expires_in}); Calendly: 2 hours. */
    public SandboxOptions accessTokenLifetime(Duration d) {
        this.accessTokenLifetime = positive(d, "accessTokenLifetime");
        return this;
    }

    /** Lifetime of authorization codes; Calendly: 10 minutes. */
    public SandboxOptions authCodeLifetime(Duration d) {
        this.authCodeLifetime = positive(d, "authCodeLifetime");
        return this;
    }

    /** Base clock (the sandbox adds its own offset, see {@link CalendlySandbox#advanceTime}). */
    public SandboxOptions clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Whether a token lacking an endpoint's scope gets 403 (default true). */
    public SandboxOptions enforceScopes(boolean enforce) {
        this.enforceScopes = enforce;
        return this;
    }

    /** Whether 500 (paid) / 50 (Free) API requests per user per minute are enforced with 429. */
    public SandboxOptions enforceApiRateLimits(boolean enforce) {
        this.enforceApiRateLimits = enforce;
        return this;
    }

    /** OAuth token requests per user per minute before 429; Calendly: 8. */
    public SandboxOptions tokenRequestsPerUserPerMinute(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("tokenRequestsPerUserPerMinute must be >= 1");
        }
        this.tokenRequestsPerUserPerMinute = n;
        return this;
    }

    /**
     * True (default, Calendly since 2026): a refresh token works once. False: the old behaviour, a
     * refresh token can be reused until revoked.
     */
    public SandboxOptions refreshTokenRotation(boolean rotate) {
        this.refreshTokenRotation = rotate;
        return this;
    }

    /** Status of {@code invalid_grant} for a reused refresh token: 400 (default) or 401 (docs allow both). */
    public SandboxOptions refreshReuseStatus(int status) {
        if (status != 400 && status != 401) {
            throw new IllegalArgumentException("refreshReuseStatus must be 400 or 401");
        }
        this.refreshReuseStatus = status;
        return this;
    }

    public SandboxOptions signingKeyPolicy(SigningKeyPolicy policy) {
        this.signingKeyPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Webhook delivery timeouts; Calendly: connect 10 s, read 15 s. Tests may shorten them. */
    public SandboxOptions deliveryTimeouts(Duration connect, Duration read) {
        this.deliveryConnectTimeout = positive(connect, "connect timeout");
        this.deliveryReadTimeout = positive(read, "read timeout");
        return this;
    }

    /** How long (Calendly time) a failing delivery is retried before the subscription is disabled; 24 h. */
    public SandboxOptions retryWindow(Duration d) {
        this.retryWindow = positive(d, "retryWindow");
        return this;
    }

    /** First retry delay (Calendly time); each further delay doubles. Default 1 minute. */
    public SandboxOptions firstRetryDelay(Duration d) {
        this.firstRetryDelay = positive(d, "firstRetryDelay");
        return this;
    }

    /** Default order of the two deliveries of a reschedule. */
    public SandboxOptions rescheduleOrder(RescheduleOrder order) {
        this.rescheduleOrder = Objects.requireNonNull(order, "order");
        return this;
    }

    /** The options as the sandbox reads them at start: an immutable copy, unaffected by later setter calls. */
    public Snapshot snapshot() {
        return new Snapshot(host, port, publicBaseUrl, autoApprove, timeScale, accessTokenLifetime, authCodeLifetime,
                clock, enforceScopes, enforceApiRateLimits, tokenRequestsPerUserPerMinute, refreshTokenRotation,
                refreshReuseStatus, signingKeyPolicy, deliveryConnectTimeout, deliveryReadTimeout, retryWindow,
                firstRetryDelay, rescheduleOrder);
    }

    /** The values of {@link SandboxOptions} at one moment; each component is documented at its setter. */
    public record Snapshot(String host, int port, String publicBaseUrl, boolean autoApprove, double timeScale,
                           Duration accessTokenLifetime, Duration authCodeLifetime, Clock clock, boolean enforceScopes,
                           boolean enforceApiRateLimits, int tokenRequestsPerUserPerMinute,
                           boolean refreshTokenRotation, int refreshReuseStatus, SigningKeyPolicy signingKeyPolicy,
                           Duration deliveryConnectTimeout, Duration deliveryReadTimeout, Duration retryWindow,
                           Duration firstRetryDelay, RescheduleOrder rescheduleOrder) {
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
