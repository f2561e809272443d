package io.calbridge.host;

import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * tenant-host's jOOQ setup: PostgreSQL, no schema names (the connection's search path decides,
 * as for the generated classes), no statement logging (rows hold people's data).
 */
public final class HostDsl {
    private HostDsl() {
    }

    public static DSLContext using(DataSource dataSource) {
        return DSL.using(dataSource, SQLDialect.POSTGRES, new Settings()
                .withRenderSchema(false)
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                .withExecuteLogging(false));
    }
}
