package io.calbridge.host.crm;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.spi.HostServices;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The plugin's booking feature called directly (internals: {@code Bookings}, stored deliveries),
 * wired to tenant-host's tables as tenant-host runs it; tenants get an integration row written
 * directly. Only for the tests that cannot go through the plugin's API yet
 * ({@code UsesOnlyThePluginApiTest.NOT_YET_MOVED}): {@link BookingBenchmarkTest}, which measures the
 * booking engine itself, and {@link SettingsAndMappingsTest}. Everything else uses {@link Harness}.
 */
final class EngineHarness {
    private static final AtomicLong INBOX = new AtomicLong();

    final DataSource dataSource;
    final Db db;
    final HostServices host;
    final Bookings bookings;

    EngineHarness(DataSource dataSource) {
        this(dataSource, Crm.hostServices(dataSource));
    }

    EngineHarness(DataSource dataSource, HostServices host) {
        this.dataSource = dataSource;
        this.db = new Db(dataSource);
        this.host = host;
        this.bookings = Bookings.create(db, host, Clock.systemUTC());
    }

    /** A tenant whose integration has {@link #standardSettings} stored. */
    TestTenant tenant(String zone) {
        TestTenant t = unconfigured(zone);
        bookings.settings().update(t.tenantId, t.integrationId, standardSettings(t));
        return t;
    }

    /** A tenant with a connected integration (a row written directly) that has the default settings. */
    TestTenant unconfigured(String zone) {
        TestTenant t = TestTenant.create(dataSource, zone);
        UUID integration = UUID.randomUUID();
        db.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, integration)
                .set(CALENDLY_INTEGRATION.TENANT_ID, t.tenantId)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PLATFORM_APP")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .execute();
        return t.connected(new TestTenant.Integration(integration.toString(), null, null));
    }

    /** {@code body} as the inbox would hand it to the worker. */
    static StoredDelivery delivery(TestTenant t, byte[] body) {
        return new StoredDelivery(INBOX.incrementAndGet(), t.tenantId, t.integrationId, eventOf(body), body, 1,
                Instant.parse("2026-04-20T00:00:00Z"));
    }

    ProcessingResult process(TestTenant t, byte[] body) {
        return bookings.processor().process(delivery(t, body));
    }

    ProcessingResult fixture(TestTenant t, String name) {
        return process(t, io.calbridge.fixtures.CalendlyFixtures.webhook(name));
    }

    CrmView view(TestTenant t) {
        return new CrmView(dataSource, t);
    }

    private static String eventOf(byte[] body) {
        try {
            return io.calbridge.calendly.internal.common.Json.mapper().readTree(body).path("event").asText();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * Status "booked", lists Newsletter and Leads, tags calendly and booked, default owner
     * owner@tenant.example, the Calendly host owns when on the team; cancel: tag canceled, status
     * canceled; no-show: tag no-show, status no_show, complete the task, create a follow-up;
     * reschedule: tag rescheduled.
     */
    static BookingSettings standardSettings(TestTenant t) {
        return new BookingSettings(true, "booked", t.user("owner@tenant.example"), true,
                List.of(t.list("Newsletter"), t.list("Leads")), List.of(t.tag("calendly"), t.tag("booked")),
                null,
                new BookingSettings.CancelSettings(List.of(t.tag("canceled")), "canceled", true),
                new BookingSettings.NoShowSettings(List.of(t.tag("no-show")), "no_show", true, true, null, null, 60),
                new BookingSettings.RescheduleSettings(List.of(t.tag("rescheduled")), true),
                null);
    }
}
