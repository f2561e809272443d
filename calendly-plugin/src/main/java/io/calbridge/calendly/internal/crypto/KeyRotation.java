package io.calbridge.calendly.internal.crypto;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.RotationProgress;
import io.calbridge.calendly.internal.crypto.DataKeyStore.StoredDataKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online key rotation: re-wrapping every tenant's data key under a new master key, and re-keying one
 * tenant's data key.
 *
 * <h2>Master key</h2>
 * {@link #rotateMasterKey} makes the new key this node's primary at once (new data keys are wrapped by
 * it) while the old one stays known for unwrapping, then re-wraps, in transactions of
 * {@link TenantKeyring.Options#rotationBatchSize()} rows taken with {@code FOR UPDATE SKIP LOCKED}, every
 * active data key whose {@code kek_id} is not the new key's. Reads go on throughout: a data key is
 * readable under either master key, and each row switches atomically. The rows are the truth: after a
 * crash, calling it again with the same key (on any node) or {@link #resume()} finishes the job, and
 * several nodes may work on one rotation at once. Progress is in {@code calendly_kek_rotation}
 * ({@link #progress()}).
 *
 * <p>Every node that serves requests must know the new key before the rotation starts (as its
 * {@code masterKey}, the old key in {@code previousMasterKeys}), or it cannot open re-wrapped data
 * keys. The old master key may be retired once the rotation is {@code DONE}.
 *
 * <h2>Tenant key</h2>
 * {@link #rotateTenantKey} adds a fresh AES-256-GCM key to the tenant's keyset as primary (older keys
 * stay, so every existing ciphertext keeps opening during and after), bumps {@code dek_generation},
 * and re-seals all of the tenant's stored secrets under the new key, one row per transaction.
 */
public final class KeyRotation {
    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);
    private static final Duration WAIT_FOR_LOCKED_ROWS = Duration.ofSeconds(30);

    private final TenantKeyring keyring;
    private final DataKeyStore keys;
    private final RotationStore rotations = new RotationStore();
    private final TenantSecrets secrets;

    KeyRotation(TenantKeyring keyring) {
        this.keyring = keyring;
        this.keys = keyring.store();
        this.secrets = new TenantSecrets(keyring);
    }

    /**
     * Re-wraps every tenant data key under {@code next}, blocking until done; see the class comment.
     * Safe to call again after a crash or from several nodes at once; a rotation to another key that
     * is still running is marked FAILED (superseded) and its remaining rows are taken over.
     *
     * @return the final progress: DONE, or RUNNING if the thread was interrupted or rows stayed locked
     *         by others for longer than 30 seconds (call again to continue)
     * @throws IllegalArgumentException when {@code next} does not encrypt and decrypt
     * @throws IllegalStateException    when a data key cannot be unwrapped (its master key is not
     *                                  configured, or the row was altered); the rotation is then FAILED
     */
    public RotationProgress rotateMasterKey(MasterKey next) {
        return rotateMasterKey(next, Integer.MAX_VALUE);
    }

    /** As {@link #rotateMasterKey(MasterKey)}, but stops after {@code maxBatches} batches (tests model a crash). */
    RotationProgress rotateMasterKey(MasterKey next, int maxBatches) {
        Objects.requireNonNull(next, "next");
        probe(next);
        String from = keyring.masterKeys().primary().id();
        keyring.masterKeys().addAndMakePrimary(next);
        UUID id = startOrJoin(from, next.id());
        log.info("Master-key rotation {} to {} running", id, next.id());
        return run(id, next, maxBatches);
    }

    /**
     * Finishes a rotation left RUNNING by a crash, when its target is this node's master key.
     *
     * @return the rotation's progress after resuming, or empty when none was running for this key
     */
    public Optional<RotationProgress> resume() {
        MasterKey primary = keyring.masterKeys().primary();
        Optional<RotationProgress> running = rotations.running(keyring.db().dsl());
        if (running.isEmpty()) {
            return Optional.empty();
        }
        if (!running.get().toKekId().equals(primary.id())) {
            log.warn("Master-key rotation {} to {} is unfinished, but this node's master key is {}: not resuming it",
                    running.get().id(), running.get().toKekId(), primary.id());
            return Optional.empty();
        }
        log.info("Resuming master-key rotation {} to {}", running.get().id(), primary.id());
        return Optional.of(run(running.get().id(), primary, Integer.MAX_VALUE));
    }

    /** The latest master-key rotation (running or finished), as every node sees it. */
    public Optional<RotationProgress> progress() {
        return rotations.latest(keyring.db().dsl());
    }

    /**
     * Gives the tenant a new data key and re-seals its stored secrets with it; see the class comment.
     * Tokens of the tenant cached on this node are dropped.
     *
     * @throws SecretUnavailableException TENANT_SHREDDED when the tenant was forgotten
     */
    public TenantKeyRotation rotateTenantKey(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId is required");
        }
        int generation = keyring.db().tx(dsl -> {
            Optional<StoredDataKey> row = keys.lock(dsl, tenantId);
            if (row.isEmpty()) {
                return 0;
            }
            if (row.get().shredded()) {
                throw TenantKeyring.shredded(row.get());
            }
            KeysetHandle rotated;
            try {
                rotated = KeysetHandle.newBuilder(keyring.unwrapKeyset(row.get()))
                        .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                                .withRandomId().makePrimary())
                        .build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Tink cannot add a key to the data keyset of tenant " + tenantId, e);
            }
            MasterKey kek = keyring.masterKeys().primary();
            int next = row.get().generation() + 1;
            keys.storeRotated(dsl, tenantId, keyring.wrapKeyset(rotated, kek, tenantId), kek.id(), next, keyring.now());
            // Every node drops its copy of the old keyset on commit: none keeps sealing under the old key.
            keyring.invalidations().tenantChanged(dsl, tenantId);
            return next;
        });
        if (generation == 0) {
            log.info("Tenant {} has no data key yet: nothing to rotate", tenantId);
            return new TenantKeyRotation(tenantId, 0, 0, 0);
        }
        keyring.evict(tenantId);
        TenantKeyRotation result = secrets.resealAll(tenantId, generation);
        log.info("Rotated the data key of tenant {} to generation {}: {} secrets re-sealed, {} unreadable left as they were",
                tenantId, generation, result.resealed(), result.unreadable());
        return result;
    }

    // ---- master-key rotation internals ----

    private void probe(MasterKey next) {
        byte[] probe = ("calbridge rotation probe " + next.id()).getBytes(StandardCharsets.UTF_8);
        try {
            if (!Arrays.equals(probe, next.aead().decrypt(next.aead().encrypt(probe, probe), probe))) {
                throw new GeneralSecurityException("decrypt returned something else");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("The new master key " + next + " does not work (encrypt then decrypt failed: "
                    + e.getMessage() + "); nothing was rotated", e);
        }
    }

    private UUID startOrJoin(String from, String to) {
        return keyring.db().tx(dsl -> {
            Optional<RotationProgress> running = rotations.lockRunning(dsl);
            if (running.isPresent()) {
                if (running.get().toKekId().equals(to)) {
                    return running.get().id();
                }
                rotations.fail(dsl, running.get().id(), "superseded by a rotation to master key " + to, keyring.now());
            }
            UUID id = UUID.randomUUID();
            if (rotations.insertRunning(dsl, id, from, to, keys.countNotWrappedBy(dsl, to), keyring.now())) {
                return id;
            }
            // Another node started one between our read and our insert: join it if it has our target.
            RotationProgress other = rotations.running(dsl).orElseThrow(() ->
                    new IllegalStateException("A master-key rotation started and ended concurrently; try again"));
            if (!other.toKekId().equals(to)) {
                throw new IllegalStateException("Another node just started a master-key rotation to " + other.toKekId()
                        + "; wait for it to finish before rotating to " + to);
            }
            return other.id();
        });
    }

    private RotationProgress run(UUID id, MasterKey next, int maxBatches) {
        long waitUntil = 0;
        for (int batches = 0; batches < maxBatches && !Thread.currentThread().isInterrupted(); ) {
            List<String> rewrapped;
            try {
                rewrapped = keyring.db().tx(dsl -> {
                    List<StoredDataKey> rows = keys.lockBatchNotWrappedBy(dsl, next.id(), keyring.options().rotationBatchSize());
                    for (StoredDataKey row : rows) {
                        KeysetHandle keyset = keyring.unwrapKeyset(row);
                        keys.storeRewrapped(dsl, row.tenantId(), keyring.wrapKeyset(keyset, next, row.tenantId()), next.id(), keyring.now());
                    }
                    if (!rows.isEmpty() && !rotations.addRewrapped(dsl, id, rows.size(), keyring.now())) {
                        throw new Superseded(); // rolls this batch back; the newer rotation takes the rows
                    }
                    return rows.stream().map(StoredDataKey::tenantId).toList();
                });
            } catch (Superseded e) {
                log.warn("Master-key rotation {} was superseded by another rotation; stopping", id);
                break;
            } catch (SecretUnavailableException e) {
                keyring.db().txRun(dsl -> rotations.fail(dsl, id, e.getMessage(), keyring.now()));
                throw new IllegalStateException("Master-key rotation " + id + " to " + next.id() + " stopped: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                keyring.db().txRun(dsl -> rotations.recordError(dsl, id, error, keyring.now()));
                throw e;
            }
            batches++;
            rewrapped.forEach(keyring::evictDataKey);
            if (!rewrapped.isEmpty()) {
                waitUntil = 0;
                continue;
            }
            if (keys.countNotWrappedBy(keyring.db().dsl(), next.id()) == 0) {
                keyring.db().txRun(dsl -> rotations.finish(dsl, id, keyring.now()));
                log.info("Master-key rotation {} to {} done", id, next.id());
                break;
            }
            // The remaining rows are locked by another node's batch or a tenant-key rotation.
            long now = System.nanoTime();
            if (waitUntil == 0) {
                waitUntil = now + WAIT_FOR_LOCKED_ROWS.toNanos();
            } else if (now - waitUntil > 0) {
                log.warn("Master-key rotation {}: rows stayed locked by others; leaving the rest to them or to a later call", id);
                break;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rotations.find(keyring.db().dsl(), id).orElseThrow();
    }

    /** Thrown inside a batch transaction to roll it back when the rotation is no longer the running one. */
    private static final class Superseded extends RuntimeException {
        Superseded() {
            super(null, null, false, false);
        }
    }
}
