package io.calbridge.calendly;

import java.util.Optional;

/**
 * Runtime operations a host (or an operator through the host) may call on a running plugin. Get it
 * from the Javalin app once it is created: {@code app.unsafe.appDataManager.get(CalendlyPlugin.OPERATIONS)},
 * or {@code ctx.appData(CalendlyPlugin.OPERATIONS)} in a handler.
 *
 * <p>Methods are safe to call from any thread and on any node. They are not exposed over HTTP: a
 * host that wants an admin endpoint for them writes one behind its own authorisation.
 */
public interface CalendlyOperations {

    /**
     * Re-wraps every tenant's data key under {@code next}, online, blocking until done. {@code next}
     * becomes this node's master key at once; the previous one keeps unwrapping until the end. Every
     * other node must already know {@code next} (as its {@code masterKey}, with the old key in
     * {@code previousMasterKeys}), and this node's configuration must say the same before its next
     * start. Resumable: after a crash, call it again with the same key (on any node); a node started
     * with {@code next} as its master key also resumes an unfinished rotation by itself.
     *
     * @param next the new master key; must encrypt and decrypt
     * @return the rotation's progress: DONE, or RUNNING when interrupted (call again to continue)
     * @throws IllegalArgumentException when {@code next} does not work
     * @throws IllegalStateException    when a data key cannot be unwrapped; the rotation is FAILED
     */
    RotationProgress rotateMasterKey(MasterKey next);

    /**
     * The latest master-key rotation, as stored (every node sees the same).
     *
     * @return the latest rotation, or empty if there was none
     */
    Optional<RotationProgress> masterKeyRotation();

    /**
     * Gives one tenant a new data key and re-encrypts its stored secrets with it. Secrets stay
     * readable throughout. Does nothing for a tenant without secrets.
     *
     * @param tenantId the host's tenant id, as the plugin stores it
     * @throws IllegalStateException when the tenant was forgotten
     */
    void rotateTenantKey(String tenantId);

    /**
     * Offboards a tenant: disconnects every Calendly integration it has, then crypto-shreds it.
     * Irreversible and idempotent; blocks until done (seconds: it talks to Calendly).
     *
     * <ol>
     *   <li>Each live integration is disconnected as by the settings API's disconnect: at once its
     *       status is DISCONNECTED and its secrets are wiped, so no node accepts its webhook deliveries
     *       (they are answered as for an unknown URL) or refreshes its token any more; then, with the
     *       secrets still in memory, its webhook subscriptions are deleted at Calendly and its tokens
     *       revoked. Calendly's failures here do not stop the rest: they are logged, sent to the host
     *       as a notification and returned in {@link ForgottenTenant#problems()}.</li>
     *   <li>The tenant's data key is destroyed and every ciphertext sealed for it erased, in one
     *       transaction, so its stored secrets can never be decrypted again, by anyone, and nothing new
     *       can be stored for it: connecting Calendly again answers 409 {@code tenant_forgotten}.</li>
     *   <li>Every node drops its cached copies (data key, access tokens, signing keys, event types)
     *       when that transaction commits (PostgreSQL NOTIFY; see docs/crypto.md for the bound).</li>
     * </ol>
     * Bookings already imported, settings and mappings stay. Backups taken earlier still hold the
     * key wrapped by the master key: rotate the master key and destroy the old one to make those
     * unreadable too.
     *
     * @param tenantId the host's tenant id, as the plugin stores it
     * @return what was disconnected and what could not be cleaned up at Calendly
     * @throws IllegalArgumentException when {@code tenantId} is null or blank
     */
    ForgottenTenant forgetTenant(String tenantId);

    /**
     * Statistics of this node's cache of unwrapped tenant data keys.
     *
     * @return a snapshot, counted since this node's plugin started
     */
    CacheStatistics dataKeyCacheStats();

    /**
     * Statistics of this node's cache of decrypted access tokens.
     *
     * @return a snapshot, counted since this node's plugin started
     */
    CacheStatistics accessTokenCacheStats();

    /**
     * Erases one person of one tenant (an access-to-erasure request; docs/privacy.md, "Erasure"): the
     * person's bookings, effect ledger, stored webhook bodies and rejection details leave the plugin's
     * tables; the host's {@code PersonErasure}, when configured, erases or anonymises its contact, tasks
     * and activity; when the tenant opted in, Calendly's data-compliance deletion is requested. A later
     * delivery naming the person is then ignored or makes a new contact, as the tenant chose.
     * Idempotent.
     *
     * @param tenantId the host's tenant id, as the plugin stores it
     * @param email    the person's e-mail (compared case-insensitively)
     * @return what was erased, counted (never the e-mail), and what could not be done
     * @throws IllegalArgumentException when {@code tenantId} is blank or {@code email} is not an e-mail address
     */
    PersonErased erasePerson(String tenantId, String email);
}
