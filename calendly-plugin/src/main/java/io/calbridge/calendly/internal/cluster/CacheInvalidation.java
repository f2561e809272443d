package io.calbridge.calendly.internal.cluster;

import io.calbridge.calendly.internal.common.Db;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every node's caches (tenant data keys, decrypted access tokens, webhook signing keys,
 * Calendly event types) true to the database: the front door of the cluster feature.
 *
 * <p>A change that must reach every node at once (a tenant forgotten, an integration disconnected)
 * calls {@link #tenantChanged(DSLContext, String)} or {@link #integrationChanged(DSLContext, UUID)}
 * inside its own transaction. That is a PostgreSQL {@code NOTIFY}: delivered when, and only if, the
 * transaction commits, to every node that listens on the same database and schema.
 *
 * <p>Each node listens on one connection of its pool, held for as long as the plugin runs, and passes
 * what it hears to its {@link Handler}s, which evict the named tenant or integration. The bound:
 * a listening node drops its copies as soon as PostgreSQL delivers the notification (milliseconds
 * after the commit); a request already past its cache lookup at that moment finishes with what it had.
 *
 * <p>{@link #trusted()} says whether this node is known to hear every notification: true only while
 * the listening connection is up and a round trip of a notification through the database (sent every
 * {@link #HEARTBEAT}) came back within {@link #HEARTBEAT_TIMEOUT}. Caches are not read while it is
 * false (every use goes to the database), and are emptied whenever it changes, so a node that lost
 * its connection, or sits behind a pooler that does not pass notifications on (PgBouncer in
 * transaction mode), is slower but never stale.
 *
 * <p>Before {@link #start()} and after {@link #stop()} nothing is heard and {@link #trusted()} is
 * false. Thread-safe.
 */
public final class CacheInvalidation implements Invalidations {
    private static final Logger log = LoggerFactory.getLogger(CacheInvalidation.class);
    /** How often a listening node checks that notifications still reach it. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** A heartbeat not back within this long means notifications may be lost: caches are not trusted. */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final String TENANT = "t:";
    private static final String INTEGRATION = "i:";
    private static final String EVERYTHING = "*";
    private static final String HEARTBEAT_PREFIX = "h:";
    /** pg_notify's payload limit is 8000 bytes; a longer tenant id evicts everything instead. */
    private static final int MAX_PAYLOAD_BYTES = 7900;

    /** What a node does when it hears of a change. Called on the listening thread; must not block long. */
    public interface Handler {
        void tenantChanged(String tenantId);

        void integrationChanged(UUID integrationId);

        /** Anything may have changed (notifications may have been missed): drop every cached copy. */
        void everythingChanged();
    }

    private final Db db;
    private final String channel;
    private final String nodeId = UUID.randomUUID().toString();
    private final List<Handler> handlers = new CopyOnWriteArrayList<>();
    private volatile boolean trusted;
    private volatile boolean running;
    private volatile Thread listener;

    private CacheInvalidation(Db db, String channel) {
        this.db = db;
        this.channel = channel;
    }

    /**
     * Reads the connection's schema once, so nodes on the same tables share a channel and nodes on
     * other schemas of the same database (tests, other installations) do not hear each other.
     */
    public static CacheInvalidation create(Db db) {
        Objects.requireNonNull(db, "db");
        String schema = db.dsl().select(DSL.currentSchema()).fetchOne(0, String.class);
        return new CacheInvalidation(db, channelFor(schema == null ? "" : schema));
    }

    static String channelFor(String schema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
            return "calbridge_cache_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }

    /** Adds a handler; call before {@link #start()}. */
    public void subscribe(Handler handler) {
        handlers.add(Objects.requireNonNull(handler, "handler"));
    }

    /** Every node drops what it caches about the tenant once {@code tx} commits. */
    @Override
    public void tenantChanged(DSLContext tx, String tenantId) {
        String payload = TENANT + tenantId;
        notify(tx, payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES ? EVERYTHING : payload);
    }

    /** Every node drops what it caches about the integration once {@code tx} commits. */
    @Override
    public void integrationChanged(DSLContext tx, UUID integrationId) {
        notify(tx, INTEGRATION + integrationId);
    }

    /** Whether this node's caches may be read: it is listening and hears its own heartbeats. */
    public boolean trusted() {
        return trusted;
    }

    /** Starts listening on one connection of the pool, on a daemon thread. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread t = new Thread(this::listen, "calbridge-cache-invalidation");
        t.setDaemon(true);
        listener = t;
        t.start();
    }

    /** Stops listening and gives the connection back; caches are no longer trusted. */
    public synchronized void stop() {
        running = false;
        Thread t = listener;
        listener = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        distrust();
    }

    private void notify(DSLContext tx, String payload) {
        tx.select(DSL.function("pg_notify", SQLDataType.OTHER, DSL.val(channel), DSL.val(payload))).execute();
    }

    private void listen() {
        Duration backoff = POLL;
        boolean warned = false;
        while (running) {
            try (Connection connection = db.dataSource().getConnection()) {
                connection.setAutoCommit(true);
                DSLContext own = DSL.using(connection, SQLDialect.POSTGRES);
                own.query("listen {0}", DSL.name(channel)).execute();
                PGConnection pg = connection.unwrap(PGConnection.class);
                hear(pg);
                backoff = POLL;
                warned = false;
            } catch (SQLException | RuntimeException e) {
                distrust();
                if (!running) {
                    break;
                }
                if (!warned) {
                    log.warn("Not hearing cache invalidations ({}); caches are bypassed until it works again",
                            e.getMessage());
                    warned = true;
                }
                if (!sleep(backoff)) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        distrust();
    }

    /**
     * Reads notifications until stopped or until a heartbeat does not come back. Time here is the
     * machine's elapsed time, not the plugin's clock: it measures the connection, not business time.
     */
    private void hear(PGConnection pg) throws SQLException {
        String awaited = null;
        long sentAt = System.nanoTime();
        long nextBeat = sentAt;
        while (running) {
            long now = System.nanoTime();
            if (awaited == null && now - nextBeat >= 0) {
                String beat = HEARTBEAT_PREFIX + nodeId + ":" + now;
                db.txRun(tx -> notify(tx, beat));
                awaited = beat;
                sentAt = now;
                nextBeat = now + HEARTBEAT.toNanos();
            } else if (awaited != null && now - sentAt > HEARTBEAT_TIMEOUT.toNanos()) {
                throw new SQLException("a heartbeat notification did not come back within "
                        + HEARTBEAT_TIMEOUT.toMillis() + " ms");
            }
            PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
            if (notifications == null) {
                continue;
            }
            for (PGNotification n : notifications) {
                String payload = n.getParameter();
                if (payload.equals(awaited)) {
                    awaited = null;
                    if (!trusted) {
                        // Heard from now on; anything cached before may have missed a change.
                        dispatch(EVERYTHING);
                        trusted = true;
                        log.debug("Hearing cache invalidations on channel {}", channel);
                    }
                } else if (!payload.startsWith(HEARTBEAT_PREFIX)) {
                    dispatch(payload);
                }
            }
        }
    }

    private void dispatch(String payload) {
        for (Handler h : handlers) {
            try {
                if (payload.startsWith(TENANT)) {
                    h.tenantChanged(payload.substring(TENANT.length()));
                } else if (payload.startsWith(INTEGRATION)) {
                    h.integrationChanged(UUID.fromString(payload.substring(INTEGRATION.length())));
                } else {
                    h.everythingChanged();
                }
            } catch (RuntimeException e) {
                log.error("A cache invalidation handler failed on '{}'", payload, e);
            }
        }
    }

    private void distrust() {
        if (trusted) {
            trusted = false;
            dispatch(EVERYTHING);
        }
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
