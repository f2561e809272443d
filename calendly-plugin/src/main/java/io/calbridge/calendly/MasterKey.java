package io.calbridge.calendly;

import com.google.crypto.tink.Aead;
import java.util.Set;

/**
 * The master key (key-encryption key, KEK) that wraps every tenant's data key. Tenant secrets are
 * encrypted with a per-tenant data key; only the wrapped form of that data key is stored, beside the
 * {@link #id()} of the master key that wrapped it. Without the master key, a database dump or backup
 * opens nothing.
 *
 * <p>Get one from {@link MasterKeys} (a Tink keyset from an environment variable or a file, any Tink
 * {@code KmsClient}, or a development key file). A host may also implement this interface itself,
 * for example around a KMS that has no Tink client; the implementation must:
 * <ul>
 *   <li>be thread-safe ({@link #aead()} is called concurrently);</li>
 *   <li>return the same {@link #id()} for the same key material on every node and every start
 *       (it is stored in the database; a different id makes the stored data keys unreadable);</li>
 *   <li>honour the associated data: {@code decrypt} must fail when it differs from the one given to
 *       {@code encrypt}.</li>
 * </ul>
 * The plugin calls {@link #aead()} only when a tenant's data key is created, loaded into its cache
 * (at most once per tenant per cache lifetime), or re-wrapped; a remote KMS is not called per secret.
 */
public interface MasterKey {
    /**
     * A stable, non-secret identifier of this key, stored beside every data key it wraps (at most
     * 200 characters). {@link MasterKeys} derives it from the keyset's primary key id
     * ({@code tink:<id>}) or the KMS key URI ({@code kms:<uri>}).
     *
     * @return the same value on every node and every start for the same key material
     */
    String id();

    /**
     * The AEAD that wraps (encrypts) and unwraps (decrypts) data keys.
     *
     * @return a thread-safe AEAD; may be the same instance on every call
     */
    Aead aead();

    /**
     * Ids of stored data keys this key can also unwrap, besides {@link #id()}. A Tink keyset that was
     * rotated in place (a new primary key added, the old one kept) still opens what its older primary
     * keys wrapped; its {@code readableIds} lists them all. Default: only {@link #id()}.
     *
     * @return the ids this key opens, {@link #id()} included
     */
    default Set<String> readableIds() {
        return Set.of(id());
    }
}
