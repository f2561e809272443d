package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.CONTACT_TAG;
import static io.calbridge.db.host.Tables.LIST_MEMBER;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;
import static io.calbridge.db.host.Tables.TASK;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** Reads what a tenant's CRM holds (tenant-host's tables), for assertions. */
final class CrmView {
    record ContactRow(String id, String email, String firstName, String lastName, String fullName, String phone,
                      String timezone, String status, String ownerEmail, Map<String, String> fields, String source) {
    }

    record TaskRow(String id, String contactEmail, String ownerEmail, String title, String description, Instant dueAt,
                   String status) {
    }

    record ActivityRow(String contactEmail, String kind, String summary, Instant occurredAt, Map<String, Object> details) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;
    private final TestTenant t;

    CrmView(DataSource ds, TestTenant t) {
        this.dsl = DSL.using(ds, SQLDialect.POSTGRES);
        this.t = t;
    }

    List<ContactRow> contacts() {
        var owner = APP_USER.as("owner");
        return dsl.select(CONTACT.ID, CONTACT.EMAIL, CONTACT.FIRST_NAME, CONTACT.LAST_NAME, CONTACT.FULL_NAME, CONTACT.PHONE,
                        CONTACT.TIMEZONE, CONTACT.STATUS, owner.EMAIL, CONTACT.CUSTOM_FIELDS, CONTACT.SOURCE)
                .from(CONTACT).leftJoin(owner).on(owner.ID.eq(CONTACT.OWNER_USER_ID))
                .where(CONTACT.TENANT_ID.eq(t.id))
                .orderBy(CONTACT.EMAIL)
                .fetch(r -> new ContactRow(r.value1().toString(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(),
                        r.value7(), r.value8(), r.value9(), json(r.value10().data(), new TypeReference<Map<String, String>>() { }),
                        r.value11()));
    }

    ContactRow contact(String email) {
        List<ContactRow> rows = contacts().stream().filter(c -> c.email().equalsIgnoreCase(email)).toList();
        if (rows.size() != 1) {
            throw new AssertionError("expected one contact " + email + ", found " + rows.size() + " among " + contacts());
        }
        return rows.get(0);
    }

    Set<String> lists(String email) {
        return new TreeSet<>(dsl.select(MAILING_LIST.NAME).from(LIST_MEMBER)
                .join(MAILING_LIST).on(MAILING_LIST.ID.eq(LIST_MEMBER.LIST_ID))
                .join(CONTACT).on(CONTACT.ID.eq(LIST_MEMBER.CONTACT_ID))
                .where(LIST_MEMBER.TENANT_ID.eq(t.id)).and(DSL.lower(CONTACT.EMAIL).eq(email.toLowerCase()))
                .fetch(MAILING_LIST.NAME));
    }

    Set<String> tags(String email) {
        return new TreeSet<>(dsl.select(TAG.NAME).from(CONTACT_TAG)
                .join(TAG).on(TAG.ID.eq(CONTACT_TAG.TAG_ID))
                .join(CONTACT).on(CONTACT.ID.eq(CONTACT_TAG.CONTACT_ID))
                .where(CONTACT_TAG.TENANT_ID.eq(t.id)).and(DSL.lower(CONTACT.EMAIL).eq(email.toLowerCase()))
                .fetch(TAG.NAME));
    }

    List<TaskRow> tasks() {
        var owner = APP_USER.as("owner");
        return dsl.select(TASK.ID, CONTACT.EMAIL, owner.EMAIL, TASK.TITLE, TASK.DESCRIPTION, TASK.DUE_AT, TASK.STATUS)
                .from(TASK).leftJoin(CONTACT).on(CONTACT.ID.eq(TASK.CONTACT_ID))
                .leftJoin(owner).on(owner.ID.eq(TASK.OWNER_USER_ID))
                .where(TASK.TENANT_ID.eq(t.id))
                .orderBy(TASK.DUE_AT, TASK.TITLE)
                .fetch(r -> new TaskRow(r.value1().toString(), r.value2(), r.value3(), r.value4(), r.value5(),
                        r.value6() == null ? null : r.value6().toInstant(), r.value7()));
    }

    List<TaskRow> tasks(String email) {
        return tasks().stream().filter(x -> email.equalsIgnoreCase(x.contactEmail())).toList();
    }

    List<ActivityRow> activities() {
        return dsl.select(CONTACT.EMAIL, ACTIVITY.KIND, ACTIVITY.SUMMARY, ACTIVITY.OCCURRED_AT, ACTIVITY.DETAILS)
                .from(ACTIVITY).leftJoin(CONTACT).on(CONTACT.ID.eq(ACTIVITY.CONTACT_ID))
                .where(ACTIVITY.TENANT_ID.eq(t.id))
                .orderBy(ACTIVITY.OCCURRED_AT, ACTIVITY.KIND)
                .fetch(r -> new ActivityRow(r.value1(), r.value2(), r.value3(), r.value4().toInstant(),
                        json(r.value5().data(), new TypeReference<Map<String, Object>>() { })));
    }

    List<String> activityKinds(String email) {
        return activities().stream().filter(a -> email.equalsIgnoreCase(a.contactEmail())).map(ActivityRow::kind).toList();
    }

    /**
     * Everything a person could see, without ids and processing times, so two tenants that got
     * the same bookings in different orders can be compared with equals.
     */
    List<String> snapshot() {
        List<String> out = new ArrayList<>();
        for (ContactRow c : contacts()) {
            out.add("contact " + c.email() + "|" + c.firstName() + "|" + c.lastName() + "|" + c.fullName() + "|" + c.phone()
                    + "|" + c.timezone() + "|" + c.status() + "|" + c.ownerEmail() + "|" + new TreeMap<>(c.fields()));
            out.add("lists " + c.email() + " " + lists(c.email()));
            out.add("tags " + c.email() + " " + tags(c.email()));
        }
        tasks().forEach(x -> out.add("task " + x.contactEmail() + "|" + x.ownerEmail() + "|" + x.title() + "|"
                + x.description() + "|" + x.dueAt() + "|" + x.status()));
        activities().forEach(a -> out.add("activity " + a.contactEmail() + "|" + a.kind() + "|" + a.summary() + "|" + a.occurredAt()));
        return out;
    }

    private static <T> T json(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
