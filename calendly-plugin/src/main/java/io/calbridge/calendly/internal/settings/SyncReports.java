package io.calbridge.calendly.internal.settings;

import java.util.UUID;

/**
 * What the sync feature (import, backfill, sweep) reports about an integration, shown as
 * {@code health.sync}: rendered as JSON as it is. The settings feature does not depend on sync.
 */
@FunctionalInterface
public interface SyncReports {
    SyncReports NONE = integrationId -> null;

    /** The report, or null when there is none. */
    Object report(UUID integrationId);
}
