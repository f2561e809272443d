package io.calbridge.calendly.internal.crypto;

import io.calbridge.calendly.internal.common.Secret;
import java.time.Duration;
import java.time.Instant;

/**
 * An access token as this node holds it: the one model of a token for the token refresher
 * ({@code oauth}) and the per-node cache ({@link AccessTokenCache}). Prints its secret as {@code ***}.
 *
 * @param expiresAt   null for a personal access token (it does not expire)
 * @param refreshedAt when it was obtained; with {@code expiresAt} it gives the token's lifetime; null
 *                    when not known
 * @param version     the integration row's {@code token_version} it was read at (0 when not known)
 */
public record CachedToken(String tenantId, Secret token, Instant expiresAt, Instant refreshedAt, long version) {

    /**
     * Still good to hand out: more than the refresh margin before expiry. The margin shrinks to half
     * the token's lifetime for short-lived tokens, so a lifetime below the margin does not mean
     * "refresh on every call".
     */
    public boolean usable(Instant now, Duration margin) {
        if (expiresAt == null) {
            return true;
        }
        Duration effective = margin;
        if (refreshedAt != null) {
            Duration half = Duration.between(refreshedAt, expiresAt).dividedBy(2);
            if (half.compareTo(effective) < 0) {
                effective = half.isNegative() ? Duration.ZERO : half;
            }
        }
        return now.isBefore(expiresAt.minus(effective));
    }

    /** Not yet expired (though perhaps inside the refresh margin). */
    public boolean valid(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
