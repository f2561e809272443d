package io.calbridge.calendly.internal.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.common.Daemons;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.oauth.TokenSource;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.db.calendly.tables.records.CalendlySyncStateRecord;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.JSONB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync feature's front door: Calendly's API as the source of truth. Every node plans (which
 * integration needs an import, a backfill or a sweep) and runs claimed jobs between
 * {@link #start()} and {@link #stop()}; one job per integration at a time, on one node (a lease).
 *
 * <pre>{@code
 * var owners = new OneBookingPerInvitee(db, bookings.processor(), clock);  // webhooks go through it too
 * var sync = Sync.create(db, owners, calendly, connections.tokens(), access, options, meters, clock);
 * }</pre>
 */
public final class Sync {
    private static final Logger log = LoggerFactory.getLogger(Sync.class);

    private final Db db;
    private final SyncStore store;
    private final SyncRunner runner;
    private final SyncRoutes routes;
    private final SyncOptions options;
    private final Clock clock;
    private final OneBookingPerInvitee pipeline;
    private final String node = UUID.randomUUID().toString();
    private ScheduledExecutorService scheduler;

    private Sync(Db db, SyncStore store, SyncRunner runner, SyncRoutes routes, SyncOptions options, Clock clock,
                 OneBookingPerInvitee pipeline) {
        this.pipeline = pipeline;
        this.db = db;
        this.store = store;
        this.runner = runner;
        this.routes = routes;
        this.options = options;
        this.clock = clock;
    }

    public static Sync create(Db db, OneBookingPerInvitee pipeline, CalendlyClient calendly, TokenSource tokens,
                              Access access, SyncOptions options, MeterRegistry meters, Clock clock) {
        SyncStore store = new SyncStore();
        SyncRunner runner = new SyncRunner(db, store, calendly, tokens, pipeline,
                new BackgroundBudget(options.backgroundRequestsPerMinute(), clock), options, new SyncMetrics(meters), clock);
        SyncRoutes routes = new SyncRoutes(access, db, store,
                id -> store.state(db.dsl(), id).map(Sync::render).orElse(null), clock);
        return new Sync(db, store, runner, routes, options, clock, pipeline);
    }

    /** The pipeline webhooks and imports share (for the benchmark's same-run webhook figure). */
    public OneBookingPerInvitee pipeline() {
        return pipeline;
    }

    public void registerRoutes(RoutesConfig config, String settingsRoot) {
        routes.register(config, settingsRoot);
    }

    /** One planning round: state rows, then imports, gap backfills, silence backfills, due sweeps. */
    public void plan() {
        Instant now = clock.instant();
        db.txRun(dsl -> {
            store.ensureStates(dsl, now, options.sweepInterval());
            store.requestImports(dsl, now);
            store.requestGapBackfills(dsl, now);
            store.requestSilenceBackfills(dsl, now, options.silence());
            store.requestSweeps(dsl, now);
        });
    }

    /** Claims and runs one job; false when there was none. */
    public boolean runOne() {
        String owner = node + "/" + Thread.currentThread().getId();
        Optional<SyncStore.Job> job = db.tx(dsl -> store.claim(dsl, owner, clock.instant(), options.lease()));
        job.ifPresent(j -> runner.run(j, owner));
        return job.isPresent();
    }

    /** Plans, then runs jobs until none is left (tests and operators: "sync now"). */
    public void runUntilIdle() {
        plan();
        while (runOne()) {
            plan();
        }
    }

    public synchronized void start() {
        if (options.pollInterval().isZero() || scheduler != null) {
            return;
        }
        int threads = options.threads();
        scheduler = Executors.newScheduledThreadPool(threads + 1, Daemons.named("calbridge-calendly-sync"));
        long period = options.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> quietly(this::plan), 0, period, TimeUnit.MILLISECONDS);
        for (int i = 0; i < threads; i++) {
            scheduler.scheduleWithFixedDelay(() -> quietly(() -> {
                while (!Thread.currentThread().isInterrupted() && runOne()) {
                    // next job at once
                }
            }), period / 2, period, TimeUnit.MILLISECONDS);
        }
    }

    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    private static void quietly(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("Calendly sync round failed: {}", e.getMessage(), e);
        }
    }

    /**
     * "Check now" (the settings API's {@code POST .../sync/check} and the settings UI): a
     * reconciliation sweep of the integration is due at once. False when one was already waiting or
     * running.
     */
    public boolean requestSweep(UUID integrationId) {
        return db.tx(dsl -> store.requestSweep(dsl, integrationId, clock.instant()));
    }

    /** The tenant's import window (the settings API's {@code GET .../sync} and the settings UI). */
    public SyncSettings settings(String tenantId) {
        return store.settings(db.dsl(), tenantId);
    }

    /**
     * Changes the tenant's import window as the settings API's {@code PUT .../sync} does: null keeps a
     * value; a value out of range is a 400 naming its field and nothing is saved.
     */
    public SyncSettings saveSettings(String tenantId, Integer upcomingDays, Integer pastDays, Boolean pastMeetingTasks) {
        SyncSettings.Input input = new SyncSettings.Input(upcomingDays, pastDays, pastMeetingTasks);
        return db.tx(dsl -> {
            SyncSettings next = input.over(store.settings(dsl, tenantId));
            store.saveSettings(dsl, tenantId, next, clock.instant());
            return next;
        });
    }

    /**
     * What the settings API and health show: the running or waiting job with its progress
     * ("importing: 340 of 1,200"), the last import, backfill and sweep, and when the next sweep is due.
     */
    public Object report(UUID integrationId) {
        return store.state(db.dsl(), integrationId).map(Sync::render).orElse(null);
    }

    static ObjectNode render(CalendlySyncStateRecord r) {
        ObjectNode out = Json.mapper().createObjectNode();
        if (r.getJobKind() != null) {
            JobKind kind = JobKind.valueOf(r.getJobKind());
            ObjectNode job = out.putObject("job");
            job.put("kind", kind.name().toLowerCase(Locale.ROOT));
            job.put("cause", r.getJobCause());
            boolean running = r.getLeaseUntil() != null;
            Instant paused = SyncStore.instant(r.getJobPausedUntil());
            job.put("state", paused != null ? "paused" : running ? "running" : "waiting");
            job.put("done", r.getJobDone());
            job.put("total", r.getJobTotal());
            if (paused != null) {
                job.put("paused_until", paused.toString());
            }
            NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
            job.put("progress", running ? kind.verb + ": " + n.format(r.getJobDone()) + " of " + n.format(r.getJobTotal())
                    : kind.verb + ": waiting");
        } else {
            out.putNull("job");
        }
        out.set("last_import", tree(r.getLastImport()));
        out.set("last_backfill", tree(r.getLastBackfill()));
        out.set("last_sweep", tree(r.getLastSweep()));
        Instant next = SyncStore.instant(r.getNextSweepAt());
        out.put("next_sweep_at", next == null ? null : next.toString());
        return out;
    }

    private static JsonNode tree(JSONB value) {
        if (value == null) {
            return Json.mapper().nullNode();
        }
        try {
            return Json.mapper().readTree(value.data());
        } catch (java.io.IOException e) {
            return Json.mapper().nullNode();
        }
    }
}
