package io.calbridge.host.demo;

import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;
import static io.calbridge.db.host.Tables.TENANT;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.HostDsl;
import io.calbridge.host.HostSchema;
import io.calbridge.host.security.PasswordHasher;
import io.calbridge.testing.TestDatabase;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DemoDataTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    @Test
    void firstStart_seedsTwoTenantsThreeUsersStatusesListsAndTags_andSecondStartNothing() {
        DSLContext dsl = HostDsl.using(db.dataSource());
        PasswordHasher hasher = new PasswordHasher(1_000);

        assertTrue(DemoData.seedIfEmpty(dsl, hasher));
        assertFalse(DemoData.seedIfEmpty(dsl, hasher));

        assertEquals(List.of("Acme Coaching", "Globex CRM"), dsl.select(TENANT.NAME).from(TENANT).orderBy(TENANT.NAME).fetch(TENANT.NAME));
        assertEquals(List.of("admin@acme.test:ADMIN", "admin@globex.test:ADMIN", "member@acme.test:MEMBER"),
                dsl.select(APP_USER.EMAIL, TENANT_MEMBER.ROLE).from(TENANT_MEMBER).join(APP_USER).on(APP_USER.ID.eq(TENANT_MEMBER.USER_ID))
                        .orderBy(APP_USER.EMAIL).fetch(r -> r.value1() + ":" + r.value2()));
        assertEquals(8, dsl.fetchCount(CONTACT_STATUS));
        assertEquals(List.of("canceled", "customer", "lead", "no_show"), dsl.selectDistinct(CONTACT_STATUS.CODE).from(CONTACT_STATUS)
                .orderBy(CONTACT_STATUS.CODE).fetch(CONTACT_STATUS.CODE));
        assertEquals(5, dsl.fetchCount(MAILING_LIST));
        assertEquals(6, dsl.fetchCount(TAG));
        for (String hash : dsl.select(APP_USER.PASSWORD_HASH).from(APP_USER).fetch(APP_USER.PASSWORD_HASH)) {
            assertTrue(hasher.verify(DemoData.PASSWORD, hash));
        }
    }
}
