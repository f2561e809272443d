package io.calbridge.host;

import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.TENANT;

import io.calbridge.host.demo.DemoData;
import io.calbridge.host.security.PasswordHasher;
import io.calbridge.host.security.SecuritySettings;
import java.net.URI;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The demo tenants in a test schema, with cheap password hashes so logins stay fast in tests. */
public final class DemoTenants {
    /** Fast hashes for tests; production uses {@link PasswordHasher#DEFAULT_ITERATIONS}. */
    public static final int TEST_ITERATIONS = 1_000;

    public final DSLContext dsl;
    public final UUID acme;
    public final UUID globex;
    public final UUID acmeAdmin;
    public final UUID acmeMember;
    public final UUID globexAdmin;

    public DemoTenants(DataSource dataSource) {
        this.dsl = HostDsl.using(dataSource);
        DemoData.seedIfEmpty(dsl, new PasswordHasher(TEST_ITERATIONS));
        this.acme = tenant("acme");
        this.globex = tenant("globex");
        this.acmeAdmin = user("admin@acme.test");
        this.acmeMember = user("member@acme.test");
        this.globexAdmin = user("admin@globex.test");
    }

    public static SecuritySettings settings(String publicBaseUrl) {
        return SecuritySettings.defaults(URI.create(publicBaseUrl)).withPasswordIterations(TEST_ITERATIONS);
    }

    private UUID tenant(String slug) {
        return dsl.select(TENANT.ID).from(TENANT).where(TENANT.SLUG.eq(slug)).fetchOne(TENANT.ID);
    }

    private UUID user(String email) {
        return dsl.select(APP_USER.ID).from(APP_USER).where(DSL.lower(APP_USER.EMAIL).eq(email)).fetchOne(APP_USER.ID);
    }
}
