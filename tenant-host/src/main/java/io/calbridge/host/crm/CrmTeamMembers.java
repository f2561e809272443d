package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TeamMember;
import io.calbridge.calendly.spi.TeamMembers;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Record3;
import org.jooq.impl.DSL;

/** {@link TeamMembers}: the tenant's {@code tenant_member}s with their {@code app_user} rows. */
record CrmTeamMembers(CrmTx tx) implements TeamMembers {
    @Override
    public List<TeamMember> list(HostCall call) {
        UUID tenant = CrmTx.tenant(call);
        return tx.run(call, dsl -> dsl.select(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME)
                .from(TENANT_MEMBER)
                .join(APP_USER).on(APP_USER.ID.eq(TENANT_MEMBER.USER_ID))
                .where(TENANT_MEMBER.TENANT_ID.eq(tenant))
                .orderBy(APP_USER.DISPLAY_NAME, APP_USER.EMAIL)
                .fetch(CrmTeamMembers::member));
    }

    @Override
    public Optional<TeamMember> findByEmail(HostCall call, String email) {
        UUID tenant = CrmTx.tenant(call);
        return tx.run(call, dsl -> dsl.select(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME)
                .from(APP_USER)
                .join(TENANT_MEMBER).on(TENANT_MEMBER.USER_ID.eq(APP_USER.ID).and(TENANT_MEMBER.TENANT_ID.eq(tenant)))
                .where(DSL.lower(APP_USER.EMAIL).eq(DSL.lower(DSL.val(email))))
                .fetchOptional(CrmTeamMembers::member));
    }

    private static TeamMember member(Record3<UUID, String, String> r) {
        return new TeamMember(r.value1().toString(), r.value2(), r.value3());
    }
}
