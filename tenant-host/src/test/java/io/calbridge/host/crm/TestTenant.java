package io.calbridge.host.crm;

import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.fixtures.CalendlyFixtures;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;
import static io.calbridge.db.host.Tables.TENANT;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;

import io.calbridge.calendly.internal.webhook.StoredDelivery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A tenant of tenant-host with statuses, team, lists and tags, and a connected Calendly
 * integration, created directly in the tables.
 */
final class TestTenant {
    static final List<String> STATUSES = List.of("lead", "booked", "canceled", "no_show", "customer");
    static final List<String> LISTS = List.of("Newsletter", "Leads", "Webinar");
    static final List<String> TAGS = List.of("calendly", "booked", "canceled", "no-show", "rescheduled", "vip");
    /** Team members; the first two are Calendly hosts in the fixtures. */
    static final List<String> MEMBERS = List.of("host-alpha@example.org", "host-charlie@example.org", "owner@tenant.example",
            "other@tenant.example");
    private static final AtomicLong INBOX = new AtomicLong();

    final UUID id;
    final String tenantId;
    final UUID integrationId;
    final String zone;
    final Map<String, String> lists = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<String, String> users = new LinkedHashMap<>();

    private TestTenant(UUID id, UUID integrationId, String zone) {
        this.id = id;
        this.tenantId = id.toString();
        this.integrationId = integrationId;
        this.zone = zone;
    }

    static TestTenant create(DataSource ds, String zone) {
        DSLContext dsl = DSL.using(ds, SQLDialect.POSTGRES);
        TestTenant t = new TestTenant(UUID.randomUUID(), UUID.randomUUID(), zone);
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
        dsl.insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, t.integrationId)
                .set(CALENDLY_INTEGRATION.TENANT_ID, t.tenantId)
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PLATFORM_APP")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(WebhookPathTokens.newToken(), null))
                .execute();
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

    StoredDelivery delivery(byte[] body) {
        return new StoredDelivery(INBOX.incrementAndGet(), tenantId, integrationId, eventOf(body), body, 1,
                Instant.parse("2026-04-20T00:00:00Z"));
    }

    StoredDelivery fixture(String name) {
        return delivery(CalendlyFixtures.webhook(name));
    }

    private static String eventOf(byte[] body) {
        try {
            return io.calbridge.calendly.internal.common.Json.mapper().readTree(body).path("event").asText();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
