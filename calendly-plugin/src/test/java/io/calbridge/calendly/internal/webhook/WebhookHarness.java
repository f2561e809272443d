package io.calbridge.calendly.internal.webhook;

import io.calbridge.testing.Http;
import io.calbridge.testing.TestClock;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;

/**
 * The webhook feature on a real Javalin server (port 0) and a real PostgreSQL schema, with a real
 * HTTP client. The worker threads are not started unless asked: tests drive {@code worker().runOnce()}.
 */
final class WebhookHarness implements AutoCloseable {
    final Db db;
    final TestClock clock = TestClock.atNow();
    final TenantKeyring box;
    final RecordingProcessor processor = new RecordingProcessor();
    /** What the worker reported to its dead-letter listener, as "inboxId: error". */
    final java.util.List<String> deadLettered = new java.util.concurrent.CopyOnWriteArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TestIntegrations integrations;
    final Webhooks webhooks;
    final Javalin app;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    WebhookHarness(DataSource dataSource, WebhookSettings settings) {
        this(dataSource, settings, p -> { });
    }

    /** {@code prepare} sets the recording processor up before the worker threads start. */
    WebhookHarness(DataSource dataSource, WebhookSettings settings, java.util.function.Consumer<RecordingProcessor> prepare) {
        this(dataSource, settings, prepare, null);
    }

    /** With {@code real} (null: the recording processor) as the worker's processor. */
    WebhookHarness(DataSource dataSource, WebhookSettings settings, java.util.function.Consumer<RecordingProcessor> prepare,
                   DeliveryProcessor real) {
        prepare.accept(processor);
        this.db = new Db(dataSource);
        this.box = keyring(db, clock);
        this.integrations = new TestIntegrations(db, box);
        this.webhooks = Webhooks.create(db, box, real == null ? processor : real, settings, meters, clock,
                (delivery, error) -> deadLettered.add(delivery.inboxId() + ": " + error));
        this.app = Javalin.create(config -> webhooks.registerRoutes(config.routes));
        app.start(0);
        webhooks.start();
    }

    /** One master key for every node of the test JVM, as in production. */
    static final MasterKey MASTER_KEY = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());

    /** The real keyring (feat/crypto). */
    static TenantKeyring keyring(Db db, java.time.Clock clock) {
        return TenantKeyring.create(db, MASTER_KEY, List.of(), clock, null);
    }

    static WebhookHarness storeOnly(DataSource dataSource) {
        return new WebhookHarness(dataSource, WebhookSettings.defaults().withWorker(0, 3, WebhookSettings.DEFAULT_LEASE,
                WebhookSettings.DEFAULT_POLL_INTERVAL));
    }

    String sign(Secret key, byte[] body) {
        long t = clock.instant().getEpochSecond();
        return "t=" + t + ",v1=" + SignatureVerifier.sign(key, t, body);
    }

    HttpResponse<String> post(String path, byte[] body, String signature) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header(WebhookRoutes.SIGNATURE_HEADER, signature);
        }
        return Http.send(http, request.build());
    }

    HttpResponse<String> deliver(TestIntegrations.TestIntegration integration, byte[] body, String signature) {
        return post(WebhookRoutes.PATH + "/" + integration.token(), body, signature);
    }

    HttpResponse<String> deliverSigned(TestIntegrations.TestIntegration integration, byte[] body) {
        return deliver(integration, body, sign(integration.key(), body));
    }

    static String errorCode(HttpResponse<String> response) {
        try {
            JsonNode json = Json.mapper().readTree(response.body());
            return json.path("error").path("code").asText(null);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static String status(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body()).path("status").asText(null);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    record InboxRow(long id, String tenantId, UUID integrationId, String event, String dedupeKey, byte[] rawBody,
                    String status, int attempts, String lastError) {
    }

    /** The inbox's statements as the plugin runs them: bodies sealed with the tenant's key. */
    WebhookInbox sealedInbox() {
        return new WebhookInbox(io.calbridge.calendly.internal.crypto.PersonalData.sealedBy(box));
    }

    /** The row's body as Calendly sent it: stored sealed with the tenant's key, opened here. */
    byte[] opened(InboxRow row) {
        return new WebhookInbox(io.calbridge.calendly.internal.crypto.PersonalData.sealedBy(box))
                .openBody(row.tenantId(), row.integrationId(), row.dedupeKey(), row.rawBody());
    }

    List<InboxRow> inbox(UUID integrationId) {
        var i = CALENDLY_WEBHOOK_INBOX;
        return db.dsl().select(i.ID, i.TENANT_ID, i.INTEGRATION_ID, i.EVENT, i.DEDUPE_KEY, i.RAW_BODY, i.STATUS, i.ATTEMPTS,
                        i.LAST_ERROR)
                .from(i).where(i.INTEGRATION_ID.eq(integrationId)).orderBy(i.ID)
                .fetch(r -> new InboxRow(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7(),
                        r.value8(), r.value9()));
    }

    InboxRow row(long id) {
        var i = CALENDLY_WEBHOOK_INBOX;
        return db.dsl().select(i.ID, i.TENANT_ID, i.INTEGRATION_ID, i.EVENT, i.DEDUPE_KEY, i.RAW_BODY, i.STATUS, i.ATTEMPTS,
                        i.LAST_ERROR)
                .from(i).where(i.ID.eq(id))
                .fetchOne(r -> new InboxRow(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7(),
                        r.value8(), r.value9()));
    }

    /**
     * Rejection reasons recorded for an integration, oldest first, once at least {@code count} are there
     * (the rejection log writes in the background).
     */
    List<String> awaitRejections(UUID integrationId, int count) {
        var r = CALENDLY_WEBHOOK_REJECTION;
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> db.dsl().select(r.REASON).from(r).where(r.INTEGRATION_ID.eq(integrationId)).orderBy(r.ID).fetch(r.REASON),
                reasons -> reasons.size() >= count);
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        webhooks.stop();
        app.stop();
    }
}
