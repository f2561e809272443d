package io.calbridge.calendly.internal.cluster;

import java.util.UUID;
import org.jooq.DSLContext;

/**
 * How a feature tells every node to drop its cached copies of a tenant or an integration: called
 * inside the transaction that changes it, heard by the nodes once that transaction commits (and
 * not at all if it rolls back). {@link CacheInvalidation} is the implementation.
 */
public interface Invalidations {
    /** For a single node without caches to keep coherent (tests, tools). */
    Invalidations NONE = new Invalidations() {
        @Override
        public void tenantChanged(DSLContext tx, String tenantId) {
        }

        @Override
        public void integrationChanged(DSLContext tx, UUID integrationId) {
        }
    };

    void tenantChanged(DSLContext tx, String tenantId);

    void integrationChanged(DSLContext tx, UUID integrationId);
}
