package io.calbridge.host;

import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.testing.TestDatabase;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HostSchemaTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

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
    void bothSetsAreCurrentAndASecondRunAppliesNothing() {
        assertEquals(true, CalendlySchema.status(db.dataSource(), db.schema()).upToDate());
        assertEquals(true, HostSchema.status(db.dataSource(), db.schema()).upToDate());

        assertEquals(0, HostSchema.migrate(db.dataSource(), db.schema()));
        assertEquals(0, CalendlySchema.migrate(db.dataSource(), db.schema()));
    }
}
