package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Regression (issue 13): a correctly signed body that is not JSON was refused with Jackson's own
 * message, {@code Unrecognized token 'JaneDoePrivateSurname_555_0100'}, in the answer, the rejection
 * table and the log, although the docs promise no body byte in any error text. And a refused delivery
 * of a known integration was logged with {@code tenant=none}: the log line must carry the tenant.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RejectionTextTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static WebhookHarness h;
    static final String SECRET = "JaneDoePrivateSurname_555_0100";

    @BeforeAll
    static void start() {
        h = WebhookHarness.storeOnly(db.dataSource());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void noRejectionRepeatsTheBody_inTheAnswer_theRejectionTable_orTheLog() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            var integration = h.integrations.create("tenant-" + UUID.randomUUID(), Secret.of("key-" + UUID.randomUUID()));
            List<String> bodies = List.of(
                    "{\"event\":\"invitee.created\",\"payload\":" + SECRET + "}",
                    SECRET,
                    "{\"event\":\"invitee.created\",\"payload\":{\"name\":\"" + SECRET + "\"}} " + SECRET,
                    "{\"event\":\"" + SECRET + "\\u0000\",\"payload\":{\"name\":\"" + SECRET + "\"",
                    "{\"event\":" + "[".repeat(5000) + "\"" + SECRET + "\"" + "]".repeat(5000) + "}");
            for (String body : bodies) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                var answer = h.deliverSigned(integration, bytes);
                assertEquals(400, answer.statusCode(), answer.body());
                assertFalse(answer.body().contains("JaneDoe"), answer.body());
            }
            h.awaitRejections(integration.id(), bodies.size());
            var r = CALENDLY_WEBHOOK_REJECTION;
            for (var row : h.db.dsl().selectFrom(r).where(r.INTEGRATION_ID.eq(integration.id())).fetch()) {
                assertFalse(String.valueOf(row.getDetail()).contains("JaneDoe"), row.getDetail());
                assertFalse(row.getReason().contains("JaneDoe"), row.getReason());
            }
            for (ILoggingEvent e : captured.list) {
                assertFalse(e.getFormattedMessage().contains("JaneDoe"), e.getFormattedMessage());
            }
        } finally {
            root.detachAppender(captured);
        }
    }

    @Test
    void aRefusedDeliveryOfAKnownIntegration_isLoggedWithItsTenant() {
        Logger logger = (Logger) LoggerFactory.getLogger(WebhookReceiver.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            String tenant = "tenant-" + UUID.randomUUID();
            var integration = h.integrations.create(tenant, Secret.of("key-" + UUID.randomUUID()));
            byte[] body = "{\"event\":\"invitee.created\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);

            var answer = h.deliver(integration, body, h.sign(Secret.of("not-the-key"), body));

            assertEquals(401, answer.statusCode(), answer.body());
            ILoggingEvent line = captured.list.stream().filter(e -> e.getFormattedMessage().contains("Rejected webhook delivery"))
                    .findFirst().orElseThrow(() -> new AssertionError("no log line for the refusal: " + captured.list));
            assertEquals(tenant, line.getMDCPropertyMap().get("tenant_id"), "the log pattern's tenant=");
            assertEquals(integration.id().toString(), line.getMDCPropertyMap().get("integration_id"));
            assertTrue(line.getFormattedMessage().contains("signature_mismatch"), line.getFormattedMessage());
        } finally {
            logger.detachAppender(captured);
        }
    }
}
