package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The webhook endpoint as a host gets it: through CalendlyPlugin, honouring routePrefix. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // per test: a hang fails it instead of stalling the build
class WebhookWiringTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void pluginServesTheWebhookUnderItsRoutePrefix_andCountsDeliveries() throws Exception {
        var meters = new SimpleMeterRegistry();
        Javalin app = Javalin.create(config -> config.registerPlugin(new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.security = io.calbridge.calendly.TestSecurity.NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
            c.masterKey = WebhookHarness.MASTER_KEY;
            c.routePrefix = "/calendly";
            c.meterRegistry = meters;
        })));
        try {
            app.start(0);
            Db direct = new Db(db.dataSource());
            var integration = new TestIntegrations(direct, WebhookHarness.keyring(direct, Clock.systemUTC()))
                    .create("tenant-wired", Secret.of("wired-key"));
            byte[] body = CalendlyFixtures.webhook("invitee.created.basic.json");
            long t = Clock.systemUTC().instant().getEpochSecond();
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                            + "/calendly/api/webhooks/calendly/" + integration.token()))
                    .header("Calendly-Webhook-Signature", "t=" + t + ",v1=" + SignatureVerifier.sign(integration.key(), t, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();

            var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode(), response.body());
            assertEquals(1.0, meters.get("calendly.webhook.deliveries").tag("outcome", "accepted").counter().count());
            assertTrue(meters.find("calendly.webhook.inbox.depth").gauge().value() >= 1.0);
        } finally {
            app.stop();
        }
    }

    @Test
    void impossibleWebhookSettings_failAtRegistrationNamingTheKnob() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.security = io.calbridge.calendly.TestSecurity.NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
            c.masterKey = WebhookHarness.MASTER_KEY;
            c.webhookMaxAttempts = 0;
        }));

        assertTrue(e.getMessage().startsWith("webhookMaxAttempts must be at least 1"), e.getMessage());
    }
}
