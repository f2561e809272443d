package io.calbridge.host.security;

import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.TENANT;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Users and their tenant memberships, read from tenant-host's tables. Single statements, no transactions. */
public final class UserDirectory {
    /** A user who can log in. The hash never leaves the security package. */
    record Account(UUID id, String email, String displayName, String passwordHash) {
        @Override
        public String toString() {
            return "Account[id=" + id + ", email=" + email + "]";
        }
    }

    private final DSLContext dsl;

    public UserDirectory(DSLContext dsl) {
        this.dsl = dsl;
    }

    Optional<Account> findByEmail(String email) {
        return dsl.select(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME, APP_USER.PASSWORD_HASH)
                .from(APP_USER)
                .where(DSL.lower(APP_USER.EMAIL).eq(email.strip().toLowerCase(Locale.ROOT)))
                .fetchOptional(r -> new Account(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    /** The user's tenants, by tenant name: the first one is where a login lands. */
    public List<Membership> memberships(UUID userId) {
        return dsl.select(TENANT.ID, TENANT.NAME, TENANT.SLUG, TENANT.TIMEZONE, TENANT_MEMBER.ROLE)
                .from(TENANT_MEMBER)
                .join(TENANT).on(TENANT.ID.eq(TENANT_MEMBER.TENANT_ID))
                .where(TENANT_MEMBER.USER_ID.eq(userId))
                .orderBy(TENANT.NAME, TENANT.ID)
                .fetch(UserDirectory::membership);
    }

    public Optional<Membership> membership(UUID userId, UUID tenantId) {
        return dsl.select(TENANT.ID, TENANT.NAME, TENANT.SLUG, TENANT.TIMEZONE, TENANT_MEMBER.ROLE)
                .from(TENANT_MEMBER)
                .join(TENANT).on(TENANT.ID.eq(TENANT_MEMBER.TENANT_ID))
                .where(TENANT_MEMBER.USER_ID.eq(userId))
                .and(TENANT_MEMBER.TENANT_ID.eq(tenantId))
                .fetchOptional(UserDirectory::membership);
    }

    /** The user acting in the tenant, if they still exist and are still a member. */
    Optional<CurrentUser> currentUser(UUID userId, UUID tenantId, boolean bearer) {
        return dsl.select(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME,
                        TENANT.ID, TENANT.NAME, TENANT.SLUG, TENANT.TIMEZONE, TENANT_MEMBER.ROLE)
                .from(TENANT_MEMBER)
                .join(APP_USER).on(APP_USER.ID.eq(TENANT_MEMBER.USER_ID))
                .join(TENANT).on(TENANT.ID.eq(TENANT_MEMBER.TENANT_ID))
                .where(TENANT_MEMBER.USER_ID.eq(userId))
                .and(TENANT_MEMBER.TENANT_ID.eq(tenantId))
                .fetchOptional(r -> new CurrentUser(r.get(APP_USER.ID), r.get(APP_USER.EMAIL), r.get(APP_USER.DISPLAY_NAME),
                        membership(r), bearer));
    }

    private static Membership membership(Record r) {
        return new Membership(r.get(TENANT.ID), r.get(TENANT.NAME), r.get(TENANT.SLUG), zone(r.get(TENANT.TIMEZONE)),
                Role.valueOf(r.get(TENANT_MEMBER.ROLE)));
    }

    /** The tenant's zone; UTC when the stored name is not a zone Java knows (pages must still render). */
    static ZoneId zone(String name) {
        try {
            return name == null ? ZoneOffset.UTC : ZoneId.of(name);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
