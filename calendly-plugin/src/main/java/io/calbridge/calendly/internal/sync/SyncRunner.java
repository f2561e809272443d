package io.calbridge.calendly.internal.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.booking.BookingProcessor;
import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.Credential;
import io.calbridge.calendly.internal.client.ScheduledEventQuery;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.oauth.NotConnectedException;
import io.calbridge.calendly.internal.oauth.ReauthorizationRequiredException;
import io.calbridge.calendly.internal.oauth.TokenSource;
import io.calbridge.calendly.internal.oauth.GapCause;
import io.calbridge.calendly.internal.webhook.PermanentProcessingException;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jooq.JSONB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job: lists the scheduled events of the window (page by page), then each event's
 * invitees, compares each invitee with our booking ({@link Drift}) and hands what is missing or
 * different to the booking pipeline as webhook-shaped deliveries, through
 * {@link OneBookingPerInvitee} like every webhook. Progress and the lease are written after every
 * event; a job whose lease another node took stops.
 *
 * <p>Calendly calls use the impatient client (a 429 is not waited for inside the client) through
 * the node's {@link BackgroundBudget}; a 429 pauses this job for the reset Calendly asks for, shown
 * as {@code paused_until}, and resumes the same page. Nobody's request waits for it.
 */
record SyncRunner(Db db, SyncStore store, CalendlyClient calendly, TokenSource tokens, OneBookingPerInvitee pipeline,
                  BackgroundBudget budget, SyncOptions options, SyncMetrics metrics, Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);
    static final Duration RETRY_FAILED_JOB = Duration.ofMinutes(5);
    /**
     * Progress (and the lease) is written at most this often while a job runs: a commit per event made a
     * sweep of 3 events 6 transactions, and 10,000 integrations' sweeps waited mostly on commits.
     */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    /** Thrown inside a job when its lease was taken over: stop quietly. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    /** The running job's counters. */
    private final class Run {
        final SyncStore.Job job;
        final String owner;
        final Instant started;
        final Map<Drift.Kind, Integer> repaired = new EnumMap<>(Drift.Kind.class);
        int events;
        int total;
        int done;
        int failed;
        String firstFailure;
        Instant pausedUntil;

        Instant savedAt;

        Run(SyncStore.Job job, String owner, Instant started) {
            this.job = job;
            this.owner = owner;
            this.started = started;
            this.savedAt = started;
        }

        /** Writes the progress when {@link #PROGRESS_EVERY} has passed since it was last written. */
        void saveIfDue() {
            if (!clock.instant().isBefore(savedAt.plus(PROGRESS_EVERY))) {
                save();
            }
        }

        void save() {
            Instant now = clock.instant();
            savedAt = now;
            Instant until = now.plus(options.lease());
            if (pausedUntil != null && pausedUntil.plus(options.lease()).isAfter(until)) {
                until = pausedUntil.plus(options.lease());
            }
            Instant leaseUntil = until;
            if (!db.tx(dsl -> store.progress(dsl, job.integrationId(), owner, done, Math.max(total, done), pausedUntil,
                    leaseUntil, now))) {
                throw new LeaseLost();
            }
        }

        int repairedTotal() {
            return repaired.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    void run(SyncStore.Job job, String owner) {
        Run run = new Run(job, owner, clock.instant());
        try {
            SyncStore.Integration in = store.integration(db.dsl(), job.integrationId())
                    .orElseThrow(() -> new NotConnectedException(job.integrationId(), "deleted"));
            if (!"CONNECTED".equals(in.status())) {
                throw new NotConnectedException(job.integrationId(), in.status());
            }
            SyncSettings settings = store.settings(db.dsl(), in.tenantId());
            Instant from = run.started.minus(Duration.ofDays(settings.pastDays()));
            Instant to = run.started.plus(Duration.ofDays(settings.upcomingDays()));
            if (job.kind() == JobKind.BACKFILL && job.since() != null && job.since().minus(options.gapMargin()).isBefore(from)) {
                from = job.since().minus(options.gapMargin());
            }
            walk(run, in, settings, from, to);
            finish(run, from, to);
        } catch (LeaseLost e) {
            log.info("Sync job {} of integration {} was taken over by another node", job.kind(), job.integrationId());
        } catch (ReauthorizationRequiredException | NotConnectedException e) {
            // Nothing to do without a token; a reconnect asks for an import.
            ObjectNode result = result(run, null, null);
            result.put("error", "the integration is not connected");
            db.txRun(dsl -> store.finish(dsl, job.integrationId(), owner, job.kind(), jsonb(result), null, null, clock.instant()));
        } catch (RuntimeException e) {
            log.warn("Sync job {} of integration {} failed: {}", job.kind(), job.integrationId(), e.getMessage());
            ObjectNode result = result(run, null, null);
            result.put("error", e instanceof CalendlyApiException ce ? "Calendly answered " + ce.getMessage()
                    : "the job failed (" + e.getClass().getSimpleName() + ")");
            Instant retry = clock.instant().plus(RETRY_FAILED_JOB);
            result.put("retry_at", retry.toString());
            db.txRun(dsl -> store.failed(dsl, job.integrationId(), owner, job.kind(), jsonb(result), retry, clock.instant()));
        }
    }

    private void walk(Run run, SyncStore.Integration in, SyncSettings settings, Instant from, Instant to) {
        Credential credential = budgeted(tokens.credential(in.id()), in.userUri());
        CalendlyApi api = calendly.impatient().api(credential);
        ScheduledEventQuery query = eventsOf(in).between(from, to).sortedBy("start_time:asc");
        // First the events, so the progress has a total ("importing: 340 of 1,200").
        List<ObjectNode> events = new ArrayList<>();
        Iterator<ObjectNode> pages = api.scheduledEventsJson(query).iterator();
        while (patiently(run, pages::hasNext)) {
            ObjectNode e = pages.next();
            events.add(e);
            run.total += Math.max(1, e.path("invitees_counter").path("total").asInt(1));
        }
        run.events = events.size();
        run.saveIfDue();
        for (ObjectNode event : events) {
            List<ObjectNode> invitees = new ArrayList<>();
            Iterator<ObjectNode> it = api.inviteesJson(event.path("uri").asText()).iterator();
            while (patiently(run, it::hasNext)) {
                invitees.add(it.next());
            }
            List<String> uris = invitees.stream().map(i -> i.path("uri").asText()).toList();
            Map<String, SyncStore.Ours> ours = store.ours(db.dsl(), in.tenantId(), uris);
            boolean past = Drift.instant(event.path("start_time"), run.started).isBefore(run.started);
            BookingProcessor.Options apply = new BookingProcessor.Options(!past || settings.pastMeetingTasks());
            for (ObjectNode invitee : invitees) {
                Drift.Repair repair = Drift.of(event, invitee, ours.get(invitee.path("uri").asText()));
                if (repair != null) {
                    apply(run, in, repair, apply);
                }
                run.done++;
            }
            run.saveIfDue();
        }
    }

    private void apply(Run run, SyncStore.Integration in, Drift.Repair repair, BookingProcessor.Options apply) {
        try {
            for (Drift.Step step : repair.steps()) {
                pipeline.process(delivery(in, step, clock), apply);
            }
            run.repaired.merge(repair.kind(), 1, Integer::sum);
            metrics.repaired(run.job.kind(), repair.kind());
        } catch (PermanentProcessingException e) {
            run.failed++;
            if (run.firstFailure == null) {
                run.firstFailure = e.getMessage();
            }
        } catch (RuntimeException e) {
            // The host failed: the next sweep tries again; the job goes on with the other invitees.
            run.failed++;
            if (run.firstFailure == null) {
                run.firstFailure = "applying a booking failed (" + e.getClass().getSimpleName() + "); the next check retries it";
            }
        }
    }

    /** The integration's events as far as it sees them: its organization's, or its user's. */
    static ScheduledEventQuery eventsOf(SyncStore.Integration in) {
        return "organization".equals(in.subscriptionScope()) && in.organizationUri() != null
                ? ScheduledEventQuery.forOrganization(in.organizationUri())
                : ScheduledEventQuery.forUser(in.userUri());
    }

    /** One repair step as the webhook Calendly would have sent for it. */
    static StoredDelivery delivery(SyncStore.Integration in, Drift.Step step, Clock clock) {
        ObjectNode envelope = Json.mapper().createObjectNode();
        Instant at = step.at() != null ? step.at() : clock.instant();
        envelope.put("created_at", at.toString());
        envelope.put("event", step.event());
        envelope.set("payload", step.payload());
        byte[] body = envelope.toString().getBytes(StandardCharsets.UTF_8);
        return new StoredDelivery(0, in.tenantId(), in.id(), step.event(), body, 1, clock.instant());
    }

    /** Runs {@code call}; a 429 pauses this job for Calendly's reset and tries again. */
    private boolean patiently(Run run, Supplier<Boolean> call) {
        while (true) {
            try {
                return call.get();
            } catch (CalendlyApiException e) {
                if (e.status() != 429) {
                    throw e;
                }
                Duration wait = e.retryAfter() != null ? e.retryAfter() : Duration.ofSeconds(60);
                run.pausedUntil = clock.instant().plus(wait);
                metrics.paused(run.job.kind());
                run.save();
                log.info("Calendly's rate limit pauses the {} of integration {} for {}", run.job.kind(),
                        run.job.integrationId(), wait);
                try {
                    Thread.sleep(Math.max(1, wait.toMillis()));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while paused for Calendly's rate limit", e);
                }
                run.pausedUntil = null;
                run.save();
            }
        }
    }

    private Credential budgeted(Credential inner, String userUri) {
        return new Credential() {
            @Override
            public Secret accessToken() {
                try {
                    budget.acquire(userUri);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the background budget", e);
                }
                return inner.accessToken();
            }

            @Override
            public Secret afterUnauthorized(Secret rejected) {
                return inner.afterUnauthorized(rejected);
            }
        };
    }

    private void finish(Run run, Instant from, Instant to) {
        SyncStore.Job job = run.job;
        ObjectNode result = result(run, from, to);
        metrics.checked(job.kind(), run.done);
        Instant now = clock.instant();
        Instant nextSweep = job.kind() == JobKind.BACKFILL ? null : nextSweep(run.started);
        db.txRun(dsl -> {
            store.finish(dsl, job.integrationId(), run.owner, job.kind(), jsonb(result), run.started, nextSweep, now);
            if (job.kind() == JobKind.BACKFILL && job.since() != null && !"silent".equals(job.cause())) {
                store.closeGap(dsl, job.integrationId(), job.since());
            }
        });
        log.info("Sync job {} of integration {}: {}", job.kind(), job.integrationId(), result.path("message").asText());
    }

    Instant nextSweep(Instant from) {
        long interval = options.sweepInterval().toMillis();
        long jitter = interval / 10;
        return from.plusMillis(interval - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
    }

    private ObjectNode result(Run run, Instant from, Instant to) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("kind", run.job.kind().name().toLowerCase(Locale.ROOT));
        r.put("cause", run.job.cause());
        r.put("started_at", run.started.toString());
        r.put("finished_at", clock.instant().toString());
        if (from != null) {
            r.put("window_from", from.toString());
            r.put("window_to", to.toString());
        }
        if (run.job.since() != null) {
            r.put("since", run.job.since().toString());
        }
        r.put("events", run.events);
        r.put("checked", run.done);
        ObjectNode repaired = r.putObject("repaired");
        for (Drift.Kind k : Drift.Kind.values()) {
            repaired.put(k.name().toLowerCase(Locale.ROOT), run.repaired.getOrDefault(k, 0));
        }
        r.put("recovered", run.repairedTotal());
        r.put("failed", run.failed);
        if (run.firstFailure != null) {
            r.put("failure", run.firstFailure);
        }
        r.put("message", message(run));
        return r;
    }

    private static String message(Run run) {
        NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
        int fixed = run.repairedTotal();
        String bookings = fixed == 1 ? "1 booking" : n.format(fixed) + " bookings";
        String failed = run.failed == 0 ? "" : "; " + n.format(run.failed) + " could not be applied and are retried by the next check";
        return switch (run.job.kind()) {
            case IMPORT -> "Imported " + bookings + " from Calendly (" + n.format(run.done) + " checked)" + failed + ".";
            case BACKFILL -> "Recovered " + bookings + " missed because " + GapCause.words(run.job.cause())
                    + (run.job.since() == null ? "" : " (since " + run.job.since() + ")") + failed + ".";
            case SWEEP -> "Checked " + n.format(run.done) + " bookings against Calendly; repaired " + fixed
                    + describe(run.repaired) + failed + ".";
        };
    }

    private static String describe(Map<Drift.Kind, Integer> repaired) {
        if (repaired.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        repaired.forEach((k, v) -> parts.add(v + " " + k.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        return " (" + String.join(", ", parts) + ")";
    }

    static JSONB jsonb(JsonNode node) {
        return JSONB.valueOf(node.toString());
    }
}
