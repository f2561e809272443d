package io.calbridge.sandbox;

import io.calbridge.sandbox.internal.Wiring;
import java.time.Duration;
import java.util.Objects;

/**
 * Makes the sandbox misbehave on purpose, for resilience tests. Every method returns {@code this}.
 * API faults apply to the next matching requests; delivery faults to the next first attempts.
 */
public final class Faults {
    /** The running sandbox: its fault state, OAuth service and clock. */
    private final Wiring w;

    Faults(Wiring w) {
        this.w = w;
    }

    /** The next {@code n} API requests (not /oauth, not /_sandbox) are answered with {@code status}. */
    public Faults failNextApiRequests(int n, int status) {
        w.faults.failNext(positive(n), status(status), null);
        return this;
    }

    /**
     * The next {@code n} requests whose path starts with {@code pathPrefix} (e.g. "/scheduled_events",
     * "/oauth/token") are answered with {@code status}.
     */
    public Faults failNextApiRequests(int n, int status, String pathPrefix) {
        w.faults.failNext(positive(n), status(status), Objects.requireNonNull(pathPrefix, "pathPrefix"));
        return this;
    }

    /**
     * The next {@code n} requests whose path starts with {@code pathPrefix} (null: every API path) are
     * <em>served</em> (a cancellation cancels, a no-show is marked, a link is created, webhooks go
     * out), but their answer is lost on the way back: the caller gets {@code 502 Bad Gateway} from
     * "a proxy" instead. Models the reply lost after Calendly acted, which a client that retries
     * must survive without acting twice.
     */
    public Faults loseNextReplies(int n, String pathPrefix) {
        w.faults.loseReplies(positive(n), pathPrefix);
        return this;
    }

    /** The next {@code n} API requests get 429 with {@code X-RateLimit-Remaining: 0}, {@code X-RateLimit-Reset: 60}. */
    public Faults rateLimitNext(int n) {
        w.faults.failNext(positive(n), 429, null);
        return this;
    }

    public Faults rateLimitNext(int n, String pathPrefix) {
        w.faults.failNext(positive(n), 429, Objects.requireNonNull(pathPrefix, "pathPrefix"));
        return this;
    }

    /**
     * Like {@link #rateLimitNext(int, String)} with {@code X-RateLimit-Reset: resetSeconds} instead of
     * 60; a {@code null} prefix means every API path.
     */
    public Faults rateLimitNext(int n, String pathPrefix, int resetSeconds) {
        if (resetSeconds < 1 || resetSeconds > 60) {
            throw new IllegalArgumentException("resetSeconds must be 1..60 (a one-minute window), was " + resetSeconds);
        }
        w.faults.failNext(positive(n), 429, pathPrefix, resetSeconds);
        return this;
    }

    /**
     * Every webhook target is unreachable for {@code duration} of sandbox time from now: attempts fail
     * as a refused connection ({@code FAILED_CONNECTION}) without being sent, and are retried on
     * Calendly's schedule. Combine with {@link CalendlySandbox#advanceTime}: an outage of 30 hours
     * ends with the subscription disabled, one of 10 hours with the retry that follows it delivered.
     */
    public Faults webhookTargetsUnreachableFor(Duration duration) {
        return webhookTargetsUnreachableFor(duration, null);
    }

    /** Like {@link #webhookTargetsUnreachableFor(Duration)} for callback URLs starting with {@code urlPrefix}. */
    public Faults webhookTargetsUnreachableFor(Duration duration, String urlPrefix) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, was " + duration);
        }
        w.faults.outage(urlPrefix, w.clock.instant().plus(duration));
        return this;
    }

    /**
     * Loses every message of {@code event} about {@code invitee} from now until {@link #clear()}: never
     * sent, never retried, logged as {@code DROPPED}, for every subscription. Either may be null for
     * "any"; {@code invitee} is an invitee URI or e-mail. {@code dropDeliveries("invitee.canceled",
     * inviteeUri)} models a cancel whose deliveries are lost while later ones still arrive.
     */
    public Faults dropDeliveries(String event, String invitee) {
        if (event == null && invitee == null) {
            throw new IllegalArgumentException("name an event, an invitee or both (dropNextDeliveries drops by count)");
        }
        w.faults.dropDeliveries(event, invitee);
        return this;
    }

    /** The next {@code n} webhook messages are lost: never sent, never retried (logged as DROPPED). */
    public Faults dropNextDeliveries(int n) {
        w.faults.dropNext.addAndGet(positive(n));
        return this;
    }

    /** The next {@code n} successfully delivered messages are sent a second time, byte-identical but re-signed. */
    public Faults duplicateNextDeliveries(int n) {
        w.faults.duplicateNext.addAndGet(positive(n));
        return this;
    }

    /** The next {@code n} messages wait {@code delay} before their first attempt (later messages of the same subscription queue behind). */
    public Faults delayNextDeliveries(int n, Duration delay) {
        w.faults.delayNext(positive(n), Objects.requireNonNull(delay, "delay"));
        return this;
    }

    /** The next reschedule sends its two deliveries in the other order than configured. */
    public Faults reorderNextReschedule() {
        w.faults.reorderNextReschedules.incrementAndGet();
        return this;
    }

    /** While on, every delivery carries a signature made with a wrong key. */
    public Faults breakSignatures(boolean broken) {
        w.faults.breakSignatures.set(broken);
        return this;
    }

    /** Every OAuth access token issued so far is expired now (personal access tokens are not touched). */
    public Faults expireAllAccessTokens() {
        w.oauth.expireAllAccessTokens();
        return this;
    }

    public Faults expireAccessToken(String accessToken) {
        if (!w.oauth.expireAccessToken(accessToken)) {
            throw new IllegalArgumentException("unknown access token");
        }
        return this;
    }

    /** Revokes a refresh token (and its access token), as a user disconnecting the app would. */
    public Faults revokeRefreshToken(String refreshToken) {
        if (!w.oauth.revokeToken(refreshToken)) {
            throw new IllegalArgumentException("unknown refresh token");
        }
        return this;
    }

    public Faults revokeAccessToken(String accessToken) {
        if (!w.oauth.revokeToken(accessToken)) {
            throw new IllegalArgumentException("unknown access token");
        }
        return this;
    }

    /** Turns every pending fault off. */
    public Faults clear() {
        w.faults.clear();
        return this;
    }

    private static int positive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, was " + n);
        }
        return n;
    }

    private static int status(int s) {
        if (s < 400 || s > 599) {
            throw new IllegalArgumentException("status must be 4xx or 5xx, was " + s);
        }
        return s;
    }
}
