package io.calbridge.calendly.internal.privacy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;

/**
 * Per tenant: its privacy choices and the e-mail indexes of the people it erased, cached for a few
 * seconds because {@link ErasureFilter} reads them for every delivery. {@link Erasure} drops a
 * tenant's entry when it erases someone or saves the tenant's choices.
 */
final class ErasedPeople {
    record Known(TenantPrivacy privacy, Set<ByteBuffer> erased) {
    }

    private final Db db;
    private final PersonalData personal;
    private final PrivacyStore store = new PrivacyStore();
    private final Cache<String, Known> known = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(30)).build();

    ErasedPeople(Db db, PersonalData personal) {
        this.db = db;
        this.personal = personal;
    }

    /** The tenant's choices and erased people, cached for a few seconds (read for every delivery). */
    Known known(String tenantId) {
        return known.get(tenantId, t -> db.tx(dsl -> new Known(store.settings(dsl, t), store.erased(dsl, t))));
    }

    /** Whether this e-mail belongs to a person the tenant erased. */
    boolean isErased(String tenantId, Known k, String email) {
        if (k.erased().isEmpty() || email == null || email.isBlank()) {
            return false;
        }
        return k.erased().contains(ByteBuffer.wrap(personal.emailIndex(tenantId, email)));
    }

    /** The tenant's choices or erased people changed: read them again next time. */
    void changed(String tenantId) {
        known.invalidate(tenantId);
    }
}
