package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.HOST_IDEMPOTENCY;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostTransactions;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.OrderField;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Where a host call's statements run: {@link HostTransactions} puts them in the plugin's transaction
 * when the call carries one (host and plugin share this database), otherwise in a transaction of
 * our own on the host's pool; this class adds jOOQ on top, and tenant-host's idempotency keys.
 */
final class CrmTx {
    private static final Settings SETTINGS = new Settings()
            .withRenderSchema(false)
            .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
            .withExecuteLogging(false);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostTransactions transactions;
    /**
     * The jOOQ context of the connection this thread used last: a booking makes several host calls
     * on the plugin's one connection, and building a context per call shows in profiles.
     */
    private final ThreadLocal<DSLContext> joined = new ThreadLocal<>();

    CrmTx(DataSource dataSource) {
        this.transactions = HostTransactions.using(dataSource);
    }

    <T> T run(HostCall call, Function<DSLContext, T> work) {
        return transactions.run(call, connection -> work.apply(dsl(connection)));
    }

    /** The tenant's choices in {@code table} (statuses, lists, tags) for the plugin's settings, in {@code order}. */
    List<Choice> choices(HostCall call, Table<?> table, Field<UUID> tenantId, Field<?> id, Field<String> label,
                         OrderField<?>... order) {
        UUID tenant = tenant(call);
        return run(call, dsl -> dsl.select(id, label)
                .from(table)
                .where(tenantId.eq(tenant))
                .orderBy(order)
                .fetch(r -> new Choice(r.value1().toString(), r.value2())));
    }

    private DSLContext dsl(Connection connection) {
        DSLContext dsl = joined.get();
        if (dsl == null || dsl.configuration().connectionProvider().acquire() != connection) {
            dsl = DSL.using(connection, SQLDialect.POSTGRES, SETTINGS);
            joined.set(dsl);
        }
        return dsl;
    }

    /**
     * Claims the call's idempotency key; false when it was applied before, and the caller must then
     * change nothing. Calls without a key are always applied.
     */
    static boolean firstTime(DSLContext dsl, UUID tenant, HostCall call) {
        if (call.idempotencyKey() == null) {
            return true;
        }
        return dsl.insertInto(HOST_IDEMPOTENCY)
                .set(HOST_IDEMPOTENCY.TENANT_ID, tenant)
                .set(HOST_IDEMPOTENCY.IDEMPOTENCY_KEY, call.idempotencyKey())
                .onConflictDoNothing()
                .execute() == 1;
    }

    static UUID tenant(HostCall call) {
        return uuid(call.tenantId(), "tenant id");
    }

    static UUID uuid(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(what + " is not a uuid: " + id);
        }
    }

    /** The id as a uuid, or null when it cannot be one (so it names nothing here). */
    static UUID uuidOrNull(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The owner a draft names, or null for none; an id that cannot be a uuid names no team member. */
    static UUID ownerOrNull(String ownerId) {
        UUID owner = uuidOrNull(ownerId);
        if (ownerId != null && owner == null) {
            throw new UnknownReferenceException(Kind.TEAM_MEMBER, ownerId);
        }
        return owner;
    }

    static JSONB json(Object value) {
        try {
            return JSONB.jsonb(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON-friendly: " + e.getOriginalMessage(), e);
        }
    }

    /** The name of the constraint a failed statement violated, or null. */
    static String violatedConstraint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage().getConstraint();
            }
        }
        return null;
    }
}
