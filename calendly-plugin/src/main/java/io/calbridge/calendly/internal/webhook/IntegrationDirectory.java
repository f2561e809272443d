package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.SecretBox;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.db.calendly.tables.records.CalendlyIntegrationRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the integration a delivery is for and opens its signing keys. Lookups by the path token's
 * SHA-256 (never the token: neither the database nor this cache holds it in clear) are cached for {@link WebhookSettings#keyCacheTtl()} (positive and negative), so a burst of deliveries
 * costs no database round trip before the insert; whether the integration is still connected is
 * checked again by the insert itself.
 */
final class IntegrationDirectory {
    private static final Logger log = LoggerFactory.getLogger(IntegrationDirectory.class);
    static final String DISCONNECTED = "DISCONNECTED";
    /** A cached entry is reloaded on a signature mismatch, but not more often than this. */
    private static final Duration RELOAD_ON_MISMATCH_AFTER = Duration.ofSeconds(1);

    /** The signing keys of an integration cannot be opened now (master key missing, corrupt row). */
    static final class KeysUnavailable extends RuntimeException {
        KeysUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    record Entry(Optional<WebhookIntegration> integration, Instant loadedAt) {
    }

    private final Db db;
    private final SecretBox secrets;
    private final Clock clock;
    private final LoadingCache<PathTokenHash, Entry> byToken;

    IntegrationDirectory(Db db, SecretBox secrets, Clock clock, Duration ttl) {
        this.db = db;
        this.secrets = secrets;
        this.clock = clock;
        // Entries are refreshed in the background after half their life, so a busy webhook never waits
        // for a lookup; one not used for a whole TTL is loaded again on its next delivery.
        this.byToken = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .refreshAfterWrite(ttl.dividedBy(2))
                .maximumSize(50_000)
                .recordStats()
                .build(this::load);
    }

    /** The live (not disconnected) integration behind a path token. */
    Entry byToken(PathTokenHash token) {
        return byToken.get(token);
    }

    /** Reloads a token's entry unless it was loaded very recently; for a key that may have rotated. */
    Optional<Entry> reloadIfOlderThanASecond(PathTokenHash token, Entry seen) {
        if (seen.loadedAt().plus(RELOAD_ON_MISMATCH_AFTER).isAfter(clock.instant())) {
            return Optional.empty();
        }
        Entry fresh = load(token);
        byToken.put(token, fresh);
        return Optional.of(fresh);
    }

    /** Hits and misses of the path-token lookups (TenantScaleBenchmark prints the hit rate). */
    com.github.benmanes.caffeine.cache.stats.CacheStats stats() {
        return byToken.stats();
    }

    void invalidateAll() {
        byToken.invalidateAll();
    }

    private Entry load(PathTokenHash token) {
        CalendlyIntegrationRecord row = db.dsl().selectFrom(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_SHA256.eq(token.bytes()))
                .fetchOne();
        Optional<WebhookIntegration> integration = row == null || DISCONNECTED.equals(row.getStatus())
                ? Optional.empty()
                : open(row);
        return new Entry(integration, clock.instant());
    }

    private Optional<WebhookIntegration> open(CalendlyIntegrationRecord row) {
        UUID id = row.getId();
        String tenant = row.getTenantId();
        try {
            Secret current = row.getSigningKeyEnc() == null ? null
                    : secrets.open(tenant, Purpose.SIGNING_KEY, id, row.getSigningKeyEnc());
            Secret previous = openPrevious(row);
            OffsetDateTime until = row.getPreviousSigningKeyUntil();
            Secret appKey = row.getAppSigningKeyEnc() == null ? null
                    : secrets.open(tenant, Purpose.APP_SIGNING_KEY, id, row.getAppSigningKeyEnc());
            return Optional.of(new WebhookIntegration(id, tenant, row.getConnectionMode(), row.getStatus(),
                    row.getCalendlyUserUri(), row.getCalendlyOrganizationUri(), current, previous,
                    until == null ? null : until.toInstant(), appKey));
        } catch (SecretUnavailableException e) {
            if (e.reason() == SecretUnavailableException.Reason.TENANT_SHREDDED) {
                return Optional.empty(); // the tenant was forgotten: its webhook no longer exists
            }
            throw new KeysUnavailable("signing key of integration " + id + " cannot be opened: " + e.reason(), e);
        }
    }

    /**
     * The previous key is sealed as PREVIOUS_SIGNING_KEY when rotation re-seals it; a rotation that
     * moved the ciphertext unchanged leaves it sealed as SIGNING_KEY, which is the same secret, so both
     * are accepted for this column. A previous key that opens neither way only ends the grace period early.
     */
    private Secret openPrevious(CalendlyIntegrationRecord row) {
        byte[] sealed = row.getPreviousSigningKeyEnc();
        if (sealed == null || row.getPreviousSigningKeyUntil() == null
                || !clock.instant().isBefore(row.getPreviousSigningKeyUntil().toInstant())) {
            return null;
        }
        try {
            return secrets.open(row.getTenantId(), Purpose.PREVIOUS_SIGNING_KEY, row.getId(), sealed);
        } catch (SecretUnavailableException first) {
            if (first.reason() != SecretUnavailableException.Reason.TAMPERED) {
                throw first;
            }
            try {
                return secrets.open(row.getTenantId(), Purpose.SIGNING_KEY, row.getId(), sealed);
            } catch (SecretUnavailableException second) {
                log.warn("Previous signing key of integration {} does not open ({}); only the current key verifies",
                        row.getId(), second.reason());
                return null;
            }
        }
    }
}
