package io.calbridge.calendly.internal.crypto;

import com.google.crypto.tink.Aead;

/**
 * A tenant's unwrapped data keyset, as cached: the AEAD over all its keys (the newest is primary and
 * encrypts; older ones still decrypt) and the generation of the newest key.
 */
record DataKey(Aead aead, int generation) {
    @Override
    public String toString() {
        return "DataKey[generation=" + generation + "]";
    }
}
