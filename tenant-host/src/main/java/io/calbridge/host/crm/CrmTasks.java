package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.TASK;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@link Tasks} on tenant-host's {@code task} table. A created task stores its idempotency key in
 * its own unique column, so a repeated create returns the first task; every other change claims its
 * key in {@code host_idempotency}. Tasks are never deleted.
 */
record CrmTasks(CrmTx tx) implements Tasks {
    @Override
    public String create(HostCall call, TaskDraft d) {
        UUID tenant = CrmTx.tenant(call);
        UUID contact = d.contactId() == null ? null : CrmContacts.contactId(d.contactId());
        UUID owner = CrmTx.ownerOrNull(d.ownerId());
        return tx.run(call, dsl -> {
            try {
                var r = dsl.insertInto(TASK)
                        .set(TASK.ID, UUID.randomUUID())
                        .set(TASK.TENANT_ID, tenant)
                        .set(TASK.CONTACT_ID, contact)
                        .set(TASK.OWNER_USER_ID, owner == null ? DSL.castNull(SQLDataType.UUID) : CrmContacts.member(tenant, owner))
                        .set(TASK.TITLE, d.title())
                        .set(TASK.DESCRIPTION, d.description())
                        .set(TASK.DUE_AT, d.dueAt().atOffset(ZoneOffset.UTC))
                        .set(TASK.STATUS, "OPEN")
                        .set(TASK.IDEMPOTENCY_KEY, call.idempotencyKey())
                        .onConflictDoNothing()
                        .returning(TASK.ID, TASK.OWNER_USER_ID)
                        .fetchOne();
                if (r == null) {
                    return dsl.select(TASK.ID).from(TASK)
                            .where(TASK.TENANT_ID.eq(tenant)).and(TASK.IDEMPOTENCY_KEY.eq(call.idempotencyKey()))
                            .fetchSingle(TASK.ID).toString();
                }
                if (owner != null && r.getOwnerUserId() == null) {
                    throw new UnknownReferenceException(Kind.TEAM_MEMBER, d.ownerId());
                }
                return r.getId().toString();
            } catch (IntegrityConstraintViolationException e) {
                throw new UnknownReferenceException(Kind.CONTACT, d.contactId());
            }
        });
    }

    @Override
    public void reschedule(HostCall call, String taskId, TaskDraft d) {
        UUID owner = CrmTx.ownerOrNull(d.ownerId());
        change(call, taskId, (dsl, tenant, id) -> {
            var updated = dsl.update(TASK)
                    .set(TASK.DUE_AT, d.dueAt().atOffset(ZoneOffset.UTC))
                    .set(TASK.TITLE, d.title())
                    .set(TASK.DESCRIPTION, d.description())
                    .set(TASK.OWNER_USER_ID, owner == null ? DSL.castNull(SQLDataType.UUID) : CrmContacts.member(tenant, owner))
                    .set(TASK.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(TASK.TENANT_ID.eq(tenant)).and(TASK.ID.eq(id))
                    .returning(TASK.OWNER_USER_ID)
                    .fetchOptional();
            if (updated.isPresent() && owner != null && updated.get().getOwnerUserId() == null) {
                throw new UnknownReferenceException(Kind.TEAM_MEMBER, d.ownerId());
            }
            return updated.isPresent() ? 1 : 0;
        });
    }

    @Override
    public void cancel(HostCall call, String taskId) {
        setStatus(call, taskId, "CANCELED", DSL.noCondition());
    }

    @Override
    public void complete(HostCall call, String taskId) {
        setStatus(call, taskId, "DONE", TASK.STATUS.eq("OPEN"));
    }

    @Override
    public void reopen(HostCall call, String taskId) {
        setStatus(call, taskId, "OPEN", TASK.STATUS.eq("DONE"));
    }

    /** Sets the status where {@code from} holds; a task in another state stays as it is. */
    private void setStatus(HostCall call, String taskId, String status, Condition from) {
        change(call, taskId, (dsl, tenant, id) -> {
            int n = dsl.update(TASK)
                    .set(TASK.STATUS, status)
                    .set(TASK.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(TASK.TENANT_ID.eq(tenant)).and(TASK.ID.eq(id)).and(from)
                    .execute();
            // Nothing changed: either the task is in another state (fine) or it is not the tenant's.
            return n > 0 || dsl.fetchExists(TASK, TASK.TENANT_ID.eq(tenant).and(TASK.ID.eq(id))) ? 1 : 0;
        });
    }

    private interface Change {
        int apply(DSLContext dsl, UUID tenant, UUID taskId);
    }

    /** Claims the key, applies the change, and reports a task that is not the tenant's. */
    private void change(HostCall call, String taskId, Change change) {
        UUID tenant = CrmTx.tenant(call);
        UUID id = CrmTx.uuidOrNull(taskId);
        if (id == null) {
            throw new UnknownReferenceException(Kind.TASK, taskId);
        }
        tx.run(call, dsl -> {
            if (CrmTx.firstTime(dsl, tenant, call) && change.apply(dsl, tenant, id) == 0) {
                throw new UnknownReferenceException(Kind.TASK, taskId);
            }
            return null;
        });
    }
}
