package io.calbridge.calendly;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.testing.TestDatabase;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * V53: placeholders an earlier retention purge marked as purged (they held nothing personal) are
 * placeholders again, so the sweep still fills them; a really purged booking stays purged.
 */
class PlaceholdersNotPurgedMigrationTest {
    @Test
    void placeholdersMarkedPurgedByEarlierVersionsAreUnmarked_purgedBookingsStayPurged() throws Exception {
        String schema = TestDatabase.createFreshSchema("v53");
        try (HikariDataSource ds = TestDatabase.openSchema(schema)) {
            Flyway.configure(CalendlySchema.class.getClassLoader()).dataSource(ds).locations(CalendlySchema.LOCATION)
                    .table(CalendlySchema.HISTORY_TABLE).schemas(schema).defaultSchema(schema).target("52").load().migrate();
            DSLContext dsl = DSL.using(ds, SQLDialect.POSTGRES);
            UUID integration = UUID.randomUUID();
            dsl.insertInto(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.ID, integration)
                    .set(CALENDLY_INTEGRATION.TENANT_ID, "acme").set(CALENDLY_INTEGRATION.CONNECTION_MODE, "TENANT_APP")
                    .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                    .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null)).execute();
            OffsetDateTime purgedAt = OffsetDateTime.now(ZoneOffset.UTC);
            UUID placeholder = booking(dsl, integration, null, purgedAt);
            UUID purged = booking(dsl, integration, purgedAt.minusDays(100), purgedAt);

            CalendlySchema.migrate(ds, schema);

            var b = CALENDLY_BOOKING;
            assertEquals(1, dsl.fetchCount(b, b.ID.eq(placeholder).and(b.PERSONAL_PURGED_AT.isNull())), "the placeholder is one again");
            assertEquals(1, dsl.fetchCount(b, b.ID.eq(purged).and(b.PERSONAL_PURGED_AT.eq(purgedAt))), "the booking stays purged");
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    private static UUID booking(DSLContext dsl, UUID integration, OffsetDateTime start, OffsetDateTime purgedAt) {
        UUID id = UUID.randomUUID();
        var b = CALENDLY_BOOKING;
        dsl.insertInto(b).set(b.ID, id).set(b.TENANT_ID, "acme").set(b.INTEGRATION_ID, integration).set(b.CHAIN_ID, UUID.randomUUID())
                .set(b.INVITEE_URI, "https://api.calendly.com/scheduled_events/e/invitees/" + id).set(b.STATUS, "ACTIVE")
                .set(b.START_TIME, start).set(b.END_TIME, start == null ? null : start.plusMinutes(30))
                .set(b.PERSONAL_PURGED_AT, purgedAt).execute();
        return id;
    }
}
