package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.TASK;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.PersonErasure;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jooq.impl.DSL;

/**
 * {@link PersonErasure} on tenant-host's tables: deletes the tenant's contact(s) with the e-mail
 * (ignoring case); their tasks, activity, list memberships and tags go with them (foreign keys
 * {@code on delete cascade}). One transaction; repeating it finds nothing and returns zeros.
 */
record CrmPersonErasure(CrmTx tx) implements PersonErasure {
    @Override
    public Erased erase(HostCall call, String email) {
        UUID tenant = CrmTx.tenant(call);
        String normalised = email.strip().toLowerCase(Locale.ROOT);
        return tx.run(call, dsl -> {
            List<UUID> contacts = dsl.select(CONTACT.ID).from(CONTACT)
                    .where(CONTACT.TENANT_ID.eq(tenant))
                    .and(DSL.lower(CONTACT.EMAIL).eq(normalised))
                    .forUpdate()
                    .fetch(CONTACT.ID);
            if (contacts.isEmpty()) {
                return new Erased(0, 0, 0);
            }
            int tasks = dsl.fetchCount(TASK, TASK.TENANT_ID.eq(tenant).and(TASK.CONTACT_ID.in(contacts)));
            int activities = dsl.fetchCount(ACTIVITY, ACTIVITY.TENANT_ID.eq(tenant).and(ACTIVITY.CONTACT_ID.in(contacts)));
            int deleted = dsl.deleteFrom(CONTACT).where(CONTACT.TENANT_ID.eq(tenant)).and(CONTACT.ID.in(contacts)).execute();
            return new Erased(deleted, tasks, activities);
        });
    }
}
