package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
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
public record Bookings(BookingProcessor processor, SettingsService settings, MappingService mappings, DryRun dryRun) {
    /** Invitees' personal fields stored in clear: for tests of the booking logic only. */
    public static Bookings create(Db db, HostServices host, Clock clock) {
        return create(db, host, clock, PersonalData.clearFor(null), ContactPins.NONE);
    }

    /**
     * @param personal seals invitees' personal fields with their tenant's data key (production)
     * @param pins decides the contact of bookings that something else already tied to one
     */
    public static Bookings create(Db db, HostServices host, Clock clock, PersonalData personal, ContactPins pins) {
        return new Bookings(new BookingProcessor(db, host, clock, personal, pins), new SettingsService(db, host, clock),
                new MappingService(db, host, clock), new DryRun(db, host, clock, personal));
    }
}
