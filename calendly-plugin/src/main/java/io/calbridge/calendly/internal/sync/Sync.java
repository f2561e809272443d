package io.calbridge.calendly.internal.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.common.Background;
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
 *
 * @param node       this node in job leases
 * @param background the planner and job threads
 */
public record Sync(Db db, SyncStore store, SyncRunner runner, SyncRoutes routes, SyncOptions options, Clock clock,
                   OneBookingPerInvitee pipeline, InviteeLookup lookup, String node, Background background) {
    private static final Logger log = LoggerFactory.getLogger(Sync.class);

    public static Sync create(Db db, OneBookingPerInvitee pipeline, CalendlyClient calendly, TokenSource tokens,
                              Access access, SyncOptions options, MeterRegistry meters, Clock clock) {
        SyncStore store = new SyncStore();
        // One budget for jobs and people's refreshes alike: together they stay within the share.
        BackgroundBudget budget = new BackgroundBudget(options.backgroundRequestsPerMinute(), clock);
        SyncRunner runner = new SyncRunner(db, store, calendly, tokens, pipeline, budget, options, new SyncMetrics(meters),
                clock);
        SyncRoutes routes = new SyncRoutes(access, db, store,
                id -> store.state(db.dsl(), id).map(Sync::render).orElse(null), clock);
        return new Sync(db, store, runner, routes, options, clock, pipeline,
                new InviteeLookup(db, store, calendly, tokens, pipeline, budget, clock), UUID.randomUUID().toString(),
                new Background("calbridge-calendly-sync"));
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

    public void start() {
        if (options.pollInterval().isZero()) {
            return;
        }
        int threads = options.threads();
        long period = options.pollInterval().toMillis();
        background.start(threads + 1, scheduler -> {
            scheduler.scheduleWithFixedDelay(() -> quietly(this::plan), 0, period, TimeUnit.MILLISECONDS);
            for (int i = 0; i < threads; i++) {
                scheduler.scheduleWithFixedDelay(() -> quietly(() -> {
                    while (!Thread.currentThread().isInterrupted() && runOne()) {
                        // next job at once
                    }
                }), period / 2, period, TimeUnit.MILLISECONDS);
            }
        });
    }

    public void stop() {
        background.stop();
    }

    private static void quietly(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("Calendly sync round failed: {}", e.getMessage(), e);
        }
    }

    /**
     * A person's meetings that the plugin never received (a lost webhook), fetched from Calendly by
     * e-mail through the integration and applied as a sweep applies them; see {@link InviteeLookup}.
     *
     * @return how many of the person's invitees were missing or out of date and were applied
     * @throws io.calbridge.calendly.internal.common.ApiException 503 {@code calendly_busy} when the
     *         background budget has no room now; Calendly's and the token's failures as thrown by the client
     */
    public int importMeetingsOf(UUID integrationId, String email) {
        return lookup.lookUp(integrationId, email).imported();
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
