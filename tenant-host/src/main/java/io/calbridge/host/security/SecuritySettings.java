package io.calbridge.host.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Security knobs of tenant-host. {@link #defaults(URI)} is what production uses apart from the JWT
 * key, which {@code Main} loads from {@code JWT_SECRET} (or the development file).
 *
 * @param publicBaseUrl      where browsers reach the host; https turns on HSTS and Secure cookies
 * @param jwtKey             HMAC key of the API tokens
 * @param jwtTtl             lifetime of an API token. Default 15 minutes
 * @param sessionIdle        a browser session ends after this long without requests. Default 2 hours
 * @param passwordIterations PBKDF2 iterations for new hashes. Default {@link PasswordHasher#DEFAULT_ITERATIONS}
 * @param loginLimits        failed-login limits. Default {@link LoginThrottle.Limits#defaults()}
 * @param formActionOrigins  origins forms may post (or be redirected) to besides this host: Calendly's
 *                           OAuth server, so a connect form's redirect there is allowed. Default
 *                           {@code https://auth.calendly.com}
 * @param clock              time source of tokens and the login throttle
 */
public record SecuritySettings(
        URI publicBaseUrl,
        JwtKey jwtKey,
        Duration jwtTtl,
        Duration sessionIdle,
        int passwordIterations,
        LoginThrottle.Limits loginLimits,
        List<String> formActionOrigins,
        Clock clock) {

    public SecuritySettings {
        if (jwtTtl.isNegative() || jwtTtl.isZero()) {
            throw new IllegalArgumentException("JWT lifetime must be positive: " + jwtTtl);
        }
        if (sessionIdle.toSeconds() < 60) {
            throw new IllegalArgumentException("session idle timeout must be at least a minute: " + sessionIdle);
        }
        formActionOrigins = List.copyOf(formActionOrigins);
    }

    public static SecuritySettings defaults(URI publicBaseUrl) {
        return new SecuritySettings(publicBaseUrl, JwtKey.random(), Duration.ofMinutes(15), Duration.ofHours(2),
                PasswordHasher.DEFAULT_ITERATIONS, LoginThrottle.Limits.defaults(), List.of("https://auth.calendly.com"),
                Clock.systemUTC());
    }

    public boolean https() {
        return "https".equalsIgnoreCase(publicBaseUrl.getScheme());
    }

    public SecuritySettings withJwtKey(JwtKey key) {
        return new SecuritySettings(publicBaseUrl, key, jwtTtl, sessionIdle, passwordIterations, loginLimits, formActionOrigins, clock);
    }

    public SecuritySettings withJwtTtl(Duration ttl) {
        return new SecuritySettings(publicBaseUrl, jwtKey, ttl, sessionIdle, passwordIterations, loginLimits, formActionOrigins, clock);
    }

    public SecuritySettings withSessionIdle(Duration idle) {
        return new SecuritySettings(publicBaseUrl, jwtKey, jwtTtl, idle, passwordIterations, loginLimits, formActionOrigins, clock);
    }

    public SecuritySettings withPasswordIterations(int iterations) {
        return new SecuritySettings(publicBaseUrl, jwtKey, jwtTtl, sessionIdle, iterations, loginLimits, formActionOrigins, clock);
    }

    public SecuritySettings withLoginLimits(LoginThrottle.Limits limits) {
        return new SecuritySettings(publicBaseUrl, jwtKey, jwtTtl, sessionIdle, passwordIterations, limits, formActionOrigins, clock);
    }

    public SecuritySettings withFormActionOrigins(List<String> origins) {
        return new SecuritySettings(publicBaseUrl, jwtKey, jwtTtl, sessionIdle, passwordIterations, loginLimits, origins, clock);
    }

    public SecuritySettings withClock(Clock c) {
        return new SecuritySettings(publicBaseUrl, jwtKey, jwtTtl, sessionIdle, passwordIterations, loginLimits, formActionOrigins, c);
    }
}
