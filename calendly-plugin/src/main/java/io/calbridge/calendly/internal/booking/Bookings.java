package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.spi.HostServices;
import java.time.Clock;

/**
 * Front door of the booking feature: builds its parts once, for {@code Wiring}.
 *
 * <pre>{@code
 * var bookings = Bookings.create(db, host, clock);
 * webhooks use bookings.processor();          // a DeliveryProcessor
 * settings routes use bookings.settings(), bookings.mappings(), bookings.dryRun();
 * }</pre>
 */
public final class Bookings {
    private final BookingProcessor processor;
    private final SettingsService settings;
    private final MappingService mappings;
    private final DryRun dryRun;

    private Bookings(Db db, HostServices host, Clock clock, ContactPins pins) {
        this.processor = new BookingProcessor(db, host, clock, pins);
        this.settings = new SettingsService(db, host, clock);
        this.mappings = new MappingService(db, host, clock);
        this.dryRun = new DryRun(db, host, clock);
    }

    public static Bookings create(Db db, HostServices host, Clock clock) {
        return new Bookings(db, host, clock, ContactPins.NONE);
    }

    /** With {@code pins} deciding the contact of bookings that something else already tied to one. */
    public static Bookings create(Db db, HostServices host, Clock clock, ContactPins pins) {
        return new Bookings(db, host, clock, pins);
    }

    public BookingProcessor processor() {
        return processor;
    }

    public SettingsService settings() {
        return settings;
    }

    public MappingService mappings() {
        return mappings;
    }

    public DryRun dryRun() {
        return dryRun;
    }
}
