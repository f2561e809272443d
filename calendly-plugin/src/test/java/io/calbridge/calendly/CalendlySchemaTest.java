package io.calbridge.calendly;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.testing.TestDatabase;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CalendlySchemaTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private DSLContext dsl() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @Test
    void pluginTablesRefuseAnUnknownConnectionMode() {
        assertThrows(DataAccessException.class, () -> dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, UUID.randomUUID())
                .set(CALENDLY_INTEGRATION.TENANT_ID, "t1")
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "CARRIER_PIGEON")
                .set(CALENDLY_INTEGRATION.STATUS, "PENDING")
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .execute());
    }

    @Test
    void thePluginSetMigratesIntoADatabaseThatAlreadyHasUnrelatedTables() throws Exception {
        String schema = TestDatabase.createFreshSchema("existing");
        try (HikariDataSource ds = TestDatabase.openSchema(schema)) {
            DSLContext existing = DSL.using(ds, SQLDialect.POSTGRES);
            existing.execute("create table customers (id serial primary key, email text not null)");
            existing.execute("insert into customers (email) values ('kept@example.com')");
            assertNull(CalendlySchema.status(ds, schema).currentVersion());
            int pending = CalendlySchema.status(ds, schema).pending();

            int executed = CalendlySchema.migrate(ds, schema);

            assertTrue(executed >= 1);
            assertEquals(pending, executed, "every plugin migration ran");
            assertTrue(CalendlySchema.status(ds, schema).upToDate());
            assertEquals("kept@example.com", existing.fetchValue("select email from customers"));
            assertEquals(0, existing.fetchCount(CALENDLY_INTEGRATION));
            // only the plugin's tables and its own history table were added
            assertEquals(0, (int) existing.fetchValue("select count(*)::int from information_schema.tables"
                    + " where table_schema = ? and table_name not like 'calendly\\_%' and table_name <> 'customers'", schema));
            assertEquals(1, (int) existing.fetchValue("select count(*)::int from information_schema.tables"
                    + " where table_schema = ? and table_name = ?", schema, CalendlySchema.HISTORY_TABLE));
            // a second run is a no-op
            assertEquals(0, CalendlySchema.migrate(ds, schema));
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    @Test
    void anEmptySchemaIsNotUpToDate() throws Exception {
        String schema = TestDatabase.createFreshSchema("empty");
        try (HikariDataSource ds = TestDatabase.openSchema(schema)) {

            var status = CalendlySchema.status(ds, schema);

            assertFalse(status.upToDate());
            assertTrue(status.pending() >= 1, status.toString());
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }
}
