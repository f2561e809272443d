package io.calbridge.calendly.internal.crypto;

import io.calbridge.calendly.MasterKey;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The master keys this node knows, by id: the primary wraps new and re-wrapped data keys; the others
 * only unwrap (data keys wrapped before a rotation finished). Thread-safe; a rotation adds a key and
 * makes it primary while reads go on.
 */
final class MasterKeyRing {
    private final ConcurrentHashMap<String, MasterKey> byId = new ConcurrentHashMap<>();
    private volatile MasterKey primary;

    MasterKeyRing(MasterKey primary, Collection<MasterKey> previous) {
        for (MasterKey key : previous) {
            add(key);
        }
        addAndMakePrimary(primary);
    }

    MasterKey primary() {
        return primary;
    }

    Optional<MasterKey> forId(String kekId) {
        return Optional.ofNullable(byId.get(kekId));
    }

    synchronized void addAndMakePrimary(MasterKey key) {
        add(key);
        // The primary must answer for its own id even when an older key listed the same id.
        byId.put(key.id(), key);
        primary = key;
    }

    Set<String> ids() {
        return new TreeSet<>(byId.keySet());
    }

    private void add(MasterKey key) {
        Objects.requireNonNull(key, "master key");
        String id = Objects.requireNonNull(key.id(), "master key id");
        if (id.isBlank() || id.length() > 200) {
            throw new IllegalArgumentException("A master key id must be 1 to 200 characters: '" + id + "' of " + key);
        }
        byId.put(id, key);
        for (String other : key.readableIds()) {
            byId.putIfAbsent(other, key);
        }
    }
}
