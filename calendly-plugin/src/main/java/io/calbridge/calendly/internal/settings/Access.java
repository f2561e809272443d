package io.calbridge.calendly.internal.settings;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.javalin.http.Context;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.exception.DataTypeException;

/**
 * The access checks every settings route starts with. Anonymous callers get 401
 * {@code unauthenticated}, callers who are not tenant admins 403 {@code forbidden}, and an id that
 * is missing, malformed or owned by another tenant 404 {@code not_found} with one and the same body,
 * so nobody can learn whether another tenant's id exists. All three are {@link ApiException}s,
 * rendered by {@code ApiErrors}.
 */
public final class Access {
    private final HostSecurity security;

    public Access(HostSecurity security) {
        this.security = security;
    }

    /** The authenticated caller, or 401. */
    public Caller requireCaller(Context ctx) {
        Optional<Caller> found = security.caller(ctx);
        Caller caller = found == null ? null : found.orElse(null);
        if (caller == null) {
            throw new ApiException(401, "unauthenticated", "Sign in to manage the Calendly integration.");
        }
        if (caller.tenantId() == null || caller.tenantId().isBlank()) {
            // A host bug, not a client error: never act for "no tenant".
            throw new IllegalStateException("HostSecurity returned a caller without a tenant id");
        }
        return caller;
    }

    /** The authenticated caller if they may manage the tenant's integrations; else 401 or 403. */
    public Caller requireAdmin(Context ctx) {
        Caller caller = requireCaller(ctx);
        if (!caller.tenantAdmin()) {
            throw new ApiException(403, "forbidden", "Only an administrator of this tenant can manage its Calendly integration.");
        }
        return caller;
    }

    /**
     * The row of {@code table} whose {@code idField} is {@code rawId} and whose {@code tenantField}
     * is the caller's tenant, or 404 {@code not_found} ("{what} not found"): the same answer for an
     * id that does not parse, does not exist or belongs to another tenant.
     */
    public static <R extends Record, I> R loadOwned(DSLContext dsl, Table<R> table, TableField<R, I> idField,
            TableField<R, String> tenantField, String rawId, Caller caller, String what) {
        Optional<I> id = parseId(rawId, idField.getDataType());
        return found(id.flatMap(value -> dsl.selectFrom(table)
                .where(idField.eq(value))
                .and(tenantField.eq(caller.tenantId()))
                .fetchOptional()), what);
    }

    /** {@code row}'s value, or 404 {@code not_found}: for stores that scope their own queries. */
    public static <T> T found(Optional<T> row, String what) {
        return row.orElseThrow(() -> ApiException.notFound(what));
    }

    /**
     * {@code raw} converted to the id's type (uuid, bigint...), empty when it does not convert
     * exactly: lenient conversions ({@code "1.5"} to 1, {@code "1-1-1-1-1"} to a UUID) would let a
     * made-up id reach a real row.
     */
    public static <I> Optional<I> parseId(String raw, DataType<I> type) {
        if (raw == null || raw.isBlank() || raw.length() > 100) {
            return Optional.empty();
        }
        try {
            I value = type.convert(raw);
            return value != null && value.toString().equalsIgnoreCase(raw) ? Optional.of(value) : Optional.empty();
        } catch (DataTypeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
