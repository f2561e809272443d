package io.calbridge.calendly.internal.booking;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.fixtures.CalendlyFixtures;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/** The booking feature over the plugin's own tables, for tests with a host of their own. */
final class BookingDb {
    private static final java.util.concurrent.atomic.AtomicLong INBOX = new java.util.concurrent.atomic.AtomicLong();

    private BookingDb() {
    }

    /** A connected integration of tenant {@code tenant-<id>}, with default booking settings. */
    static UUID integration(DataSource dataSource) {
        UUID id = UUID.randomUUID();
        new Db(dataSource).dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, "tenant-" + id)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PLATFORM_APP")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .execute();
        return id;
    }

    /** {@code body} as the inbox hands it to the worker: a stored delivery of the integration, its event read from the body. */
    static StoredDelivery delivery(UUID integration, byte[] body) {
        String event;
        try {
            event = io.calbridge.calendly.internal.common.Json.mapper().readTree(body).path("event").asText();
        } catch (java.io.IOException e) {
            event = "";
        }
        return new StoredDelivery(INBOX.incrementAndGet(), "tenant-" + integration, integration, event, body, 1,
                Instant.parse("2026-04-20T00:00:00Z"));
    }

    /** Processes a recorded {@code invitee.created} fixture as a webhook delivery. */
    static ProcessingResult process(DataSource dataSource, HostServices host, UUID integration, String fixture) {
        byte[] body = CalendlyFixtures.webhook(fixture);
        return Bookings.create(new Db(dataSource), host, Clock.systemUTC()).processor()
                .process(new StoredDelivery(1, "tenant-" + integration, integration, "invitee.created", body, 1,
                        Instant.parse("2026-04-20T00:00:00Z")));
    }
}
