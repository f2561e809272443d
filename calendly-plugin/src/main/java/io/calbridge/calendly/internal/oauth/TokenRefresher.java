package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.client.ClientCredentials;
import io.calbridge.calendly.internal.client.OAuthEndpoints;
import io.calbridge.calendly.internal.client.TokenResponse;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.AccessTokenCache;
import io.calbridge.calendly.internal.crypto.CachedToken;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TokenSource}: hands out access tokens and refreshes them so that each single-use
 * refresh token is sent to Calendly exactly once, however many threads and nodes ask.
 *
 * <p>How: (1) a node-local cache answers while the token is outside the refresh margin; (2) in one
 * JVM, callers for the same integration share one in-flight load; (3) a refresh runs inside a
 * transaction that first locks the integration row ({@code select ... for update}), re-reads it,
 * and uses a token another node stored meanwhile instead of refreshing again; the call to
 * Calendly's token endpoint and the write of the new tokens happen under that lock.
 *
 * <p>Nothing sleeps under that lock: the token endpoint is called through an impatient client
 * ({@code CalendlyClient.impatient()}), so a 429 fails at once. Its reset is stored in
 * {@code token_retry_at}, which every node obeys: until then callers get the still-valid old token
 * or, without one, {@link TokenUnavailableException} carrying the wait, at once.
 *
 * <p>What cannot be helped: if Calendly rotated the token but its answer never arrived (connection
 * cut after Calendly processed the request) or our commit failed afterwards, the new refresh token
 * is lost and the next refresh meets {@code invalid_grant}: the tenant has to reconnect. Keeping the
 * call and the write in one short transaction makes that window as small as it gets.
 */
final class TokenRefresher implements TokenSource {
    private static final Logger log = LoggerFactory.getLogger(TokenRefresher.class);

    /**
     * {@link #onUnauthorized(UUID)} without the refused token does not refresh again within this time
     * of the last refresh. With the refused token, a refresh happens only if it is still the current
     * one; the token-request window bounds how often.
     */
    static final Duration MIN_FORCED_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** After a failed token request (network, 5xx), the next one waits at least this long (a 429: its reset). */
    static final Duration TRANSIENT_FAILURE_BACKOFF = Duration.ofSeconds(10);
    /** Calendly: at most 8 token requests per user per minute. */
    static final int TOKEN_REQUESTS_PER_WINDOW = 8;
    static final Duration TOKEN_REQUEST_WINDOW = Duration.ofMinutes(1);
    /** A personal token does not expire; nodes re-read it this often so a disconnect elsewhere is seen. */
    static final Duration PERSONAL_TOKEN_CACHE_TIME = Duration.ofMinutes(1);
    /** How long a refresh waits for another node's refresh of the same integration. */
    static final String LOCK_TIMEOUT = "30s";

    private final Db db;
    private final IntegrationStore store;
    private final SecretBox box;
    private final OAuthEndpoints oauth;
    private final OAuthSettings settings;
    private final ReauthorizationListener listener;
    private final Clock clock;
    private final AccessTokenCache cache;
    private final TokenMetrics metrics;
    private final ConcurrentHashMap<UUID, CompletableFuture<CachedToken>> inFlight = new ConcurrentHashMap<>();

    TokenRefresher(Db db, IntegrationStore store, SecretBox box, OAuthEndpoints oauth, OAuthSettings settings,
                   ReauthorizationListener listener, AccessTokenCache cache, TokenMetrics metrics, Clock clock) {
        this.db = db;
        this.store = store;
        this.box = box;
        this.oauth = oauth;
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        this.cache = cache;
        this.metrics = metrics;
    }

    @Override
    public Secret accessToken(UUID integrationId) {
        // The cache holds a token only while it is outside the refresh margin (personal tokens: a few minutes).
        var cached = cache.get(integrationId, settings.tokenRefreshMargin());
        if (cached.isPresent()) {
            return cached.get().token();
        }
        return shared(integrationId, () -> load(integrationId)).token();
    }

    @Override
    public Secret onUnauthorized(UUID integrationId, Secret rejected) {
        cache.invalidate(integrationId);
        CachedToken t = shared(integrationId, () -> loadAfterUnauthorized(integrationId, rejected));
        if (rejected != null && t.token().equals(rejected)) {
            // We joined an ordinary load that read the refused token again; now force.
            t = shared(integrationId, () -> loadAfterUnauthorized(integrationId, rejected));
        }
        return rejected != null && t.token().equals(rejected) ? null : t.token();
    }

    @Override
    public void invalidate(UUID integrationId) {
        cache.invalidate(integrationId);
    }

    /** One load per integration at a time in this JVM; everyone else waits for its result. */
    private CachedToken shared(UUID id, Supplier<CachedToken> work) {
        CompletableFuture<CachedToken> mine = new CompletableFuture<>();
        CompletableFuture<CachedToken> running = inFlight.putIfAbsent(id, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
        try {
            long epoch = cache.epoch();
            CachedToken token = work.get();
            // Not cached if anything was invalidated meanwhile (a disconnect elsewhere): it may be stale.
            cache.put(id, token, token.expiresAt() != null ? token.expiresAt()
                    : clock.instant().plus(PERSONAL_TOKEN_CACHE_TIME).plus(settings.tokenRefreshMargin()), epoch);
            mine.complete(token);
            return token;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private CachedToken load(UUID id) {
        IntegrationRow row = read(id);
        if (row.mode() == ConnectionMode.PERSONAL_TOKEN) {
            return personalToken(row);
        }
        Instant now = clock.instant();
        if (row.accessTokenEnc() != null) {
            CachedToken current = accessToken(row);
            if (current.usable(now, settings.tokenRefreshMargin())) {
                return current;
            }
        }
        return refreshUnderLock(id, null, false);
    }

    private CachedToken loadAfterUnauthorized(UUID id, Secret rejected) {
        IntegrationRow row = read(id);
        if (row.mode() == ConnectionMode.PERSONAL_TOKEN) {
            CachedToken current = personalToken(row);
            if (rejected != null && current.token().equals(rejected)) {
                // A personal token cannot be refreshed: Calendly refusing it means it was revoked.
                String reason = "Calendly rejected the personal access token (401); enter a new one";
                if (markReauthorizationRequired(id, reason)) {
                    throw new ReauthorizationRequiredException(id, reason);
                }
                throw new ReauthorizationRequiredException(id, read(id).tokenFailure());
            }
            return current;
        }
        if (row.accessTokenEnc() != null && rejected != null) {
            CachedToken current = accessToken(row);
            if (!current.token().equals(rejected)) {
                return current; // someone refreshed since the caller got its token
            }
        }
        return refreshUnderLock(id, rejected, true);
    }

    private IntegrationRow read(UUID id) {
        IntegrationRow row = store.find(db.dsl(), id).orElseThrow(() -> new NotConnectedException(id, "no such integration"));
        requireConnected(row);
        return row;
    }

    private void requireConnected(IntegrationRow row) {
        switch (row.status()) {
            case CONNECTED -> {
            }
            case REAUTHORIZATION_REQUIRED -> throw new ReauthorizationRequiredException(row.id(), row.tokenFailure());
            case PENDING -> throw new NotConnectedException(row.id(), "the connection is not complete yet");
            case DISCONNECTED -> throw new NotConnectedException(row.id(), "disconnected");
        }
    }

    /** What the locked transaction decided; acted on after it committed. */
    private record Outcome(CachedToken token, String reauthorizationReason, boolean tellHost, String tenantId,
                           Instant at, RuntimeException failure) {
        static Outcome of(CachedToken token) {
            return new Outcome(token, null, false, null, null, null);
        }

        static Outcome reauthorization(String reason, boolean tellHost, String tenantId, Instant at) {
            return new Outcome(null, reason, tellHost, tenantId, at, null);
        }

        static Outcome failed(RuntimeException e) {
            return new Outcome(null, null, false, null, null, e);
        }
    }

    private CachedToken refreshUnderLock(UUID id, Secret rejected, boolean forced) {
        Outcome outcome;
        try {
            outcome = db.tx(dsl -> decideUnderLock(dsl, id, rejected, forced));
        } catch (DataAccessException e) {
            throw new TokenUnavailableException(id, "the database did not answer in time (another node may be refreshing)",
                    TRANSIENT_FAILURE_BACKOFF, e);
        }
        if (outcome.reauthorizationReason() != null) {
            cache.invalidate(id);
            if (outcome.tellHost()) {
                log.warn("Calendly integration {} of tenant {} needs reauthorization: {}", id, outcome.tenantId(),
                        outcome.reauthorizationReason());
                tell(outcome.tenantId(), id, outcome.reauthorizationReason(), outcome.at());
            }
            throw new ReauthorizationRequiredException(id, outcome.reauthorizationReason());
        }
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.token();
    }

    private Outcome decideUnderLock(DSLContext dsl, UUID id, Secret rejected, boolean forced) {
        dsl.setLocal(DSL.name("lock_timeout"), DSL.inline(LOCK_TIMEOUT)).execute();
        IntegrationRow row = store.lock(dsl, id).orElse(null);
        if (row == null) {
            return Outcome.failed(new NotConnectedException(id, "no such integration"));
        }
        if (row.status() == IntegrationStatus.REAUTHORIZATION_REQUIRED) {
            return Outcome.reauthorization(row.tokenFailure(), false, row.tenantId(), null);
        }
        if (row.status() != IntegrationStatus.CONNECTED) {
            return Outcome.failed(new NotConnectedException(id, row.status().name().toLowerCase()));
        }
        if (row.mode() == ConnectionMode.PERSONAL_TOKEN) {
            return Outcome.of(personalToken(row));
        }
        Instant now = clock.instant();
        CachedToken current = row.accessTokenEnc() == null ? null : accessToken(row);
        // Re-read under the lock: another node may have refreshed while we waited for it.
        if (!forced && current != null && current.usable(now, settings.tokenRefreshMargin())) {
            return Outcome.of(current);
        }
        if (forced && current != null) {
            if (rejected != null && !current.token().equals(rejected)) {
                return Outcome.of(current);
            }
            if (rejected == null && row.tokenRefreshedAt() != null
                    && row.tokenRefreshedAt().isAfter(now.minus(MIN_FORCED_REFRESH_INTERVAL))) {
                return Outcome.of(current); // a blind "refresh please" moments after a refresh: keep this one
            }
        }
        boolean fallback = !forced && current != null && current.valid(now);
        if (row.tokenRetryAt() != null && now.isBefore(row.tokenRetryAt())) {
            return fallback ? Outcome.of(current) : Outcome.failed(new TokenUnavailableException(id,
                    "the last token request failed moments ago: " + row.tokenFailure(),
                    Duration.between(now, row.tokenRetryAt()), null));
        }
        if (row.refreshTokenEnc() == null) {
            String reason = "no refresh token is stored";
            store.markReauthorizationRequired(dsl, id, reason, now);
            return Outcome.reauthorization(reason, true, row.tenantId(), now);
        }
        ClientCredentials client;
        try {
            client = clientOf(row);
        } catch (IllegalStateException e) {
            return Outcome.failed(new TokenUnavailableException(id, e.getMessage(), TRANSIENT_FAILURE_BACKOFF, null));
        }
        Instant windowStart = row.tokenRequestsWindowStart();
        int requests = row.tokenRequestsInWindow();
        if (windowStart == null || !windowStart.isAfter(now.minus(TOKEN_REQUEST_WINDOW))) {
            windowStart = now;
            requests = 0;
        }
        if (requests >= TOKEN_REQUESTS_PER_WINDOW) {
            Duration wait = Duration.between(now, windowStart.plus(TOKEN_REQUEST_WINDOW));
            return fallback ? Outcome.of(current) : Outcome.failed(new TokenUnavailableException(id,
                    "Calendly allows " + TOKEN_REQUESTS_PER_WINDOW + " token requests per minute", wait, null));
        }
        store.recordTokenRequestWindow(dsl, id, windowStart, requests + 1);

        Secret refreshToken = box.open(row.tenantId(), Purpose.REFRESH_TOKEN, id, row.refreshTokenEnc());
        TokenResponse fresh;
        try {
            fresh = oauth.refresh(client, refreshToken);
        } catch (CalendlyApiException e) {
            if (e.isInvalidGrant() || e.isInvalidClient()) {
                metrics.reauthorizationRequired();
                String reason = e.isInvalidGrant()
                        ? "Calendly refused the refresh token (invalid_grant): it was used or revoked"
                        : "Calendly refused the OAuth app credentials (" + e.oauthError() + ")";
                store.markReauthorizationRequired(dsl, id, reason, now);
                return Outcome.reauthorization(reason, true, row.tenantId(), now);
            }
            metrics.failed();
            Duration wait = e.retryAfter() != null && e.retryAfter().compareTo(TRANSIENT_FAILURE_BACKOFF) > 0
                    ? e.retryAfter() : TRANSIENT_FAILURE_BACKOFF;
            String failure = e.status() == 429
                    ? "Calendly is rate-limiting token requests for this account (429); next attempt in " + wait.toSeconds() + " s"
                    : e.getMessage();
            store.recordTransientFailure(dsl, id, failure, now, now.plus(wait));
            log.warn("Refreshing the Calendly token of integration {} failed, will retry in {} s: {}", id,
                    wait.toSeconds(), failure);
            return fallback ? Outcome.of(current) : Outcome.failed(new TokenUnavailableException(id, failure, wait, e));
        }
        metrics.refreshed();
        Secret nextRefresh = fresh.refreshToken() != null ? fresh.refreshToken() : refreshToken;
        store.storeRefreshed(dsl, id,
                box.seal(row.tenantId(), Purpose.ACCESS_TOKEN, id, fresh.accessToken()), fresh.expiresAt(),
                box.seal(row.tenantId(), Purpose.REFRESH_TOKEN, id, nextRefresh), fresh.scope(), now);
        return Outcome.of(new CachedToken(row.tenantId(), fresh.accessToken(), fresh.expiresAt(), now,
                row.tokenVersion() + 1));
    }

    /** Moves a connected integration to REAUTHORIZATION_REQUIRED and tells the host; false if another call already did. */
    boolean markReauthorizationRequired(UUID id, String reason) {
        Instant at = clock.instant();
        String tenant = db.tx(dsl -> {
            IntegrationRow row = store.lock(dsl, id).orElse(null);
            if (row == null || row.status() != IntegrationStatus.CONNECTED) {
                return null;
            }
            store.markReauthorizationRequired(dsl, id, reason, at);
            return row.tenantId();
        });
        cache.invalidate(id);
        if (tenant == null) {
            return false;
        }
        log.warn("Calendly integration {} of tenant {} needs reauthorization: {}", id, tenant, reason);
        tell(tenant, id, reason, at);
        return true;
    }

    private void tell(String tenantId, UUID id, String reason, Instant at) {
        try {
            listener.reauthorizationRequired(tenantId, id, reason, at);
        } catch (RuntimeException e) {
            log.error("The host's reauthorization notification for integration {} failed", id, e);
        }
    }

    ClientCredentials clientOf(IntegrationRow row) {
        if (row.mode() == ConnectionMode.PLATFORM_APP) {
            return settings.platform().orElseThrow(() -> new IllegalStateException(
                    "the platform OAuth app is not configured (platformClientId/platformClientSecret)"));
        }
        if (row.clientId() == null || row.clientSecretEnc() == null) {
            throw new IllegalStateException("the tenant's OAuth app credentials are missing");
        }
        return new ClientCredentials(row.clientId(),
                box.open(row.tenantId(), Purpose.CLIENT_SECRET, row.id(), row.clientSecretEnc()));
    }

    private CachedToken accessToken(IntegrationRow row) {
        Secret token = box.open(row.tenantId(), Purpose.ACCESS_TOKEN, row.id(), row.accessTokenEnc());
        return new CachedToken(row.tenantId(), token, row.accessTokenExpiresAt(), row.tokenRefreshedAt(),
                row.tokenVersion());
    }

    private CachedToken personalToken(IntegrationRow row) {
        if (row.accessTokenEnc() == null) {
            throw new NotConnectedException(row.id(), "no personal access token stored");
        }
        Secret token = box.open(row.tenantId(), Purpose.PERSONAL_ACCESS_TOKEN, row.id(), row.accessTokenEnc());
        return new CachedToken(row.tenantId(), token, null, row.tokenRefreshedAt(), row.tokenVersion());
    }
}
