package io.calbridge.calendly.internal.common;

import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The plugin's door to PostgreSQL. Transactions are explicit lambdas; inside one, use the
 * {@link DSLContext} handed in, never {@link #dsl()}. Stores take a {@code DSLContext} and never
 * open their own transactions.
 */
public final class Db {
    private final DataSource dataSource;
    private final DSLContext dsl;

    public Db(DataSource dataSource) {
        this.dataSource = dataSource;
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES, settings());
    }

    static Settings settings() {
        return new Settings()
                .withRenderSchema(false)
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                .withExecuteLogging(false);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** For single statements outside a transaction (autocommit). */
    public DSLContext dsl() {
        return dsl;
    }

    public <T> T tx(Function<DSLContext, T> work) {
        return dsl.transactionResult(cfg -> work.apply(cfg.dsl()));
    }

    public void txRun(Consumer<DSLContext> work) {
        dsl.transaction(cfg -> work.accept(cfg.dsl()));
    }
}
