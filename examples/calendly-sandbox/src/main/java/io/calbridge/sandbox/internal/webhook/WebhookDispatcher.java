package io.calbridge.sandbox.internal.webhook;

import static io.calbridge.sandbox.internal.state.Uris.Resource.SUBSCRIPTIONS;
import static io.calbridge.sandbox.internal.state.Uris.Resource.USERS;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.CalendlySignatures;
import io.calbridge.sandbox.DeliveryAttempt;
import io.calbridge.sandbox.DeliveryOutcome;
import io.calbridge.sandbox.SigningKeyPolicy;
import io.calbridge.sandbox.internal.http.FaultState;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.state.Model.App;
import io.calbridge.sandbox.internal.state.Model.Subscription;
import io.calbridge.sandbox.internal.state.SandboxClock;
import io.calbridge.sandbox.internal.state.Settings;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Times;
import io.calbridge.sandbox.internal.state.Uris;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhooks like Calendly: one POST per matching active subscription, compact JSON in
 * Calendly's key order, signed at send time, retried with exponential back-off on non-2xx or timeout
 * until the retry window closes, after which the subscription is disabled.
 *
 * <p>Messages of one subscription go out one after another in the order they were emitted (so a
 * reschedule pair arrives in the chosen order); different subscriptions are served in parallel.
 *
 * <p>Retries run on the sandbox clock: each retry is due at a sandbox instant (the previous attempt's
 * plus the back-off), and goes out when the sandbox clock reaches it, either because real time
 * passed ({@code delay / timeScale}) or because {@link #releaseDue} ran after an
 * {@code advanceTime}. An attempt's Calendly time is its due time, so the schedule, the 24-hour
 * window, {@code retry_started_at} and the disable time are the same however the clock got there.
 * Signatures still carry the base clock's time: receivers compare {@code t} with their own clock.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** Which subscriptions an event concerns. */
    public record Audience(String orgUuid, Set<String> userUuids, boolean organizationScopeOnly) {
    }

    /**
     * One webhook body for one subscription, built by {@link #prepare} under the store lock at sandbox
     * time {@code emittedAt}; {@code inviteeUri} and {@code inviteeEmail} (for drop rules) are null
     * unless it is about an invitee.
     */
    public record Message(long id, String subscriptionUuid, String url, String event, byte[] body, String signingKey,
                          String inviteeUri, String inviteeEmail, Instant emittedAt) {
    }

    /** A message's way through its attempts. */
    private static final class Delivery {
        final Message message;
        /** Written by the lane running the message, read by timers and {@link #releaseDue}. */
        volatile int attempts;
        /** Sandbox time of the next (or current) attempt; the first is due when the message was emitted. */
        volatile Instant dueAt;
        volatile State state = State.QUEUED;
        Instant firstFailureAt;

        Delivery(Message message) {
            this.message = message;
            this.dueAt = message.emittedAt();
        }
    }

    private enum State { QUEUED, WAITING, DONE }

    /** How long {@link #releaseDue} waits for the deliveries it released before giving up. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);

    private final Store store;
    private final Settings settings;
    private final SandboxClock clock;
    private final Uris uris;
    private final FaultState faults;
    private final DeliveryLog log;
    private final HttpClient http;
    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** Messages waiting for a retry; removing one claims the right to send it. */
    private final Set<Delivery> waiting = ConcurrentHashMap.newKeySet();
    /** Messages not finished yet (queued, in flight or waiting for a retry). */
    private final Set<Delivery> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong messageIds = new AtomicLong();
    private volatile boolean closed;

    public WebhookDispatcher(Store store, Settings settings, SandboxClock clock, Uris uris, FaultState faults,
                             DeliveryLog log) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.uris = uris;
        this.faults = faults;
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> daemon(r, "sandbox-webhook-" + n.incrementAndGet()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sandbox-webhook-retry"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.deliveryConnectTimeout)
                .executor(workers)
                .build();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Builds the messages for an event. Call with the store lock held, right after the change, so
     * the payload is a snapshot of that moment; then pass the result to {@link #send}.
     */
    public List<Message> prepare(String event, Audience audience, ObjectNode payload, Instant at) {
        List<Message> out = new ArrayList<>();
        for (Subscription s : store.subscriptions.values()) {
            if (!"active".equals(s.state) || !s.events.contains(event) || !s.orgUuid.equals(audience.orgUuid())) {
                continue;
            }
            boolean matches = switch (s.scope) {
                case "organization" -> true;
                case "user" -> !audience.organizationScopeOnly() && audience.userUuids().contains(s.userUuid);
                default -> false;
            };
            if (!matches) {
                continue;
            }
            ObjectNode envelope = CalendlyJson.object();
            envelope.put("created_at", Times.wholeSeconds(at));
            envelope.put("created_by", uris.of(USERS, s.creatorUuid));
            envelope.put("event", event);
            envelope.set("payload", payload.deepCopy());
            byte[] body = CalendlyJson.bytes(envelope, CalendlyJson.Style.WEBHOOK);
            boolean aboutInvitee = event.startsWith("invitee");
            out.add(new Message(messageIds.incrementAndGet(), s.uuid, s.callbackUrl, event, body, signingKey(s),
                    aboutInvitee ? payload.path("uri").asText(null) : null,
                    aboutInvitee ? payload.path("email").asText(null) : null, at));
        }
        return out;
    }

    private String signingKey(Subscription s) {
        if (s.clientId == null) {
            return s.signingKey;
        }
        App app = store.apps.get(s.clientId);
        String appKey = app == null ? null : app.signingKey();
        if (settings.signingKeyPolicy == SigningKeyPolicy.APP_KEY_ONLY) {
            return appKey;
        }
        return s.signingKey != null ? s.signingKey : appKey;
    }

    /** Queues messages for delivery, each behind earlier messages of the same subscription. */
    public void send(List<Message> messages) {
        for (Message m : messages) {
            Delivery d = new Delivery(m);
            log.pending(1);
            live.add(d);
            lane(m.subscriptionUuid()).submit(() -> attempt(d));
        }
    }

    private Lane lane(String subscriptionUuid) {
        return lanes.computeIfAbsent(subscriptionUuid, k -> new Lane());
    }

    private void attempt(Delivery d) {
        boolean finished = true;
        try {
            finished = doAttempt(d);
        } catch (RuntimeException e) {
            LOG.warn("webhook delivery #{} crashed", d.message.id(), e);
        } finally {
            if (finished) {
                d.state = State.DONE;
                live.remove(d);
                log.pending(-1);
            }
        }
    }

    /** @return true when the message needs no further attempt */
    private boolean doAttempt(Delivery d) {
        Message m = d.message;
        if (closed || !subscriptionActive(m.subscriptionUuid())) {
            return true;
        }
        d.attempts++;
        if (d.attempts == 1) {
            Duration delay = faults.takeDelay();
            if (!delay.isZero()) {
                sleep(delay);
            }
            boolean dropped = faults.dropped(m.event(), m.inviteeUri(), m.inviteeEmail());
            if (dropped || FaultState.take(faults.dropNext)) {
                log.record(attemptOf(d, Map.of(), clock.baseInstant(), null, DeliveryOutcome.DROPPED,
                        dropped ? "dropped by a drop-deliveries rule" : "dropped by fault injection"));
                return true;
            }
        }
        DeliveryAttempt a = post(d);
        log.record(a);
        if (a.delivered()) {
            onSuccess(d);
            if (d.attempts == 1 && FaultState.take(faults.duplicateNext)) {
                log.record(post(d));
            }
            return true;
        }
        return !scheduleRetry(d);
    }

    private DeliveryAttempt post(Delivery d) {
        Message m = d.message;
        Instant sentAt = clock.baseInstant();
        long t = sentAt.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("user-agent", "Calendly");
        headers.put("accept", "*/*");
        if (m.signingKey() != null) {
            String key = faults.breakSignatures.get() ? m.signingKey() + "-broken" : m.signingKey();
            headers.put("Calendly-Webhook-Signature", CalendlySignatures.header(key, t, m.body()));
        }
        HttpRequest.Builder rb;
        try {
            rb = HttpRequest.newBuilder(URI.create(m.url()))
                    .timeout(settings.deliveryReadTimeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(m.body()));
        } catch (IllegalArgumentException e) {
            return attemptOf(d, headers, sentAt, null, DeliveryOutcome.FAILED_CONNECTION,
                    "bad callback URL: " + e.getMessage());
        }
        Instant outageEnd = faults.outageAt(m.url(), d.dueAt);
        if (outageEnd != null) {
            return attemptOf(d, headers, sentAt, null, DeliveryOutcome.FAILED_CONNECTION,
                    "connection refused (injected outage until " + Times.micros(outageEnd) + ")");
        }
        headers.forEach(rb::header);
        try {
            HttpResponse<Void> r = http.send(rb.build(), HttpResponse.BodyHandlers.discarding());
            int status = r.statusCode();
            DeliveryOutcome outcome = status >= 200 && status < 300 ? DeliveryOutcome.DELIVERED
                    : DeliveryOutcome.FAILED_STATUS;
            return attemptOf(d, headers, sentAt, status, outcome, null);
        } catch (HttpConnectTimeoutException e) {
            return attemptOf(d, headers, sentAt, null, DeliveryOutcome.FAILED_TIMEOUT, "connect timeout");
        } catch (HttpTimeoutException e) {
            return attemptOf(d, headers, sentAt, null, DeliveryOutcome.FAILED_TIMEOUT, "read timeout");
        } catch (ConnectException e) {
            return attemptOf(d, headers, sentAt, null, DeliveryOutcome.FAILED_CONNECTION, "connection refused");
        } catch (IOException e) {
            return attemptOf(d, headers, sentAt, null, DeliveryOutcome.FAILED_CONNECTION, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return attemptOf(d, headers, sentAt, null, DeliveryOutcome.FAILED_CONNECTION, "interrupted");
        }
    }

    /** What the delivery log keeps of the current attempt; its Calendly time is the attempt's due time. */
    private DeliveryAttempt attemptOf(Delivery d, Map<String, String> headers, Instant sentAt, Integer status,
                                      DeliveryOutcome outcome, String error) {
        Message m = d.message;
        return new DeliveryAttempt(m.id(), d.attempts, uris.of(SUBSCRIPTIONS, m.subscriptionUuid()), m.url(), m.event(),
                headers, m.body(), sentAt, d.dueAt, status, outcome, error);
    }

    private boolean subscriptionActive(String uuid) {
        synchronized (store) {
            Subscription s = store.subscriptions.get(uuid);
            return s != null && "active".equals(s.state);
        }
    }

    private void onSuccess(Delivery d) {
        synchronized (store) {
            Subscription s = store.subscriptions.get(d.message.subscriptionUuid());
            if (s == null) {
                return;
            }
            s.lastSuccessAt = d.dueAt;
            if (d.firstFailureAt != null) {
                s.messagesInRetry = Math.max(0, s.messagesInRetry - 1);
                if (s.messagesInRetry == 0) {
                    s.retryStartedAt = null;
                }
            }
        }
    }

    /**
     * Schedules the next attempt of a failed message: due after a doubling delay, the last one clamped
     * to the end of the retry window. Past the window the message is given up and, unless another
     * message got through since it first failed, the subscription is disabled at the window's end.
     *
     * @return true when a retry was scheduled
     */
    private boolean scheduleRetry(Delivery d) {
        Instant attemptAt = d.dueAt;
        Instant next = null;
        boolean disabled = false;
        synchronized (store) {
            Subscription s = store.subscriptions.get(d.message.subscriptionUuid());
            if (s == null || !"active".equals(s.state)) {
                return false;
            }
            if (d.firstFailureAt == null) {
                d.firstFailureAt = attemptAt;
                s.messagesInRetry++;
                if (s.retryStartedAt == null) {
                    s.retryStartedAt = attemptAt;
                }
            }
            Instant windowEnd = d.firstFailureAt.plus(settings.retryWindow);
            if (attemptAt.isBefore(windowEnd)) {
                next = attemptAt.plus(settings.firstRetryDelay.multipliedBy(1L << Math.min(30, d.attempts - 1)));
                if (next.isAfter(windowEnd)) {
                    next = windowEnd;
                }
            } else {
                s.messagesInRetry = Math.max(0, s.messagesInRetry - 1);
                boolean deliveredSince = s.lastSuccessAt != null && s.lastSuccessAt.isAfter(d.firstFailureAt);
                if (!deliveredSince) {
                    s.state = "disabled";
                    s.updatedAt = windowEnd;
                    LOG.info("webhook subscription {} disabled after its retry window", s.uuid);
                } else if (s.messagesInRetry == 0) {
                    s.retryStartedAt = null;
                }
                disabled = "disabled".equals(s.state);
            }
        }
        if (next == null) {
            if (disabled) {
                // Its other retries end at once (a disabled subscription gets nothing), not when their timers fire.
                waiting.stream().filter(x -> x.message.subscriptionUuid().equals(d.message.subscriptionUuid()))
                        .forEach(x -> release(x, x.attempts));
            }
            return false;
        }
        d.dueAt = next;
        d.state = State.WAITING;
        waiting.add(d);
        int round = d.attempts;
        Duration untilDue = Duration.between(clock.instant(), next);
        if (untilDue.isNegative() || untilDue.isZero()) {
            release(d, round);
            return true;
        }
        long wallNanos = (long) (untilDue.toNanos() / settings.timeScale);
        try {
            scheduler.schedule(() -> release(d, round), wallNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            waiting.remove(d);
            return false;
        }
    }

    /** Sends a waiting message's retry unless someone else already did (or it belongs to an older round). */
    private void release(Delivery d, int round) {
        if (d.attempts == round && waiting.remove(d)) {
            d.state = State.QUEUED;
            lane(d.message.subscriptionUuid()).submit(() -> attempt(d));
        }
    }

    /**
     * Sends every retry that is due on the sandbox clock (call after moving it forward), and waits
     * until every message is delivered, given up, or waiting for a retry that is not due yet. A jump
     * of 30 hours thus runs a whole retry window and leaves the subscription disabled.
     *
     * @throws IllegalStateException when the released deliveries are still running after two minutes
     */
    public void releaseDue() {
        Instant now = clock.instant();
        List<Delivery> due = waiting.stream().filter(d -> !d.dueAt.isAfter(now))
                .sorted(java.util.Comparator.comparing((Delivery d) -> d.dueAt).thenComparingLong(d -> d.message.id()))
                .toList();
        for (Delivery d : due) {
            release(d, d.attempts);
        }
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (!live.stream().allMatch(this::settled)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("webhook deliveries are still running " + SETTLE_TIMEOUT
                        + " after the sandbox clock moved");
            }
            sleep(Duration.ofMillis(2));
        }
    }

    private boolean settled(Delivery d) {
        return closed || d.state == State.DONE
                || (d.state == State.WAITING && d.dueAt.isAfter(clock.instant()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    /** Runs tasks one at a time, in submission order, on the shared worker pool. */
    private final class Lane {
        private final Queue<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        synchronized void submit(Runnable task) {
            tasks.add(task);
            if (!running) {
                running = true;
                dispatchNext();
            }
        }

        private void dispatchNext() {
            Runnable next = tasks.poll();
            if (next == null) {
                running = false;
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        next.run();
                    } finally {
                        synchronized (Lane.this) {
                            dispatchNext();
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                running = false;
                tasks.clear();
            }
        }
    }
}
