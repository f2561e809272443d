package io.calbridge.calendly.internal.webhook;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers that the database is unreachable, so the receive path answers 503 at once (Calendly
 * retries, server threads stay free) instead of every request waiting for a connection that will not
 * come; and notices by itself when it is back.
 *
 * <p>Closed: requests use the database. A connection-level failure on the receive path (no connection
 * within the checkout timeout, connection refused or broken, SQL state 08) opens it. Open: requests are
 * answered 503 without touching the pool, and the background thread tries a connection every
 * {@link #PROBE_EVERY}; the first that works closes it. Nothing is lost: a request answered 503 stored
 * nothing, and Calendly sends it again.
 */
final class DatabaseCircuit {
    private static final Logger log = LoggerFactory.getLogger(DatabaseCircuit.class);
    static final Duration PROBE_EVERY = Duration.ofMillis(500);
    private static final int VALIDATION_SECONDS = 2;

    private final DataSource receivePool;
    private final ScheduledExecutorService background;
    private final AtomicBoolean open = new AtomicBoolean();

    /** @param receivePool the receive path's pool view ({@link ShortCheckout}): probes wait no longer than requests */
    DatabaseCircuit(DataSource receivePool, ScheduledExecutorService background) {
        this.receivePool = receivePool;
        this.background = background;
    }

    boolean isOpen() {
        return open.get();
    }

    /** A receive-path failure: opens the circuit when it says the database cannot be reached. */
    void failed(Throwable e) {
        if (unreachable(e)) {
            open(e.toString());
        }
    }

    /** Opens the circuit (a store that timed out, say); a probe closes it as soon as the database answers. */
    void open(String why) {
        if (open.compareAndSet(false, true)) {
            log.warn("Database unreachable ({}): webhook deliveries are answered 503 until it answers again", why);
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        try {
            background.schedule(this::probe, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            open.set(false); // shutting down: nothing left to protect
        }
    }

    private void probe() {
        try (Connection c = receivePool.getConnection()) {
            if (c.isValid(VALIDATION_SECONDS)) {
                open.set(false);
                log.info("Database reachable again: webhook deliveries are stored again");
                return;
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Database still unreachable: {}", e.toString());
        }
        scheduleProbe();
    }

    /** Connection-level failures, as opposed to a statement the database refused. */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
