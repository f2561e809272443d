package io.calbridge.calendly.internal.privacy;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Front door of the privacy feature (docs/privacy.md): the retention purge, run periodically by one
 * node at a time, and the erasure of one person.
 */
public final class Privacy {
    private static final Logger log = LoggerFactory.getLogger(Privacy.class);

    private final PrivacySettings settings;
    private final Retention retention;
    private ScheduledExecutorService scheduler;

    private Privacy(Db db, PersonalData personal, PrivacySettings settings, Clock clock) {
        this.settings = settings;
        this.retention = new Retention(db, settings, clock, nodeId());
    }

    public static Privacy create(Db db, PersonalData personal, PrivacySettings settings, Clock clock) {
        return new Privacy(Objects.requireNonNull(db, "db"), Objects.requireNonNull(personal, "personal"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(clock, "clock"));
    }

    /** Schedules the purge every {@code purgeInterval} (first run after a random part of it, so nodes spread out). */
    public synchronized void start() {
        if (settings.purgeInterval().isZero() || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "calbridge-retention");
            t.setDaemon(true);
            return t;
        });
        long period = settings.purgeInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::purgeQuietly, ThreadLocalRandom.current().nextLong(period / 2, period + 1),
                period, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    /** The retention purge; {@link Retention#runOnce} runs it now (tests, operators). */
    public Retention retention() {
        return retention;
    }

    private void purgeQuietly() {
        try {
            retention.runOnce();
        } catch (RuntimeException e) {
            log.warn("Retention purge failed; it runs again in {}: {}", settings.purgeInterval(), e.toString());
        }
    }

    private static String nodeId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
