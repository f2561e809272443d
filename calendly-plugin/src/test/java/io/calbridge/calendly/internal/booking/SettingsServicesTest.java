package io.calbridge.calendly.internal.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.testing.TestDatabase;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The booking settings and mapping services below the settings API, for what tenant-host's
 * {@code SettingsAndMappingsTest} cannot show over HTTP: a new integration's settings (its tenants
 * come with their settings changed), the empty settings JSON, and creating a second mapping for an
 * event type (the API's PUT by event type replaces; {@code create} is what two editors racing on a
 * new mapping reach).
 */
class SettingsServicesTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static final String EVENT_TYPE = "https://api.calendly.com/event_types/53076e7d-d3a0-4ca0-97d5-bd327017a18e";

    @Test
    void secondMappingForTheSameEventType_isAConflictNamingTheField() {
        UUID integration = BookingDb.integration(db.dataSource());
        String tenant = "tenant-" + integration;
        MappingService mappings = Bookings.create(new Db(db.dataSource()), TestHost.services(), Clock.systemUTC()).mappings();
        mappings.create(tenant, integration, new MappingInput(EVENT_TYPE, null, null));

        ApiException e = assertThrows(ApiException.class,
                () -> mappings.create(tenant, integration, new MappingInput(" " + EVENT_TYPE + " ", null, null)));

        assertEquals(409, e.status());
        assertEquals("mapping_exists", e.code());
        assertEquals("event_type_uri", e.field());
        assertEquals(1, mappings.list(tenant, integration).size());
    }

    @Test
    void newIntegration_hasTheDefaults() {
        UUID integration = BookingDb.integration(db.dataSource());
        Bookings bookings = Bookings.create(new Db(db.dataSource()), TestHost.services(), Clock.systemUTC());

        assertEquals(BookingSettings.defaults(), bookings.settings().get("tenant-" + integration, integration));
    }

    @Test
    void emptySettingsJson_isTheDefaults() throws Exception {
        assertEquals(BookingSettings.defaults(), Json.mapper().readValue("{}", BookingSettings.class));
    }
}
