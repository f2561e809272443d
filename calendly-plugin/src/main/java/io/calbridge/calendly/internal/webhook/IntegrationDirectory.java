package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the integration a delivery is for and opens its signing keys. Lookups by the path token's
 * SHA-256 (never the token: neither the database nor this cache holds it in clear) are cached, so a delivery costs no database round trip before the insert; whether the integration is
 * still connected is checked again by the insert itself.
 *
 * <p>How long an entry is used, by the plugin's clock: a live integration's for {@link #HEARD_TTL}
 * while this node hears the other nodes' cache invalidations ({@code cachesTrusted}), because every
 * change to what is cached here (disconnect, reconnect, new subscription signing key, tenant key
 * rotation, forgotten tenant) is announced by {@code NOTIFY} in the transaction that makes it and
 * evicts just that integration or tenant ({@link #forgetIntegration}, {@link #forgetTenant}); for
 * {@link WebhookSettings#keyCacheTtl()} otherwise, and always for unknown or disconnected tokens.
 * With 10,000 tenants a tenant's deliveries are minutes apart, far beyond the short bound: the long
 * one is what lets them hit. At most {@link #MAX_ENTRIES} entries (about 1 KB each with keys opened).
 */
final class IntegrationDirectory {
    private static final Logger log = LoggerFactory.getLogger(IntegrationDirectory.class);
    static final String DISCONNECTED = "DISCONNECTED";
    /** A cached entry is reloaded on a signature mismatch, but not more often than this. */
    private static final Duration RELOAD_ON_MISMATCH_AFTER = Duration.ofSeconds(1);
    /** A live integration's entry lifetime while invalidations are heard: a backstop, not the bound. */
    static final Duration HEARD_TTL = Duration.ofHours(1);
    static final int MAX_ENTRIES = 50_000;

    /** The signing keys of an integration cannot be opened now (master key missing, corrupt row). */
    static final class KeysUnavailable extends RuntimeException {
        KeysUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param integrationId the row's id, also for a disconnected one (so its eviction finds it); null
     *                      for a token no row has
     * @param tenantId      likewise
     * @param heard         invalidations were heard throughout the load and none arrived meanwhile, so
     *                      no change can have slipped between the read and the caching
     */
    record Entry(Optional<WebhookIntegration> integration, Instant loadedAt, UUID integrationId, String tenantId,
                 boolean heard) {
    }

    private final Db db;
    private final SecretBox secrets;
    private final Clock clock;
    private final Duration unheardTtl;
    private final BooleanSupplier cachesTrusted;
    private final LoadingCache<PathTokenHash, Entry> byToken;
    /** Entries found in the cache but past their lifetime: loaded again, and counted as misses. */
    private final LongAdder expiredHits = new LongAdder();
    /** Counts evictions, so a load that raced one is kept only for the short lifetime. */
    private final AtomicLong evictions = new AtomicLong();

    IntegrationDirectory(Db db, SecretBox secrets, Clock clock, Duration unheardTtl, BooleanSupplier cachesTrusted) {
        this.db = db;
        this.secrets = secrets;
        this.clock = clock;
        this.unheardTtl = unheardTtl;
        this.cachesTrusted = cachesTrusted;
        // Caffeine's own expiry only frees memory; which entry is still good is decided by the clock in byToken.
        this.byToken = Caffeine.newBuilder()
                .expireAfterAccess(HEARD_TTL)
                .maximumSize(MAX_ENTRIES)
                .recordStats()
                .build(this::load);
    }

    /** The live (not disconnected) integration behind a path token. */
    Entry byToken(PathTokenHash token) {
        Entry entry = byToken.get(token);
        if (usableUntil(entry).isAfter(clock.instant())) {
            return entry;
        }
        expiredHits.increment();
        Entry fresh = load(token);
        byToken.put(token, fresh);
        return fresh;
    }

    private Instant usableUntil(Entry entry) {
        boolean heard = entry.heard() && entry.integration().isPresent() && cachesTrusted.getAsBoolean();
        return entry.loadedAt().plus(heard ? HEARD_TTL : unheardTtl);
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

    /** Lookups answered from memory and lookups that read the database (TenantScaleBenchmark prints them). */
    Lookups lookups() {
        CacheStats stats = byToken.stats();
        long expired = expiredHits.sum();
        return new Lookups(stats.hitCount() - expired, stats.missCount() + expired);
    }

    record Lookups(long hits, long misses) {
        double hitRate() {
            return hits + misses == 0 ? 1.0 : (double) hits / (hits + misses);
        }
    }

    /** The integration changed (disconnect, reconnect, new signing key): its entries are read again. */
    void forgetIntegration(UUID integrationId) {
        evictions.incrementAndGet();
        byToken.asMap().values().removeIf(e -> integrationId.equals(e.integrationId()));
    }

    /** The tenant changed (rotated or forgotten data key): its integrations' entries are read again. */
    void forgetTenant(String tenantId) {
        evictions.incrementAndGet();
        byToken.asMap().values().removeIf(e -> tenantId.equals(e.tenantId()));
    }

    void invalidateAll() {
        evictions.incrementAndGet();
        byToken.invalidateAll();
    }

    private Entry load(PathTokenHash token) {
        long evictionsBefore = evictions.get();
        boolean trustedBefore = cachesTrusted.getAsBoolean();
        CalendlyIntegrationRecord row = db.dsl().selectFrom(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN_SHA256.eq(token.bytes()))
                .fetchOne();
        if (row == null) {
            return new Entry(Optional.empty(), clock.instant(), null, null, false);
        }
        Optional<WebhookIntegration> integration = DISCONNECTED.equals(row.getStatus()) ? Optional.empty() : open(row);
        boolean heard = trustedBefore && cachesTrusted.getAsBoolean() && evictions.get() == evictionsBefore;
        return new Entry(integration, clock.instant(), row.getId(), row.getTenantId(), heard);
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
