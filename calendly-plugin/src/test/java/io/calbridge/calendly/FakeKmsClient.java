package io.calbridge.calendly;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A KMS that really encrypts, with keys held in memory by URI ({@code fake-kms://name}); counts calls
 * so tests can see the KMS is not asked per secret. Stands in for tink-awskms / tink-gcpkms.
 */
final class FakeKmsClient implements KmsClient {
    private final Map<String, Aead> keys = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public boolean doesSupport(String keyUri) {
        return keyUri != null && keyUri.startsWith("fake-kms://");
    }

    @Override
    public KmsClient withCredentials(String credentialPath) {
        return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
        return this;
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
        if (!doesSupport(keyUri)) {
            throw new GeneralSecurityException("unsupported key URI " + keyUri);
        }
        Aead key = keys.computeIfAbsent(keyUri, uri -> MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson()).aead());
        return new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                calls.incrementAndGet();
                return key.encrypt(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                calls.incrementAndGet();
                return key.decrypt(ciphertext, associatedData);
            }
        };
    }
}
