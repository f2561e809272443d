package io.calbridge.calendly.internal.privacy;

import io.calbridge.calendly.internal.common.Db;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention purge (docs/privacy.md, "Retention"). One node at a time runs it: it claims the job's
 * lease in {@code calendly_privacy_job} (a node that died mid-run loses it when the lease runs out),
 * then purges in small batches, one transaction each, every batch taking its rows with
 * {@code FOR UPDATE SKIP LOCKED}, so even two nodes whose runs overlap never purge a row twice.
 *
 * <ul>
 *   <li>bodies of DONE and IGNORED deliveries, {@code bodyRetention} after processing;</li>
 *   <li>bodies of dead letters, {@code deadLetterRetention} after they died (a replay makes the row
 *       PENDING again, so a replayed letter is kept until it is processed, then like any other);</li>
 *   <li>personal fields of bookings, {@code bookingRetention} after the meeting ended;</li>
 *   <li>rejection-log rows, {@code bodyRetention} after they were received.</li>
 * </ul>
 * Pending and in-flight deliveries are never purged.
 */
public final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    /** How long a claim lasts; renewed after every batch. */
    static final Duration LEASE = Duration.ofMinutes(5);

    /**
     * What one run did.
     *
     * @param ran     false when another node holds the job
     * @param batches the size of every batch, in order (each at most the batch size)
     */
    public record Run(boolean ran, int bodies, int deadLetters, int bookings, int rejections, List<Integer> batches) {
        public int total() {
            return bodies + deadLetters + bookings + rejections;
        }
    }

    private final Db db;
    private final PrivacySettings settings;
    private final Clock clock;
    private final String node;
    private final RetentionStore store = new RetentionStore();

    public Retention(Db db, PrivacySettings settings, Clock clock, String node) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.node = node;
    }

    /** Purges everything due now, unless another node is doing it. */
    public Run runOnce() {
        Instant now = clock.instant();
        if (!db.tx(dsl -> store.claim(dsl, node, now, now.plus(LEASE)))) {
            return new Run(false, 0, 0, 0, 0, List.of());
        }
        List<Integer> batches = new ArrayList<>();
        int batch = settings.purgeBatchSize();
        int bodies = drain(batches, () -> db.tx(dsl -> store.purgeBodies(dsl, List.of("DONE", "IGNORED"),
                now.minus(settings.bodyRetention()), batch, now).size()));
        int dead = drain(batches, () -> db.tx(dsl -> store.purgeBodies(dsl, List.of("DEAD"),
                now.minus(settings.deadLetterRetention()), batch, now).size()));
        int bookings = drain(batches, () -> db.tx(dsl -> store.purgeBookings(dsl, now.minus(settings.bookingRetention()),
                batch, now)));
        int rejections = drain(batches, () -> db.tx(dsl -> store.purgeRejections(dsl, now.minus(settings.bodyRetention()),
                batch)));
        Run run = new Run(true, bodies, dead, bookings, rejections, List.copyOf(batches));
        db.txRun(dsl -> store.release(dsl, node, clock.instant(), run.total()));
        if (run.total() > 0) {
            log.info("Retention purge: {} delivery bodies, {} dead-letter bodies, {} bookings' personal fields, {} rejections"
                    + " ({} batches)", bodies, dead, bookings, rejections, batches.size());
        }
        return run;
    }

    /** Runs batches until one comes back short; renews the lease between them. */
    private int drain(List<Integer> batches, IntSupplier oneBatch) {
        int total = 0;
        while (true) {
            int n = oneBatch.getAsInt();
            if (n > 0) {
                batches.add(n);
            }
            total += n;
            if (n < settings.purgeBatchSize()) {
                return total;
            }
            Instant now = clock.instant();
            if (!db.tx(dsl -> store.claim(dsl, node, now, now.plus(LEASE)))) {
                return total; // our lease ran out and another node took over: it carries on
            }
        }
    }
}
