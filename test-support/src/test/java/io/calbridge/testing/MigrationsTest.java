package io.calbridge.testing;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.db.Migrations;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.withAllMigrations();

    private DSLContext dsl() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @Test
    void rowsAreWrittenAndReadBackThroughTheGeneratedClasses() {
        UUID tenant = UUID.randomUUID();
        dsl().insertInto(TENANT).set(TENANT.ID, tenant).set(TENANT.SLUG, "acme").set(TENANT.NAME, "Acme").execute();
        dsl().insertInto(CONTACT_STATUS).set(CONTACT_STATUS.TENANT_ID, tenant).set(CONTACT_STATUS.CODE, "lead")
                .set(CONTACT_STATUS.LABEL, "Lead").execute();
        dsl().insertInto(CONTACT).set(CONTACT.ID, UUID.randomUUID()).set(CONTACT.TENANT_ID, tenant)
                .set(CONTACT.EMAIL, "Jane@Example.com").set(CONTACT.STATUS, "lead").execute();

        assertEquals("Jane@Example.com", dsl().select(CONTACT.EMAIL).from(CONTACT)
                .where(CONTACT.TENANT_ID.eq(tenant)).fetchOne(CONTACT.EMAIL));
        // email is unique per tenant, case-insensitively
        assertThrows(DataAccessException.class, () -> dsl().insertInto(CONTACT).set(CONTACT.ID, UUID.randomUUID())
                .set(CONTACT.TENANT_ID, tenant).set(CONTACT.EMAIL, "jane@example.COM").set(CONTACT.STATUS, "lead").execute());
    }

    @Test
    void pluginTablesRefuseAnUnknownConnectionMode() {
        assertThrows(DataAccessException.class, () -> dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, UUID.randomUUID())
                .set(CALENDLY_INTEGRATION.TENANT_ID, "t1")
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "CARRIER_PIGEON")
                .set(CALENDLY_INTEGRATION.STATUS, "PENDING")
                .set(CALENDLY_INTEGRATION.WEBHOOK_PATH_TOKEN, "x")
                .execute());
    }

    @Test
    void thePluginSetAloneMigratesIntoADatabaseThatAlreadyHasUnrelatedTables() throws Exception {
        String schema = TestDatabase.createFreshSchema("existing");
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(TestDatabase.withSchemaUrl(schema));
            ds.setUsername(PostgresServer.get().user());
            ds.setPassword(PostgresServer.get().password());
            DSLContext existing = DSL.using(ds, SQLDialect.POSTGRES);
            existing.execute("create table customers (id serial primary key, email text not null)");
            existing.execute("insert into customers (email) values ('kept@example.com')");

            var result = Migrations.CALENDLY.migrate(ds, schema);

            assertTrue(result.success);
            assertEquals(Migrations.CALENDLY.flyway(ds, schema).info().applied().length - 1, result.migrationsExecuted,
                    "every plugin migration ran (the baseline marker aside)");
            assertTrue(result.migrationsExecuted >= 1);
            assertEquals("kept@example.com", existing.fetchValue("select email from customers"));
            assertEquals(0, existing.fetchCount(CALENDLY_INTEGRATION));
            // only the plugin's tables were added: no host tables
            assertEquals(0, (int) existing.fetchValue(
                    "select count(*)::int from information_schema.tables where table_schema = ? and table_name = 'contact'", schema));
            // a second run is a no-op
            assertEquals(0, Migrations.CALENDLY.migrate(ds, schema).migrationsExecuted);
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }
}
