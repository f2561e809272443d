package io.calbridge.host.crm;

import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.webhook.ProcessingResult;
import io.calbridge.calendly.spi.HostServices;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

/** The plugin's booking feature wired to tenant-host's tables, as tenant-host runs it. */
final class Harness {
    final DataSource dataSource;
    final Db db;
    final HostServices host;
    final Bookings bookings;

    Harness(DataSource dataSource) {
        this(dataSource, Crm.hostServices(dataSource));
    }

    Harness(DataSource dataSource, HostServices host) {
        this.dataSource = dataSource;
        this.db = new Db(dataSource);
        this.host = host;
        this.bookings = Bookings.create(db, host, Clock.systemUTC());
    }

    /** A tenant whose integration has {@link #standardSettings} stored. */
    TestTenant tenant(String zone) {
        TestTenant t = TestTenant.create(dataSource, zone);
        bookings.settings().update(t.tenantId, t.integrationId, standardSettings(t));
        return t;
    }

    ProcessingResult process(TestTenant t, byte[] body) {
        return bookings.processor().process(t.delivery(body));
    }

    ProcessingResult fixture(TestTenant t, String name) {
        return bookings.processor().process(t.fixture(name));
    }

    CrmView view(TestTenant t) {
        return new CrmView(dataSource, t);
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
