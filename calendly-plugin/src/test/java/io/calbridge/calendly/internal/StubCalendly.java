package io.calbridge.calendly.internal;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.ClientOptions;
import io.calbridge.calendly.internal.client.Sleeper;
import io.calbridge.calendly.internal.cluster.Invalidations;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.calendly.internal.oauth.Connections;
import io.calbridge.calendly.internal.oauth.OAuthSettings;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.internal.sync.OneBookingPerInvitee;
import io.calbridge.calendly.internal.sync.Sync;
import io.calbridge.calendly.internal.sync.SyncOptions;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counting stand-in for Calendly's API over real HTTP (Javalin) for work that walks many
 * integrations: each integration's subscription listing shows the subscription its row tracks,
 * each scheduled-event listing holds {@link #EVENTS} events with no invitee. Answers at once, so
 * what a benchmark measures is the plugin's side. Calls are counted per kind and per Calendly user
 * (per bearer token).
 */
final class StubCalendly implements AutoCloseable {
    static final int EVENTS = 3;

    final Javalin app;
    final LongAdder subscriptionLists = new LongAdder();
    final LongAdder eventLists = new LongAdder();
    final LongAdder inviteeLists = new LongAdder();
    final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    /** Organization URI → webhook path token, so a listing shows the subscription the row tracks. */
    final Map<String, String> tokens = new ConcurrentHashMap<>();
    volatile String publicBase;

    StubCalendly() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/webhook_subscriptions", ctx -> {
                subscriptionLists.increment();
                count(ctx.header("Authorization"));
                String org = ctx.queryParam("organization");
                String id = org.substring(org.lastIndexOf('/') + 1);
                ctx.contentType("application/json").result("{\"collection\":[{\"uri\":\"" + base() + "/webhook_subscriptions/"
                        + id + "\",\"callback_url\":\"" + publicBase + "/api/webhooks/calendly/" + tokens.get(org)
                        + "\",\"created_at\":\"2026-01-01T00:00:00.000000Z\",\"updated_at\":\"2026-01-01T00:00:00.000000Z\","
                        + "\"retry_started_at\":null,\"state\":\"active\",\"events\":[\"invitee.created\",\"invitee.canceled\"],"
                        + "\"scope\":\"user\",\"organization\":\"" + org + "\",\"user\":\"" + ctx.queryParam("user")
                        + "\",\"creator\":null}],\"pagination\":{\"count\":1,\"next_page\":null}}");
            });
            cfg.routes.get("/scheduled_events", ctx -> {
                eventLists.increment();
                count(ctx.header("Authorization"));
                StringBuilder events = new StringBuilder();
                for (int i = 0; i < EVENTS; i++) {
                    events.append(i == 0 ? "" : ",").append("{\"uri\":\"").append(base()).append("/scheduled_events/")
                            .append(UUID.randomUUID()).append("\",\"name\":\"Call\",\"status\":\"active\",")
                            .append("\"start_time\":\"2026-12-10T10:00:00.000000Z\",\"end_time\":\"2026-12-10T10:30:00.000000Z\",")
                            .append("\"invitees_counter\":{\"total\":0,\"active\":0,\"limit\":1}}");
                }
                ctx.contentType("application/json").result("{\"collection\":[" + events
                        + "],\"pagination\":{\"count\":" + EVENTS + ",\"next_page\":null}}");
            });
            cfg.routes.get("/scheduled_events/{uuid}/invitees", ctx -> {
                inviteeLists.increment();
                count(ctx.header("Authorization"));
                ctx.contentType("application/json").result("{\"collection\":[],\"pagination\":{\"count\":0,\"next_page\":null}}");
            });
        }).start(0);
    }

    String base() {
        return "http://127.0.0.1:" + app.port();
    }

    private void count(String authorization) {
        perUser.computeIfAbsent(String.valueOf(authorization), k -> new AtomicInteger()).incrementAndGet();
    }

    long calls() {
        return subscriptionLists.sum() + eventLists.sum() + inviteeLists.sum();
    }

    int maxPerUser() {
        return perUser.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    void reset() {
        subscriptionLists.reset();
        eventLists.reset();
        inviteeLists.reset();
        perUser.clear();
    }

    @Override
    public void close() {
        app.stop();
    }

    /** One tenant with one connected personal-token integration each, written by 4 threads. */
    /** What a node runs over the integrations: the subscription checks and the sync, against this stub. */
    record Node(Connections connections, Sync sync) {
    }

    Node node(Db db, MasterKey masterKey, Clock clock) {
        TenantKeyring keyring = TenantKeyring.create(db, masterKey, List.of(), clock, null);
        URI api = URI.create(base());
        ClientOptions client = new ClientOptions(api, api, Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofSeconds(30));
        publicBase = "https://crm.example.com";
        OAuthSettings oauth = new OAuthSettings(URI.create(publicBase), "", null, null, List.of("default"), null,
                Duration.ofMinutes(5), Duration.ofMinutes(15), client);
        CalendlyClient calendly = new CalendlyClient(client, Sleeper.SYSTEM, clock);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Connections connections = Connections.create(db, keyring, keyring.accessTokens(), calendly, oauth,
                (tenant, id, reason, at) -> { }, ctx -> Optional.empty(), id -> { }, Invalidations.NONE, meters, clock);
        // The stub lists no invitee, so nothing is repaired and the booking pipeline is never called.
        OneBookingPerInvitee pipeline = new OneBookingPerInvitee(db,
                Bookings.create(db, io.calbridge.calendly.TestHost.services(), clock).processor(), clock);
        return new Node(connections, Sync.create(db, pipeline, calendly, connections.tokens(), new Access(null),
                SyncOptions.defaults(), meters, clock));
    }

    void seed(Db db, TenantKeyring keyring, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            OffsetDateTime checked = Instant.now().minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC);
            for (int w = 0; w < 4; w++) {
                done.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        UUID id = UUID.randomUUID();
                        String tenant = "checks-tenant-" + i;
                        String token = WebhookPathTokens.newToken();
                        String org = base() + "/organizations/" + id;
                        tokens.put(org, token);
                        db.dsl().insertInto(CALENDLY_INTEGRATION)
                                .set(CALENDLY_INTEGRATION.ID, id)
                                .set(CALENDLY_INTEGRATION.TENANT_ID, tenant)
                                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PERSONAL_TOKEN")
                                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                                .set(WebhookPathTokens.columns(token,
                                    keyring.seal(tenant, Purpose.WEBHOOK_PATH_TOKEN, id, Secret.of(token))))
                                .set(CALENDLY_INTEGRATION.CALENDLY_USER_URI, base() + "/users/" + id)
                                .set(CALENDLY_INTEGRATION.CALENDLY_ORGANIZATION_URI, org)
                                .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC,
                                        keyring.seal(tenant, Purpose.PERSONAL_ACCESS_TOKEN, id, Secret.of("pat-" + id)))
                                .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC,
                                        keyring.seal(tenant, Purpose.SIGNING_KEY, id, Secret.of("key-" + id)))
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_URI, base() + "/webhook_subscriptions/" + id)
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_SCOPE, "user")
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_STATE, "active")
                                .set(CALENDLY_INTEGRATION.SUBSCRIPTION_CHECKED_AT, checked)
                                .execute();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
