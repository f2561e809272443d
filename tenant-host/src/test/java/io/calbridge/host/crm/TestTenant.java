package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;
import static io.calbridge.db.host.Tables.TENANT;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A tenant of tenant-host with statuses, team, lists and tags, created directly in the host's tables;
 * {@link Harness#tenant} connects it to Calendly through the plugin's API (then {@link #integration}
 * is set).
 */
final class TestTenant {
    static final List<String> STATUSES = List.of("lead", "booked", "canceled", "no_show", "customer");
    static final List<String> LISTS = List.of("Newsletter", "Leads", "Webinar");
    static final List<String> TAGS = List.of("calendly", "booked", "canceled", "no-show", "rescheduled", "vip");
    /** Team members; the first two are Calendly hosts in the fixtures. */
    static final List<String> MEMBERS = List.of("host-alpha@example.org", "host-charlie@example.org", "owner@tenant.example",
            "other@tenant.example");

    final UUID id;
    final String tenantId;
    final String zone;
    final Map<String, String> lists = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<String, String> users = new LinkedHashMap<>();
    /** The connected integration, or null for a tenant of the CRM's tables only. */
    final Integration integration;
    /** Its id, or null. */
    final UUID integrationId;
    /** The inbox id of each body delivered (by its SHA-256), to process a repeated delivery again. */
    final Map<String, Long> inbox = new HashMap<>();

    /**
     * The tenant's Calendly integration as the plugin's API shows it.
     *
     * @param id         the integration id
     * @param adminToken a bearer token of the tenant's admin (owner@tenant.example) for the settings API
     * @param webhookUrl where Calendly delivers, as the plugin subscribed it
     */
    record Integration(String id, String adminToken, String webhookUrl) {
    }

    private TestTenant(UUID id, String zone, Integration integration) {
        this.id = id;
        this.tenantId = id.toString();
        this.zone = zone;
        this.integration = integration;
        this.integrationId = integration == null ? null : UUID.fromString(integration.id());
    }

    /** This tenant, connected. */
    TestTenant connected(Integration integration) {
        TestTenant t = new TestTenant(id, zone, integration);
        t.lists.putAll(lists);
        t.tags.putAll(tags);
        t.users.putAll(users);
        return t;
    }

    static TestTenant create(DataSource ds, String zone) {
        DSLContext dsl = DSL.using(ds, SQLDialect.POSTGRES);
        TestTenant t = new TestTenant(UUID.randomUUID(), zone, null);
        dsl.insertInto(TENANT).set(TENANT.ID, t.id).set(TENANT.SLUG, "t-" + t.id).set(TENANT.NAME, "Tenant " + t.id)
                .set(TENANT.TIMEZONE, zone).execute();
        for (int i = 0; i < STATUSES.size(); i++) {
            dsl.insertInto(CONTACT_STATUS).set(CONTACT_STATUS.TENANT_ID, t.id).set(CONTACT_STATUS.CODE, STATUSES.get(i))
                    .set(CONTACT_STATUS.LABEL, STATUSES.get(i).toUpperCase()).set(CONTACT_STATUS.POSITION, i).execute();
        }
        for (String email : MEMBERS) {
            UUID user = dsl.select(APP_USER.ID).from(APP_USER).where(DSL.lower(APP_USER.EMAIL).eq(email)).fetchOptional(APP_USER.ID)
                    .orElseGet(() -> {
                        UUID u = UUID.randomUUID();
                        dsl.insertInto(APP_USER).set(APP_USER.ID, u).set(APP_USER.EMAIL, email)
                                .set(APP_USER.DISPLAY_NAME, "User " + email).set(APP_USER.PASSWORD_HASH, "x").execute();
                        return u;
                    });
            dsl.insertInto(TENANT_MEMBER).set(TENANT_MEMBER.TENANT_ID, t.id).set(TENANT_MEMBER.USER_ID, user)
                    .set(TENANT_MEMBER.ROLE, "MEMBER").execute();
            t.users.put(email, user.toString());
        }
        for (String name : LISTS) {
            UUID id = UUID.randomUUID();
            dsl.insertInto(MAILING_LIST).set(MAILING_LIST.ID, id).set(MAILING_LIST.TENANT_ID, t.id).set(MAILING_LIST.NAME, name).execute();
            t.lists.put(name, id.toString());
        }
        for (String name : TAGS) {
            UUID id = UUID.randomUUID();
            dsl.insertInto(TAG).set(TAG.ID, id).set(TAG.TENANT_ID, t.id).set(TAG.NAME, name).execute();
            t.tags.put(name, id.toString());
        }
        return t;
    }

    String list(String name) {
        return lists.get(name);
    }

    String tag(String name) {
        return tags.get(name);
    }

    String user(String email) {
        return users.get(email);
    }
}
