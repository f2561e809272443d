package io.calbridge.sandbox.internal.state;

import io.calbridge.sandbox.RescheduleOrder;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SigningKeyPolicy;
import java.time.Duration;

/** The running sandbox's settings, copied from {@link SandboxOptions} at start; some can change later. */
public final class Settings {
    public volatile boolean autoApprove;
    public volatile double timeScale;
    public volatile Duration accessTokenLifetime;
    public final Duration authCodeLifetime;
    public volatile boolean enforceScopes;
    public volatile boolean enforceApiRateLimits;
    public final int tokenRequestsPerUserPerMinute;
    public volatile boolean refreshTokenRotation;
    public final int refreshReuseStatus;
    public volatile SigningKeyPolicy signingKeyPolicy;
    public final Duration deliveryConnectTimeout;
    public final Duration deliveryReadTimeout;
    public final Duration retryWindow;
    public final Duration firstRetryDelay;
    public volatile RescheduleOrder rescheduleOrder;
    /** Per-user API requests per minute for every plan; {@code null}: the plan's own limit. */
    public volatile Integer apiRequestsPerMinute;

    public Settings(SandboxOptions.Snapshot o) {
        autoApprove = o.autoApprove();
        timeScale = o.timeScale();
        accessTokenLifetime = o.accessTokenLifetime();
        authCodeLifetime = o.authCodeLifetime();
        enforceScopes = o.enforceScopes();
        enforceApiRateLimits = o.enforceApiRateLimits();
        tokenRequestsPerUserPerMinute = o.tokenRequestsPerUserPerMinute();
        refreshTokenRotation = o.refreshTokenRotation();
        refreshReuseStatus = o.refreshReuseStatus();
        signingKeyPolicy = o.signingKeyPolicy();
        deliveryConnectTimeout = o.deliveryConnectTimeout();
        deliveryReadTimeout = o.deliveryReadTimeout();
        retryWindow = o.retryWindow();
        firstRetryDelay = o.firstRetryDelay();
        rescheduleOrder = o.rescheduleOrder();
    }
}
