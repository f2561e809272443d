package io.calbridge.sandbox.internal.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** Which subscriptions an event concerns. */
    public record Audience(String orgUuid, Set<String> userUuids, boolean organizationScopeOnly) {
    }

    /** One webhook body on its way to one subscription. */
    public static final class Message {
        final long id;
        final String subscriptionUuid;
        final String url;
        final String event;
        final byte[] body;
        final String signingKey;
        int attempts;
        Duration simulatedElapsed = Duration.ZERO;
        Instant firstFailureAt;

        Message(long id, String subscriptionUuid, String url, String event, byte[] body, String signingKey) {
            this.id = id;
            this.subscriptionUuid = subscriptionUuid;
            this.url = url;
            this.event = event;
            this.body = body;
            this.signingKey = signingKey;
        }
    }

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
            envelope.put("created_by", uris.user(s.creatorUuid));
            envelope.put("event", event);
            envelope.set("payload", payload.deepCopy());
            byte[] body = CalendlyJson.bytes(envelope, CalendlyJson.Style.WEBHOOK);
            out.add(new Message(messageIds.incrementAndGet(), s.uuid, s.callbackUrl, event, body, signingKey(s)));
        }
        return out;
    }

    private String signingKey(Subscription s) {
        if (s.clientId == null) {
            return s.signingKey;
        }
        App app = store.apps.get(s.clientId);
        String appKey = app == null ? null : app.signingKey;
        if (settings.signingKeyPolicy == SigningKeyPolicy.APP_KEY_ONLY) {
            return appKey;
        }
        return s.signingKey != null ? s.signingKey : appKey;
    }

    /** Queues messages for delivery, each behind earlier messages of the same subscription. */
    public void send(List<Message> messages) {
        for (Message m : messages) {
            log.pending(1);
            lane(m.subscriptionUuid).submit(() -> attempt(m));
        }
    }

    private Lane lane(String subscriptionUuid) {
        return lanes.computeIfAbsent(subscriptionUuid, k -> new Lane());
    }

    private void attempt(Message m) {
        boolean finished = true;
        try {
            finished = doAttempt(m);
        } catch (RuntimeException e) {
            LOG.warn("webhook delivery #{} crashed", m.id, e);
        } finally {
            if (finished) {
                log.pending(-1);
            }
        }
    }

    /** @return true when the message needs no further attempt */
    private boolean doAttempt(Message m) {
        if (closed || !subscriptionActive(m.subscriptionUuid)) {
            return true;
        }
        m.attempts++;
        if (m.attempts == 1) {
            Duration delay = faults.takeDelay();
            if (!delay.isZero()) {
                sleep(delay);
            }
            if (FaultState.take(faults.dropNext)) {
                log.record(new DeliveryAttempt(m.id, m.attempts, uris.subscription(m.subscriptionUuid), m.url, m.event,
                        Map.of(), m.body, clock.baseInstant(), null, DeliveryOutcome.DROPPED, "dropped by fault injection"));
                return true;
            }
        }
        DeliveryAttempt a = post(m);
        log.record(a);
        if (a.delivered()) {
            onSuccess(m);
            if (m.attempts == 1 && FaultState.take(faults.duplicateNext)) {
                log.record(post(m));
            }
            return true;
        }
        return !scheduleRetry(m);
    }

    private DeliveryAttempt post(Message m) {
        Instant sentAt = clock.baseInstant();
        long t = sentAt.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("user-agent", "Calendly");
        headers.put("accept", "*/*");
        if (m.signingKey != null) {
            String key = faults.breakSignatures.get() ? m.signingKey + "-broken" : m.signingKey;
            headers.put("Calendly-Webhook-Signature", Signatures.header(key, t, m.body));
        }
        String subUri = uris.subscription(m.subscriptionUuid);
        HttpRequest.Builder rb;
        try {
            rb = HttpRequest.newBuilder(URI.create(m.url))
                    .timeout(settings.deliveryReadTimeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(m.body));
        } catch (IllegalArgumentException e) {
            return new DeliveryAttempt(m.id, m.attempts, subUri, m.url, m.event, headers, m.body, sentAt, null,
                    DeliveryOutcome.FAILED_CONNECTION, "bad callback URL: " + e.getMessage());
        }
        headers.forEach(rb::header);
        try {
            HttpResponse<Void> r = http.send(rb.build(), HttpResponse.BodyHandlers.discarding());
            int status = r.statusCode();
            DeliveryOutcome outcome = status >= 200 && status < 300 ? DeliveryOutcome.DELIVERED
                    : DeliveryOutcome.FAILED_STATUS;
            return new DeliveryAttempt(m.id, m.attempts, subUri, m.url, m.event, headers, m.body, sentAt, status,
                    outcome, null);
        } catch (HttpConnectTimeoutException e) {
            return failure(m, subUri, headers, sentAt, DeliveryOutcome.FAILED_TIMEOUT, "connect timeout");
        } catch (HttpTimeoutException e) {
            return failure(m, subUri, headers, sentAt, DeliveryOutcome.FAILED_TIMEOUT, "read timeout");
        } catch (ConnectException e) {
            return failure(m, subUri, headers, sentAt, DeliveryOutcome.FAILED_CONNECTION,
                    "connection refused");
        } catch (IOException e) {
            return failure(m, subUri, headers, sentAt, DeliveryOutcome.FAILED_CONNECTION, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(m, subUri, headers, sentAt, DeliveryOutcome.FAILED_CONNECTION, "interrupted");
        }
    }

    private DeliveryAttempt failure(Message m, String subUri, Map<String, String> headers, Instant sentAt,
                                    DeliveryOutcome outcome, String error) {
        return new DeliveryAttempt(m.id, m.attempts, subUri, m.url, m.event, headers, m.body, sentAt, null, outcome,
                error);
    }

    private boolean subscriptionActive(String uuid) {
        synchronized (store) {
            Subscription s = store.subscriptions.get(uuid);
            return s != null && "active".equals(s.state);
        }
    }

    private void onSuccess(Message m) {
        synchronized (store) {
            Subscription s = store.subscriptions.get(m.subscriptionUuid);
            if (s == null) {
                return;
            }
            s.lastSuccessAt = clock.instant();
            if (m.firstFailureAt != null) {
                s.messagesInRetry = Math.max(0, s.messagesInRetry - 1);
                if (s.messagesInRetry == 0) {
                    s.retryStartedAt = null;
                }
            }
        }
    }

    /** @return true when a retry was scheduled */
    private boolean scheduleRetry(Message m) {
        Duration next = settings.firstRetryDelay.multipliedBy(1L << Math.min(30, m.attempts - 1));
        synchronized (store) {
            Subscription s = store.subscriptions.get(m.subscriptionUuid);
            if (s == null || !"active".equals(s.state)) {
                return false;
            }
            Instant now = clock.instant();
            if (m.firstFailureAt == null) {
                m.firstFailureAt = now;
                s.messagesInRetry++;
                if (s.retryStartedAt == null) {
                    s.retryStartedAt = now;
                }
            }
            if (m.simulatedElapsed.plus(next).compareTo(settings.retryWindow) > 0) {
                s.messagesInRetry = Math.max(0, s.messagesInRetry - 1);
                boolean deliveredSince = s.lastSuccessAt != null && s.lastSuccessAt.isAfter(m.firstFailureAt);
                if (!deliveredSince) {
                    s.state = "disabled";
                    s.updatedAt = now;
                    LOG.info("webhook subscription {} disabled after its retry window", s.uuid);
                } else if (s.messagesInRetry == 0) {
                    s.retryStartedAt = null;
                }
                return false;
            }
            m.simulatedElapsed = m.simulatedElapsed.plus(next);
        }
        long wallNanos = (long) (next.toNanos() / settings.timeScale);
        try {
            scheduler.schedule(() -> lane(m.subscriptionUuid).submit(() -> attempt(m)), wallNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
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
