package io.calbridge.host.demo;

import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;
import static io.calbridge.db.host.Tables.TENANT;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;

import io.calbridge.host.security.PasswordHasher;
import io.calbridge.host.security.Role;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The demo's tenants and users, created on the first start (when there is no tenant at all) and
 * never again: "Acme Coaching" (admin {@code admin@acme.test}, member {@code member@acme.test})
 * and "Globex CRM" (admin {@code admin@globex.test}), password {@value #PASSWORD} for all, each
 * tenant with the contact statuses the plugin maps to, a few mailing lists and tags.
 */
public final class DemoData {
    public static final String PASSWORD = "demo-password";
    /** Serialises concurrent first starts of several nodes (pg_advisory_xact_lock key). */
    private static final long LOCK_KEY = 0x43616c6272696467L; // "Calbridg"

    record User(String email, String displayName, Role role) {
    }

    record Tenant(String slug, String name, String timezone, List<User> users, List<String> lists, List<String> tags) {
    }

    static final List<String[]> STATUSES = List.of(
            new String[] {"lead", "Lead"},
            new String[] {"customer", "Customer"},
            new String[] {"no_show", "No-show"},
            new String[] {"canceled", "Canceled"});

    static final List<Tenant> TENANTS = List.of(
            new Tenant("acme", "Acme Coaching", "America/New_York",
                    List.of(new User("admin@acme.test", "Ada Acme", Role.ADMIN), new User("member@acme.test", "Max Member", Role.MEMBER)),
                    List.of("Newsletter", "Discovery calls", "Workshop attendees"),
                    List.of("calendly", "discovery-call", "vip")),
            new Tenant("globex", "Globex CRM", "Europe/Berlin",
                    List.of(new User("admin@globex.test", "Gina Globex", Role.ADMIN)),
                    List.of("Newsletter", "Demo requests"),
                    List.of("calendly", "demo", "enterprise")));

    private DemoData() {
    }

    /** Seeds in one transaction if the tenant table is empty; returns whether it seeded. */
    public static boolean seedIfEmpty(DSLContext dsl, PasswordHasher hasher) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            tx.select(DSL.function("pg_advisory_xact_lock", SQLDataType.OTHER, DSL.val(LOCK_KEY))).fetch();
            if (tx.fetchCount(TENANT) > 0) {
                return false;
            }
            for (Tenant t : TENANTS) {
                UUID tenantId = UUID.randomUUID();
                tx.insertInto(TENANT).set(TENANT.ID, tenantId).set(TENANT.SLUG, t.slug()).set(TENANT.NAME, t.name())
                        .set(TENANT.TIMEZONE, t.timezone()).execute();
                for (int i = 0; i < STATUSES.size(); i++) {
                    // The first status (Lead) is what new contacts get; without positions it would be the
                    // alphabetically first code, "canceled".
                    String[] s = STATUSES.get(i);
                    tx.insertInto(CONTACT_STATUS).set(CONTACT_STATUS.TENANT_ID, tenantId).set(CONTACT_STATUS.CODE, s[0])
                            .set(CONTACT_STATUS.LABEL, s[1]).set(CONTACT_STATUS.POSITION, i).execute();
                }
                for (String list : t.lists()) {
                    tx.insertInto(MAILING_LIST).set(MAILING_LIST.ID, UUID.randomUUID()).set(MAILING_LIST.TENANT_ID, tenantId)
                            .set(MAILING_LIST.NAME, list).execute();
                }
                for (String tag : t.tags()) {
                    tx.insertInto(TAG).set(TAG.ID, UUID.randomUUID()).set(TAG.TENANT_ID, tenantId).set(TAG.NAME, tag).execute();
                }
                for (User u : t.users()) {
                    UUID userId = UUID.randomUUID();
                    tx.insertInto(APP_USER).set(APP_USER.ID, userId).set(APP_USER.EMAIL, u.email())
                            .set(APP_USER.DISPLAY_NAME, u.displayName()).set(APP_USER.PASSWORD_HASH, hasher.hash(PASSWORD)).execute();
                    tx.insertInto(TENANT_MEMBER).set(TENANT_MEMBER.TENANT_ID, tenantId).set(TENANT_MEMBER.USER_ID, userId)
                            .set(TENANT_MEMBER.ROLE, u.role().name()).execute();
                }
            }
            return true;
        });
    }

    /** The demo accounts on one line (log events stay one line each), for the demo's start-up log. */
    public static String describe() {
        StringBuilder out = new StringBuilder();
        for (Tenant t : TENANTS) {
            for (User u : t.users()) {
                out.append(out.length() == 0 ? "" : ", ").append(u.email()).append(" (").append(u.role()).append(", ").append(t.name()).append(')');
            }
        }
        return out.append("; password for all: ").append(PASSWORD).toString();
    }
}
