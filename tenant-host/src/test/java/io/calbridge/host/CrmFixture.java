package io.calbridge.host;

import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.CONTACT_TAG;
import static io.calbridge.db.host.Tables.LIST_MEMBER;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;
import static io.calbridge.db.host.Tables.TASK;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.JSONB;

/** Contacts, tags, lists, tasks and activity in both demo tenants, as the booking feature would write them. */
public final class CrmFixture {
    public final UUID jane;
    public final UUID evil;
    public final UUID gerd;
    public final UUID acmeNewsletter;
    public final UUID acmeVip;
    public final UUID globexDemoRequests;
    public final UUID globexDemoTag;
    public final UUID janeTask = UUID.randomUUID();
    public final UUID gerdTask = UUID.randomUUID();

    public CrmFixture(DemoTenants demo) {
        var dsl = demo.dsl;
        acmeNewsletter = list(demo, demo.acme, "Newsletter");
        acmeVip = tag(demo, demo.acme, "vip");
        globexDemoRequests = list(demo, demo.globex, "Demo requests");
        globexDemoTag = tag(demo, demo.globex, "demo");

        jane = contact(demo, demo.acme, "jane@example.com", "Jane Doe", "lead", demo.acmeMember, """
                {"What do you want to achieve?":"Run a <b>marathon</b>","utm_campaign":"spring","utm_source":"newsletter","utm_medium":null}""");
        evil = contact(demo, demo.acme, "evil@example.com", "<script>alert(\"x\")</script>", "customer", null,
                "{\"<img src=x onerror=alert(1)>\":\"</td><script>\"}");
        gerd = contact(demo, demo.globex, "gerd@globex.example", "Gerd Globex", "lead", demo.globexAdmin, "{}");

        dsl.insertInto(CONTACT_TAG).set(CONTACT_TAG.TENANT_ID, demo.acme).set(CONTACT_TAG.CONTACT_ID, jane).set(CONTACT_TAG.TAG_ID, acmeVip).execute();
        dsl.insertInto(LIST_MEMBER).set(LIST_MEMBER.TENANT_ID, demo.acme).set(LIST_MEMBER.CONTACT_ID, jane).set(LIST_MEMBER.LIST_ID, acmeNewsletter).execute();
        dsl.insertInto(CONTACT_TAG).set(CONTACT_TAG.TENANT_ID, demo.globex).set(CONTACT_TAG.CONTACT_ID, gerd).set(CONTACT_TAG.TAG_ID, globexDemoTag).execute();
        dsl.insertInto(LIST_MEMBER).set(LIST_MEMBER.TENANT_ID, demo.globex).set(LIST_MEMBER.CONTACT_ID, gerd).set(LIST_MEMBER.LIST_ID, globexDemoRequests).execute();

        dsl.insertInto(TASK).set(TASK.ID, janeTask).set(TASK.TENANT_ID, demo.acme).set(TASK.CONTACT_ID, jane)
                .set(TASK.OWNER_USER_ID, demo.acmeMember).set(TASK.TITLE, "Follow up with Jane")
                .set(TASK.DUE_AT, OffsetDateTime.parse("2026-03-02T15:00:00Z")).set(TASK.STATUS, "OPEN").execute();
        dsl.insertInto(TASK).set(TASK.ID, gerdTask).set(TASK.TENANT_ID, demo.globex).set(TASK.CONTACT_ID, gerd)
                .set(TASK.TITLE, "Call Gerd back").set(TASK.DUE_AT, OffsetDateTime.parse("2026-03-02T15:00:00Z")).set(TASK.STATUS, "OPEN").execute();
        dsl.insertInto(ACTIVITY).set(ACTIVITY.TENANT_ID, demo.acme).set(ACTIVITY.CONTACT_ID, jane).set(ACTIVITY.KIND, "calendly.booking")
                .set(ACTIVITY.SUMMARY, "Booked Discovery call").set(ACTIVITY.DETAILS, JSONB.valueOf("{\"event\":\"Discovery call\"}"))
                .set(ACTIVITY.OCCURRED_AT, OffsetDateTime.parse("2026-03-01T14:30:00Z")).execute();
    }

    private static UUID contact(DemoTenants demo, UUID tenant, String email, String name, String status, UUID owner, String custom) {
        UUID id = UUID.randomUUID();
        demo.dsl.insertInto(CONTACT).set(CONTACT.ID, id).set(CONTACT.TENANT_ID, tenant).set(CONTACT.EMAIL, email)
                .set(CONTACT.FULL_NAME, name).set(CONTACT.STATUS, status).set(CONTACT.OWNER_USER_ID, owner)
                .set(CONTACT.CUSTOM_FIELDS, JSONB.valueOf(custom)).set(CONTACT.SOURCE, "calendly").execute();
        return id;
    }

    private static UUID list(DemoTenants demo, UUID tenant, String name) {
        return demo.dsl.select(MAILING_LIST.ID).from(MAILING_LIST).where(MAILING_LIST.TENANT_ID.eq(tenant)).and(MAILING_LIST.NAME.eq(name))
                .fetchOne(MAILING_LIST.ID);
    }

    private static UUID tag(DemoTenants demo, UUID tenant, String name) {
        return demo.dsl.select(TAG.ID).from(TAG).where(TAG.TENANT_ID.eq(tenant)).and(TAG.NAME.eq(name)).fetchOne(TAG.ID);
    }
}
