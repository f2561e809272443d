package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Db;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code calendly_integration.last_delivery_at} (shown in the integration's health) current to
 * the minute without a write per delivery: each integration's time is written in the background at
 * most once a minute per node, and the update itself skips rows another node touched within the minute.
 */
final class LastDeliveryTimes {
    private static final Logger log = LoggerFactory.getLogger(LastDeliveryTimes.class);
    static final Duration EVERY = Duration.ofMinutes(1);

    private final Db db;
    private final WebhookInbox inbox;
    private final Executor background;
    private final Clock clock;
    private final Map<UUID, Instant> lastNoted = new ConcurrentHashMap<>();
    private final Set<UUID> due = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean writeQueued = new AtomicBoolean();

    LastDeliveryTimes(Db db, WebhookInbox inbox, Executor background, Clock clock) {
        this.db = db;
        this.inbox = inbox;
        this.background = background;
        this.clock = clock;
    }

    /** A delivery of this integration was just stored. Never blocks. */
    void delivered(UUID integrationId) {
        Instant now = clock.instant();
        Instant last = lastNoted.get(integrationId);
        if (last != null && !last.plus(EVERY).isBefore(now)) {
            return;
        }
        lastNoted.put(integrationId, now);
        if (due.add(integrationId) && writeQueued.compareAndSet(false, true)) {
            try {
                background.execute(this::write);
            } catch (RejectedExecutionException stopped) {
                writeQueued.set(false);
            }
        }
    }

    private void write() {
        writeQueued.set(false);
        List<UUID> ids = new ArrayList<>(due);
        due.removeAll(ids);
        if (ids.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        try {
            inbox.touchLastDelivery(db.dsl(), ids, now, now.minus(EVERY));
        } catch (RuntimeException e) {
            ids.forEach(lastNoted::remove); // try again with the next delivery
            log.debug("Could not update last_delivery_at: {}", e.toString());
        }
    }
}
