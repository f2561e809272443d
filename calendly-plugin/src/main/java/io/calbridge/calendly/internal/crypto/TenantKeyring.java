package io.calbridge.calendly.internal.crypto;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.DataKeyStore.StoredDataKey;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException.Reason;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.calbridge.calendly.internal.cluster.Invalidations;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant envelope encryption of every stored secret: the front door of the crypto feature.
 *
 * <p>Each tenant has its own data key (DEK), a Tink AES-256-GCM keyset created on first use and stored
 * only wrapped by the master key (KEK) in {@code calendly_tenant_key}, beside the id of that KEK.
 * Features call {@link #seal} before writing a {@code *_enc} column and {@link #open} after reading one;
 * nothing else in the plugin knows that keys exist.
 *
 * <h2>Stored ciphertext (a {@code *_enc} column), format version 1</h2>
 * <pre>
 * offset  bytes  field
 * 0       1      format version, 0x01
 * 1       4      DEK generation that sealed it (big-endian int32); tells a node its cached DEK is stale
 * 5       5      Tink output prefix: 0x01 and the 4-byte id of the keyset entry that sealed it
 * 10      12     AES-GCM IV (random)
 * 22      n      AES-GCM ciphertext of the secret's UTF-8 bytes
 * 22+n    16     AES-GCM tag
 * </pre>
 * 38 bytes of overhead per secret.
 *
 * <h2>Associated data (authenticated, not stored)</h2>
 * <pre>
 * "calbridge/secret"       16 ASCII bytes
 * header                   bytes 0..4 of the ciphertext (version and generation cannot be altered)
 * int32 + UTF-8 bytes      tenant id
 * int32 + ASCII bytes      {@link Purpose#name()} (never rename a constant: old rows would stop opening)
 * 16 bytes                 owning row id (UUID, most then least significant bits, big-endian)
 * </pre>
 * A ciphertext copied to another tenant, another row or another column therefore fails to open with
 * {@link Reason#TAMPERED}; it never yields another secret or garbage.
 *
 * <h2>Wrapped data key ({@code calendly_tenant_key.wrapped_keyset})</h2>
 * Tink's encrypted-keyset protobuf ({@link TinkProtoKeysetFormat#serializeEncryptedKeyset}), encrypted
 * by the KEK with associated data {@code "calbridge/dek/v1" + UTF-8 tenant id}, so a wrapped keyset
 * moved to another tenant's row does not open either. {@code dek_generation} is the generation of the
 * keyset's primary key; a tenant-key rotation adds a key, makes it primary and keeps the older ones,
 * so ciphertexts of any generation open.
 *
 * <h2>Caches</h2>
 * Unwrapped DEKs (with their Tink AEAD, built once per load; Tink primitives are thread-safe) are
 * cached per node, at most {@link Options#dataKeyCacheSize()} of them (least recently used go first),
 * each until {@link Options#dataKeyIdle()} has passed since its last use: a tenant that receives
 * deliveries keeps its key, so the master key (possibly a remote KMS) is used once per active tenant,
 * not per secret nor every few minutes. A shredded or rotated key leaves every node's cache when the
 * change commits (its {@code NOTIFY}, see {@link Invalidations}), not by expiry. Decrypted
 * access tokens live in {@link #accessTokens()}. Both record statistics; neither is ever logged.
 * Neither is read while {@code cachesTrusted} (given at creation) says this node may have missed
 * another node's change: then every use goes to the database.
 *
 * <p>Thread-safe. {@code seal} and {@code open} read or create the tenant's key row through their own
 * connection (autocommit) when it is not cached, so the pool must have a connection to spare besides
 * the one a caller's transaction holds. A key created for a transaction that then rolls back stays;
 * it is harmless.
 */
public final class TenantKeyring implements SecretBox {
    private static final Logger log = LoggerFactory.getLogger(TenantKeyring.class);
    private static final byte[] PROBE = "calbridge master key probe".getBytes(StandardCharsets.US_ASCII);

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Tuning of the keyring.
     *
     * @param dataKeyCacheSize    most unwrapped tenant DEKs kept per node (about 1 KB each with its
     *                            AEAD); beyond it the least recently used goes
     * @param dataKeyIdle         how long a node keeps an unwrapped DEK after its last use (measured on
     *                            the keyring's clock). Not a bound on how long a shredded key stays
     *                            usable: shredding and rotation evict it on every node when they commit,
     *                            and a node that may have missed that reads no cache at all
     * @param accessTokenCacheSize most decrypted access tokens kept per node
     * @param rotationBatchSize   data keys re-wrapped per transaction during a master-key rotation
     */
    public record Options(int dataKeyCacheSize, Duration dataKeyIdle, int accessTokenCacheSize, int rotationBatchSize) {
        public static final Options DEFAULTS = new Options(10_000, Duration.ofMinutes(5), 10_000, 50);

        public Options {
            if (dataKeyCacheSize < 0) {
                throw new IllegalArgumentException("dataKeyCacheSize cannot be negative: " + dataKeyCacheSize);
            }
            if (dataKeyIdle == null || dataKeyIdle.isNegative() || dataKeyIdle.isZero()) {
                throw new IllegalArgumentException("dataKeyIdle must be positive: " + dataKeyIdle);
            }
            if (accessTokenCacheSize < 0) {
                throw new IllegalArgumentException("accessTokenCacheSize cannot be negative: " + accessTokenCacheSize);
            }
            if (rotationBatchSize < 1) {
                throw new IllegalArgumentException("rotationBatchSize must be at least 1: " + rotationBatchSize);
            }
        }
    }

    private final Db db;
    private final MasterKeyRing masterKeys;
    private final Clock clock;
    private final Options options;
    private final DataKeyStore store = new DataKeyStore();
    private final Cache<String, DataKey> dataKeys;
    private final Cache<String, byte[]> indexKeys;
    private final AccessTokenCache accessTokens;
    private final KeyRotation rotation;
    private final BooleanSupplier cachesTrusted;
    private final Invalidations invalidations;

    private TenantKeyring(Db db, MasterKeyRing masterKeys, Clock clock, Options options, BooleanSupplier cachesTrusted,
                          Invalidations invalidations) {
        this.db = Objects.requireNonNull(db, "db");
        this.invalidations = Objects.requireNonNull(invalidations, "invalidations");
        this.masterKeys = masterKeys;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.cachesTrusted = Objects.requireNonNull(cachesTrusted, "cachesTrusted");
        // Idle expiry, not after loading: with thousands of tenants a fixed life made most deliveries
        // of a busy tenant reload and unwrap its key every few minutes.
        this.dataKeys = Caffeine.newBuilder()
                .maximumSize(options.dataKeyCacheSize())
                .expireAfterAccess(options.dataKeyIdle())
                .ticker(ticker(clock))
                .recordStats()
                .build();
        this.indexKeys = Caffeine.newBuilder()
                .maximumSize(options.dataKeyCacheSize())
                .expireAfterAccess(options.dataKeyIdle())
                .ticker(ticker(clock))
                .build();
        this.accessTokens = new AccessTokenCache(options.accessTokenCacheSize(), clock, cachesTrusted);
        this.rotation = new KeyRotation(this);
    }

    /**
     * Builds the keyring and checks the master keys against the database: the primary must encrypt
     * and decrypt, every master key that wrapped a stored data key must be configured, and must really
     * open one of them.
     *
     * @param previous master keys that may still have wrapped some data keys (during a rotation)
     * @param metrics  where to publish cache statistics, or null
     * @throws IllegalStateException with what to configure when a master key is missing or wrong
     */
    public static TenantKeyring create(Db db, MasterKey masterKey, Collection<MasterKey> previous, Clock clock,
                                       MeterRegistry metrics) {
        return create(db, masterKey, previous, clock, metrics, Options.DEFAULTS);
    }

    public static TenantKeyring create(Db db, MasterKey masterKey, Collection<MasterKey> previous, Clock clock,
                                       MeterRegistry metrics, Options options) {
        return create(db, masterKey, previous, clock, metrics, options, () -> true);
    }

    /**
     * As above, for a node among several: its caches are read only while {@code cachesTrusted} is true
     * (it hears other nodes' invalidations, see {@code CacheInvalidation}).
     */
    public static TenantKeyring create(Db db, MasterKey masterKey, Collection<MasterKey> previous, Clock clock,
                                       MeterRegistry metrics, Options options, BooleanSupplier cachesTrusted) {
        return create(db, masterKey, previous, clock, metrics, options, cachesTrusted, Invalidations.NONE);
    }

    /**
     * As above; a tenant's data-key rotation also tells every node, through {@code invalidations}, to
     * drop its cached keyset when the rotation commits (so no node keeps sealing under the old key).
     */
    public static TenantKeyring create(Db db, MasterKey masterKey, Collection<MasterKey> previous, Clock clock,
                                       MeterRegistry metrics, Options options, BooleanSupplier cachesTrusted,
                                       Invalidations invalidations) {
        Objects.requireNonNull(masterKey, "masterKey");
        var keyring = new TenantKeyring(db, new MasterKeyRing(masterKey, previous == null ? List.of() : previous), clock,
                options, cachesTrusted, invalidations);
        keyring.verifyMasterKeys();
        if (metrics != null) {
            CaffeineCacheMetrics.monitor(metrics, keyring.dataKeys, "calbridge.crypto.data_keys");
            keyring.accessTokens.bindTo(metrics, "calbridge.crypto.access_tokens");
        }
        return keyring;
    }

    @Override
    public byte[] seal(String tenantId, Purpose purpose, UUID rowId, Secret plaintext) {
        requireTenant(tenantId);
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(rowId, "rowId");
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] bytes = plaintext.revealUtf8();
        try {
            return encrypt(tenantId, bytes, header -> CiphertextFormat.secretAad(header, tenantId, purpose, rowId),
                    "a " + purpose + " secret");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public Secret open(String tenantId, Purpose purpose, UUID rowId, byte[] ciphertext) {
        requireTenant(tenantId);
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(rowId, "rowId");
        if (!CiphertextFormat.wellFormed(ciphertext)) {
            throw tampered(tenantId, purpose, rowId, "it is not a sealed secret (too short or unknown format version)");
        }
        byte[] bytes = decrypt(tenantId, ciphertext, CiphertextFormat.secretAad(ciphertext, tenantId, purpose, rowId));
        if (bytes == null) {
            throw tampered(tenantId, purpose, rowId, "it was altered, or sealed for another tenant, row or column");
        }
        try {
            return Secret.ofUtf8(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Seals a piece of an invitee's personal data (a webhook body, a name, an e-mail, an effect result)
     * with the tenant's data key. Same format and key as {@link #seal}, but its own associated data
     * ({@link CiphertextFormat#personalAad}): bound to tenant, field ({@code table.column}) and the row's
     * natural key, so a value moved to another tenant, column or row does not open. Shredding the
     * tenant makes it unreadable like every secret.
     */
    public byte[] sealPersonal(String tenantId, String field, String rowKey, byte[] plaintext) {
        requireTenant(tenantId);
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rowKey, "rowKey");
        Objects.requireNonNull(plaintext, "plaintext");
        return encrypt(tenantId, plaintext, header -> CiphertextFormat.personalAad(header, tenantId, field, rowKey), field);
    }

    /**
     * Opens what {@link #sealPersonal} sealed for exactly the same tenant, field and row key.
     *
     * @throws SecretUnavailableException TAMPERED (altered or moved), TENANT_SHREDDED (the tenant was
     *         forgotten: its invitees' data can never be read again) or MASTER_KEY_UNAVAILABLE
     */
    public byte[] openPersonal(String tenantId, String field, String rowKey, byte[] sealed) {
        requireTenant(tenantId);
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rowKey, "rowKey");
        if (!CiphertextFormat.wellFormed(sealed)) {
            throw new SecretUnavailableException(Reason.TAMPERED, "The " + field + " of row " + rowKey + " of tenant "
                    + tenantId + " does not open: it is not sealed data (too short or unknown format version)", null);
        }
        byte[] plaintext = decrypt(tenantId, sealed, CiphertextFormat.personalAad(sealed, tenantId, field, rowKey));
        if (plaintext == null) {
            throw new SecretUnavailableException(Reason.TAMPERED, "The " + field + " of row " + rowKey + " of tenant "
                    + tenantId + " does not open: it was altered, or sealed for another tenant, row or column", null);
        }
        return plaintext;
    }

    /** With the tenant's current data key; {@code aad} of the header binds the ciphertext to where it is stored. */
    private byte[] encrypt(String tenantId, byte[] plaintext, Function<byte[], byte[]> aad, String what) {
        DataKey key = dataKey(tenantId, 0, true);
        byte[] header = CiphertextFormat.header(key.generation());
        try {
            return CiphertextFormat.join(header, key.aead().encrypt(plaintext, aad.apply(header)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink failed to encrypt " + what + " of tenant " + tenantId, e);
        }
    }

    /** With the data key of the generation {@code sealed} names; null when it does not open (altered or moved). */
    private byte[] decrypt(String tenantId, byte[] sealed, byte[] aad) {
        DataKey key = dataKey(tenantId, CiphertextFormat.generation(sealed), false);
        try {
            return key.aead().decrypt(CiphertextFormat.tinkPart(sealed), aad);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /**
     * The tenant's blind-index key: 32 random bytes, created with the first index, stored sealed by the
     * tenant's data key in {@code calendly_tenant_key.index_key_enc}. Lets the plugin find a person's
     * rows by e-mail (an HMAC of it) without storing the e-mail in clear; useless once the tenant is
     * shredded. Cached per node like the data key.
     */
    public byte[] indexKey(String tenantId) {
        requireTenant(tenantId);
        if (!cachesTrusted.getAsBoolean()) {
            return loadIndexKey(tenantId);
        }
        return indexKeys.get(tenantId, this::loadIndexKey).clone();
    }

    private byte[] loadIndexKey(String tenantId) {
        String field = "calendly_tenant_key.index_key_enc";
        byte[] sealed = store.indexKey(db.dsl(), tenantId).orElse(null);
        if (sealed == null) {
            byte[] fresh = new byte[32];
            new java.security.SecureRandom().nextBytes(fresh);
            // Two nodes may get here at once: the first update wins, both read the winner's key.
            store.storeIndexKeyIfAbsent(db.dsl(), tenantId, sealPersonal(tenantId, field, tenantId, fresh));
            Arrays.fill(fresh, (byte) 0);
            sealed = store.indexKey(db.dsl(), tenantId).orElseThrow(() -> new IllegalStateException(
                    "The index key of tenant " + tenantId + " could not be stored"));
        }
        return openPersonal(tenantId, field, tenantId, sealed);
    }

    /** Decrypted access tokens by integration id; see {@link AccessTokenCache}. */
    public AccessTokenCache accessTokens() {
        return accessTokens;
    }

    /** Master-key and tenant-key rotation. */
    public KeyRotation rotation() {
        return rotation;
    }

    /**
     * Crypto-shreds a tenant: destroys its data key (the row keeps only the date), erases every
     * ciphertext sealed for it ({@link TenantSecrets}: the integrations' secret columns, OAuth states),
     * and empties this node's caches of it. Every secret ever sealed for the tenant becomes
     * undecryptable, with or without the master key; {@link #open} then throws
     * {@link Reason#TENANT_SHREDDED} and {@link #seal} refuses too. Idempotent. Backups taken earlier
     * still hold the wrapped key: they stay readable as long as the master key that wrapped it exists
     * (see docs/crypto.md).
     *
     * @param alsoInTransaction runs in the same transaction, before it commits: the caller's own
     *                          bookkeeping (statuses) and the notification that makes other nodes drop
     *                          their copies of the key at once
     */
    public void forgetTenant(String tenantId, Consumer<DSLContext> alsoInTransaction) {
        requireTenant(tenantId);
        Objects.requireNonNull(alsoInTransaction, "alsoInTransaction");
        evict(tenantId);
        db.txRun(dsl -> {
            store.shred(dsl, tenantId, masterKeys.primary().id(), now());
            TenantSecrets.eraseAll(dsl, tenantId);
            alsoInTransaction.accept(dsl);
        });
        evict(tenantId); // again: a read on another thread may have cached the key in between
        log.info("Data key of tenant {} destroyed: its stored secrets and every invitee's personal data the plugin kept"
                + " for it (webhook bodies, bookings, effect results) can no longer be decrypted", tenantId);
    }

    /** {@link #forgetTenant(String, Consumer)} with nothing else in the transaction. */
    public void forgetTenant(String tenantId) {
        forgetTenant(tenantId, dsl -> { });
    }

    /**
     * Whether this node hears every other node's cache invalidations now, so caches of what they
     * announce may be read (the webhook receive path's integration lookup asks too).
     */
    public boolean cachesTrusted() {
        return cachesTrusted.getAsBoolean();
    }

    /** Drops every cached data key and access token of this node (another node changed something). */
    public void evictAll() {
        dataKeys.invalidateAll();
        indexKeys.invalidateAll();
        accessTokens.invalidateAll();
    }

    /** Drops this node's cached data key and access tokens of one tenant. */
    public void evictTenant(String tenantId) {
        evict(tenantId);
    }

    /** Unwrapped-DEK cache statistics of this node; a point-in-time snapshot. */
    public CacheStats dataKeyCacheStats() {
        return dataKeys.stats();
    }

    /** The id of the master key that wraps new and re-wrapped data keys on this node. */
    public String primaryMasterKeyId() {
        return masterKeys.primary().id();
    }

    // ---- package-private: used by KeyRotation ----

    Db db() {
        return db;
    }

    DataKeyStore store() {
        return store;
    }

    /** How a change of a tenant's keys reaches the other nodes' caches. */
    Invalidations invalidations() {
        return invalidations;
    }

    MasterKeyRing masterKeys() {
        return masterKeys;
    }

    Options options() {
        return options;
    }

    OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    Clock clock() {
        return clock;
    }

    /** Drops what this node caches about a tenant: its DEK and its access tokens. */
    void evict(String tenantId) {
        dataKeys.invalidate(tenantId);
        indexKeys.invalidate(tenantId);
        accessTokens.invalidateTenant(tenantId);
    }

    void evictDataKey(String tenantId) {
        dataKeys.invalidate(tenantId);
    }

    KeysetHandle unwrapKeyset(StoredDataKey row) {
        if (row.shredded()) {
            throw shredded(row);
        }
        MasterKey kek = masterKeys.forId(row.kekId()).orElseThrow(() -> new SecretUnavailableException(
                Reason.MASTER_KEY_UNAVAILABLE,
                "The data key of tenant " + row.tenantId() + " is wrapped by master key '" + row.kekId()
                        + "', which is not configured on this node (known: " + masterKeys.ids()
                        + "). Add it to previousMasterKeys until the master-key rotation is done.", null));
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(row.wrappedKeyset(), kek.aead(),
                    CiphertextFormat.dataKeyAad(row.tenantId()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SecretUnavailableException(Reason.TAMPERED, "The stored data key of tenant " + row.tenantId()
                    + " does not open with master key '" + row.kekId()
                    + "': it was altered or moved from another tenant, or that master key is not the one that wrapped it", e);
        }
    }

    byte[] wrapKeyset(KeysetHandle keyset, MasterKey kek, String tenantId) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, kek.aead(), CiphertextFormat.dataKeyAad(tenantId));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SecretUnavailableException(Reason.MASTER_KEY_UNAVAILABLE,
                    "Master key '" + kek.id() + "' failed to wrap the data key of tenant " + tenantId, e);
        }
    }

    static Aead aeadOf(KeysetHandle keyset) {
        try {
            return keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A stored data keyset is not an AEAD keyset", e);
        }
    }

    // ---- internals ----

    /** The tenant's DEK, at least of {@code minGeneration}; created when missing if {@code create}. */
    private DataKey dataKey(String tenantId, int minGeneration, boolean create) {
        if (!cachesTrusted.getAsBoolean()) {
            return load(tenantId, create); // another node may have shredded or rotated it: ask the database
        }
        DataKey key = dataKeys.get(tenantId, t -> load(t, create));
        if (key.generation() < minGeneration) {
            // Sealed after another node rotated this tenant's key: our cached keyset lacks the new key.
            dataKeys.invalidate(tenantId);
            key = dataKeys.get(tenantId, t -> load(t, create));
        }
        return key;
    }

    private DataKey load(String tenantId, boolean create) {
        Optional<StoredDataKey> row = store.find(db.dsl(), tenantId);
        if (row.isEmpty()) {
            if (!create) {
                throw new SecretUnavailableException(Reason.TAMPERED, "Tenant " + tenantId
                        + " has no data key, so this ciphertext was not sealed for it", null);
            }
            MasterKey kek = masterKeys.primary();
            KeysetHandle fresh;
            try {
                fresh = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Tink cannot generate an AES256_GCM keyset", e);
            }
            // Two nodes may get here at once: both insert, one wins, both use the winner's key.
            if (store.insertIfAbsent(db.dsl(), tenantId, wrapKeyset(fresh, kek, tenantId), kek.id(), now())) {
                log.info("Created the data key of tenant {} (wrapped by master key {})", tenantId, kek.id());
            }
            row = store.find(db.dsl(), tenantId);
        }
        StoredDataKey stored = row.orElseThrow(() -> new IllegalStateException("The data key of tenant " + tenantId
                + " vanished right after it was created"));
        return new DataKey(aeadOf(unwrapKeyset(stored)), stored.generation());
    }

    private void verifyMasterKeys() {
        MasterKey primary = masterKeys.primary();
        try {
            byte[] sealed = primary.aead().encrypt(PROBE, PROBE);
            if (!Arrays.equals(PROBE, primary.aead().decrypt(sealed, PROBE))) {
                throw new GeneralSecurityException("decrypt returned something else");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("The master key " + primary + " does not work (encrypt then decrypt failed: "
                    + e.getMessage() + "). Check masterKey: CALBRIDGE_MASTER_KEY / CALBRIDGE_MASTER_KEY_FILE, or the KMS key URI and credentials.", e);
        }
        List<String> unknown = new ArrayList<>();
        for (String kekId : store.activeKekIds(db.dsl())) {
            if (masterKeys.forId(kekId).isEmpty()) {
                unknown.add(kekId);
                continue;
            }
            store.anyWrappedBy(db.dsl(), kekId).ifPresent(row -> {
                try {
                    unwrapKeyset(row);
                } catch (SecretUnavailableException e) {
                    throw new IllegalStateException("The configured master key with id '" + kekId
                            + "' does not open the data key it is recorded to have wrapped (tenant " + row.tenantId()
                            + "): it is not the same key material. Set masterKey (CALBRIDGE_MASTER_KEY / CALBRIDGE_MASTER_KEY_FILE / KMS key URI) to the key that was used before.", e);
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("The database holds tenant data keys wrapped by master key(s) " + unknown
                    + ", which are not configured (configured: " + masterKeys.ids() + "). Set masterKey "
                    + "(CALBRIDGE_MASTER_KEY / CALBRIDGE_MASTER_KEY_FILE / MasterKeys.fromKms) to that key, or add it to "
                    + "previousMasterKeys while a master-key rotation finishes.");
        }
    }

    /** Caffeine's time on {@code clock}, so expiry follows the clock the keyring is given (tests move it). */
    static com.github.benmanes.caffeine.cache.Ticker ticker(Clock clock) {
        return () -> {
            java.time.Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    private static void requireTenant(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId is required");
        }
    }

    static SecretUnavailableException shredded(StoredDataKey row) {
        String when = row.shreddedAt() == null ? "an unknown date"
                : row.shreddedAt().toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
        return new SecretUnavailableException(Reason.TENANT_SHREDDED,
                "The secrets of tenant " + row.tenantId() + " were destroyed on " + when
                        + " (its data key was shredded); they can never be decrypted again", null);
    }

    private static SecretUnavailableException tampered(String tenantId, Purpose purpose, UUID rowId, String why) {
        return new SecretUnavailableException(Reason.TAMPERED,
                "The " + purpose + " secret of row " + rowId + " of tenant " + tenantId + " does not open: " + why, null);
    }
}
