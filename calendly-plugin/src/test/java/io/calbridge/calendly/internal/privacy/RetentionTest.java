package io.calbridge.calendly.internal.privacy;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.db.calendly.tables.records.CalendlyBookingRecord;
import io.calbridge.testing.TestClock;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.InsertSetMoreStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, retention: the purge removes only what is due, in small batches, and two nodes running
 * it at the same moment purge every due row exactly once.
 */
class RetentionTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final int BATCH = 3;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final TestClock clock = TestClock.fixed(now);
    private final PrivacySettings settings = new PrivacySettings(Duration.ofDays(30), Duration.ofDays(90), Duration.ofDays(90),
            BATCH, Duration.ZERO);

    @Test
    void twoNodesAtOnce_purgeOnlyWhatIsDue_inBatches_andNothingTwice() throws Exception {
        Db db = new Db(database.dataSource());
        UUID integration = integration(db);
        Set<String> due = new TreeSet<>();
        Set<String> kept = new TreeSet<>();
        for (int i = 0; i < 5; i++) {
            due.add("body " + delivery(db, integration, "done-old-" + i, "DONE", now.minus(Duration.ofDays(40))));
        }
        for (int i = 0; i < 2; i++) {
            due.add("body " + delivery(db, integration, "ignored-old-" + i, "IGNORED", now.minus(Duration.ofDays(31))));
            due.add("body " + delivery(db, integration, "dead-older-" + i, "DEAD", now.minus(Duration.ofDays(100))));
            kept.add("body " + delivery(db, integration, "dead-old-" + i, "DEAD", now.minus(Duration.ofDays(40))));
            kept.add("body " + delivery(db, integration, "pending-" + i, "PENDING", null));
        }
        for (int i = 0; i < 3; i++) {
            kept.add("body " + delivery(db, integration, "done-recent-" + i, "DONE", now.minus(Duration.ofDays(29))));
        }
        for (int i = 0; i < 4; i++) {
            due.add("booking " + booking(db, integration, now.minus(Duration.ofDays(91))));
        }
        kept.add("booking " + booking(db, integration, now.minus(Duration.ofDays(10))));
        kept.add("booking " + booking(db, integration, now.plus(Duration.ofDays(3))));
        kept.add("booking " + placeholder(db, integration, now.minus(Duration.ofDays(100))));
        for (int i = 0; i < 3; i++) {
            due.add("rejection " + rejection(db, integration, now.minus(Duration.ofDays(31))));
        }
        kept.add("rejection " + rejection(db, integration, now.minus(Duration.ofDays(1))));

        List<Retention.Run> runs = runTogether(db);

        assertTrue(runs.stream().anyMatch(Retention.Run::ran), "one node ran the purge");
        assertEquals(due.size(), runs.stream().mapToInt(Retention.Run::total).sum(), "every due row purged exactly once");
        List<Integer> batches = runs.stream().flatMap(r -> r.batches().stream()).toList();
        assertTrue(batches.stream().allMatch(b -> b <= BATCH), "batches of at most " + BATCH + ": " + batches);
        assertTrue(batches.size() >= (due.size() + BATCH - 1) / BATCH, "in small batches: " + batches);
        assertEquals(due, purged(db), "what was purged is exactly what was due");
        for (String row : kept) {
            assertTrue(!purged(db).contains(row), row + " was not due");
        }

        List<Retention.Run> again = runTogether(db);
        assertEquals(0, again.stream().mapToInt(Retention.Run::total).sum(), "nothing is purged twice");
    }

    private List<Retention.Run> runTogether(Db db) throws Exception {
        var a = new Retention(db, settings, clock, "node-a");
        var b = new Retention(db, settings, clock, "node-b");
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Retention.Run> ra = pool.submit(() -> {
                start.await();
                return a.runOnce();
            });
            Future<Retention.Run> rb = pool.submit(() -> {
                start.await();
                return b.runOnce();
            });
            return List.of(ra.get(), rb.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Labels of every purged row: "body <dedupe key>", "booking <id>", and every rejection that is gone. */
    private Set<String> purged(Db db) {
        Set<String> out = new TreeSet<>();
        var i = CALENDLY_WEBHOOK_INBOX;
        db.dsl().select(i.DEDUPE_KEY).from(i).where(i.RAW_BODY.isNull()).and(i.BODY_PURGED_AT.eq(at(now)))
                .fetch(i.DEDUPE_KEY).forEach(k -> out.add("body " + k));
        var b = CALENDLY_BOOKING;
        db.dsl().select(b.ID).from(b).where(b.PAYLOAD_ENC.isNull()).and(b.EMAIL_INDEX.isNull()).and(b.PERSONAL_PURGED_AT.isNotNull())
                .fetch(b.ID).forEach(id -> out.add("booking " + id));
        var r = CALENDLY_WEBHOOK_REJECTION;
        Set<Long> left = new TreeSet<>(db.dsl().select(r.ID).from(r).fetch(r.ID));
        for (long id : rejections) {
            if (!left.contains(id)) {
                out.add("rejection " + id);
            }
        }
        return out;
    }

    private final List<Long> rejections = new ArrayList<>();

    static UUID integration(Db db) {
        UUID id = UUID.randomUUID();
        db.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, "acme")
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "TENANT_APP")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .execute();
        return id;
    }

    private String delivery(Db db, UUID integration, String key, String status, Instant processedAt) {
        var i = CALENDLY_WEBHOOK_INBOX;
        db.dsl().insertInto(i)
                .set(i.TENANT_ID, "acme").set(i.INTEGRATION_ID, integration).set(i.EVENT, "invitee.created")
                .set(i.DEDUPE_KEY, key).set(i.RAW_BODY, ("{\"k\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8))
                .set(i.STATUS, status).set(i.RECEIVED_AT, at(processedAt == null ? now.minus(Duration.ofDays(40)) : processedAt))
                .set(i.PROCESSED_AT, processedAt == null ? null : at(processedAt))
                .execute();
        return key;
    }

    private UUID booking(Db db, UUID integration, Instant end) {
        UUID id = UUID.randomUUID();
        var b = CALENDLY_BOOKING;
        row(db, integration, id).set(b.START_TIME, at(end.minus(Duration.ofMinutes(30)))).set(b.END_TIME, at(end))
                .set(b.PAYLOAD_ENC, new byte[] {1, 2, 3}).set(b.EMAIL_INDEX, new byte[] {4, 5, 6})
                .execute();
        return id;
    }

    /** A row a reschedule partner named, never seen: no payload, no times, nothing personal to purge. */
    private UUID placeholder(Db db, UUID integration, Instant touched) {
        UUID id = UUID.randomUUID();
        row(db, integration, id).set(CALENDLY_BOOKING.CREATED_AT, at(touched)).set(CALENDLY_BOOKING.UPDATED_AT, at(touched))
                .execute();
        return id;
    }

    /** The columns every booking row needs. */
    private static InsertSetMoreStep<CalendlyBookingRecord> row(Db db, UUID integration, UUID id) {
        var b = CALENDLY_BOOKING;
        return db.dsl().insertInto(b)
                .set(b.ID, id).set(b.TENANT_ID, "acme").set(b.INTEGRATION_ID, integration).set(b.CHAIN_ID, UUID.randomUUID())
                .set(b.INVITEE_URI, "https://api.calendly.com/scheduled_events/e/invitees/" + id).set(b.STATUS, "ACTIVE");
    }

    private long rejection(Db db, UUID integration, Instant received) {
        var r = CALENDLY_WEBHOOK_REJECTION;
        long id = db.dsl().insertInto(r).set(r.TENANT_ID, "acme").set(r.INTEGRATION_ID, integration).set(r.REASON, "mismatch")
                .set(r.RECEIVED_AT, at(received)).returningResult(r.ID).fetchOne(x -> x.value1());
        rejections.add(id);
        return id;
    }

    private static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
