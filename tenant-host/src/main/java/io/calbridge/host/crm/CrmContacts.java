package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.TENANT_MEMBER;

import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@link Contacts} on tenant-host's {@code contact}, {@code contact_status} and {@code activity}
 * tables. One contact per tenant and email (ignoring case), enforced by a unique index, so racing
 * calls meet in one row. Status, owner and field updates claim their key in {@code host_idempotency};
 * activities carry it in their own unique column.
 */
record CrmContacts(CrmTx tx) implements Contacts {
    @Override
    public ContactRef findOrCreate(HostCall call, ContactDraft d) {
        UUID tenant = CrmTx.tenant(call);
        UUID owner = CrmTx.ownerOrNull(d.ownerId());
        return tx.run(call, dsl -> {
            UUID newId = UUID.randomUUID();
            Field<String> status = d.status() != null ? DSL.val(d.status())
                    : DSL.select(CONTACT_STATUS.CODE).from(CONTACT_STATUS).where(CONTACT_STATUS.TENANT_ID.eq(tenant))
                            .orderBy(CONTACT_STATUS.POSITION, CONTACT_STATUS.CODE).limit(1).asField();
            Field<UUID> ownerField = owner == null ? DSL.castNull(SQLDataType.UUID) : member(tenant, owner);
            try {
                var r = dsl.insertInto(CONTACT)
                        .set(CONTACT.ID, newId)
                        .set(CONTACT.TENANT_ID, tenant)
                        .set(CONTACT.EMAIL, d.email())
                        .set(CONTACT.FIRST_NAME, d.firstName())
                        .set(CONTACT.LAST_NAME, d.lastName())
                        .set(CONTACT.FULL_NAME, d.fullName())
                        .set(CONTACT.PHONE, d.phone())
                        .set(CONTACT.TIMEZONE, d.timeZone())
                        .set(CONTACT.STATUS, status)
                        .set(CONTACT.OWNER_USER_ID, ownerField)
                        .set(CONTACT.CUSTOM_FIELDS, CrmTx.json(d.fields()))
                        .set(CONTACT.SOURCE, d.source())
                        .onConflict(CONTACT.TENANT_ID, DSL.lower(CONTACT.EMAIL))
                        .doUpdate()
                        .set(CONTACT.FIRST_NAME, incomingOrKept(CONTACT.FIRST_NAME))
                        .set(CONTACT.LAST_NAME, incomingOrKept(CONTACT.LAST_NAME))
                        .set(CONTACT.FULL_NAME, incomingOrKept(CONTACT.FULL_NAME))
                        .set(CONTACT.PHONE, incomingOrKept(CONTACT.PHONE))
                        .set(CONTACT.TIMEZONE, incomingOrKept(CONTACT.TIMEZONE))
                        .set(CONTACT.STATUS, d.status() != null ? DSL.excluded(CONTACT.STATUS) : CONTACT.STATUS)
                        .set(CONTACT.OWNER_USER_ID, DSL.coalesce(CONTACT.OWNER_USER_ID, DSL.excluded(CONTACT.OWNER_USER_ID)))
                        .set(CONTACT.CUSTOM_FIELDS, merged(DSL.excluded(CONTACT.CUSTOM_FIELDS)))
                        .set(CONTACT.UPDATED_AT, DSL.currentOffsetDateTime())
                        .returning(CONTACT.ID, CONTACT.STATUS, CONTACT.OWNER_USER_ID)
                        .fetchOne();
                boolean created = r.getId().equals(newId);
                if (created && owner != null && r.getOwnerUserId() == null) {
                    throw new UnknownReferenceException(Kind.TEAM_MEMBER, d.ownerId());
                }
                return new ContactRef(r.getId().toString(), created, r.getStatus(),
                        r.getOwnerUserId() == null ? null : r.getOwnerUserId().toString());
            } catch (IntegrityConstraintViolationException e) {
                if (d.status() != null && "contact_tenant_id_status_fkey".equals(CrmTx.violatedConstraint(e))) {
                    throw new UnknownReferenceException(Kind.CONTACT_STATUS, d.status());
                }
                if (d.status() == null && isNotNull(e)) {
                    throw new IllegalStateException("tenant " + tenant + " has no contact statuses: add one before contacts can be created", e);
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<ContactRef> findByEmail(HostCall call, String email) {
        UUID tenant = CrmTx.tenant(call);
        return tx.run(call, dsl -> dsl.select(CONTACT.ID, CONTACT.STATUS, CONTACT.OWNER_USER_ID)
                .from(CONTACT)
                .where(CONTACT.TENANT_ID.eq(tenant))
                .and(DSL.lower(CONTACT.EMAIL).eq(DSL.lower(DSL.val(email))))
                .fetchOptional(r -> new ContactRef(r.value1().toString(), false, r.value2(),
                        r.value3() == null ? null : r.value3().toString())));
    }

    @Override
    public Optional<String> email(HostCall call, String contactId) {
        UUID tenant = CrmTx.tenant(call);
        UUID id = CrmTx.uuidOrNull(contactId);
        if (id == null) {
            return Optional.empty();
        }
        return tx.run(call, dsl -> dsl.select(CONTACT.EMAIL).from(CONTACT)
                .where(CONTACT.TENANT_ID.eq(tenant)).and(CONTACT.ID.eq(id))
                .fetchOptional(CONTACT.EMAIL));
    }

    @Override
    public void updateStatus(HostCall call, String contactId, String statusCode) {
        UUID tenant = CrmTx.tenant(call);
        UUID id = contactId(contactId);
        tx.run(call, dsl -> {
            if (!CrmTx.firstTime(dsl, tenant, call)) {
                return null;
            }
            try {
                int n = dsl.update(CONTACT)
                        .set(CONTACT.STATUS, statusCode)
                        .set(CONTACT.UPDATED_AT, DSL.currentOffsetDateTime())
                        .where(CONTACT.TENANT_ID.eq(tenant)).and(CONTACT.ID.eq(id))
                        .execute();
                requireContact(n, contactId);
            } catch (IntegrityConstraintViolationException e) {
                throw new UnknownReferenceException(Kind.CONTACT_STATUS, statusCode);
            }
            return null;
        });
    }

    @Override
    public void updateOwner(HostCall call, String contactId, String ownerId) {
        UUID tenant = CrmTx.tenant(call);
        UUID id = contactId(contactId);
        UUID owner = CrmTx.ownerOrNull(ownerId);
        tx.run(call, dsl -> {
            if (!CrmTx.firstTime(dsl, tenant, call)) {
                return null;
            }
            if (owner != null && !dsl.fetchExists(TENANT_MEMBER, TENANT_MEMBER.TENANT_ID.eq(tenant).and(TENANT_MEMBER.USER_ID.eq(owner)))) {
                throw new UnknownReferenceException(Kind.TEAM_MEMBER, ownerId);
            }
            requireContact(dsl.update(CONTACT)
                    .set(CONTACT.OWNER_USER_ID, owner)
                    .set(CONTACT.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(CONTACT.TENANT_ID.eq(tenant)).and(CONTACT.ID.eq(id))
                    .execute(), contactId);
            return null;
        });
    }

    @Override
    public void updateFields(HostCall call, String contactId, Map<String, String> fields) {
        UUID tenant = CrmTx.tenant(call);
        UUID id = contactId(contactId);
        tx.run(call, dsl -> {
            if (!CrmTx.firstTime(dsl, tenant, call)) {
                return null;
            }
            requireContact(dsl.update(CONTACT)
                    .set(CONTACT.CUSTOM_FIELDS, merged(DSL.val(CrmTx.json(fields))))
                    .set(CONTACT.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(CONTACT.TENANT_ID.eq(tenant)).and(CONTACT.ID.eq(id))
                    .execute(), contactId);
            return null;
        });
    }

    @Override
    public void addActivity(HostCall call, String contactId, ActivityEntry entry) {
        UUID tenant = CrmTx.tenant(call);
        UUID id = contactId == null ? null : contactId(contactId);
        tx.run(call, dsl -> {
            try {
                dsl.insertInto(ACTIVITY)
                        .set(ACTIVITY.TENANT_ID, tenant)
                        .set(ACTIVITY.CONTACT_ID, id)
                        .set(ACTIVITY.KIND, entry.kind())
                        .set(ACTIVITY.SUMMARY, entry.summary())
                        .set(ACTIVITY.DETAILS, CrmTx.json(entry.details()))
                        .set(ACTIVITY.IDEMPOTENCY_KEY, call.idempotencyKey())
                        .set(ACTIVITY.OCCURRED_AT, entry.occurredAt().atOffset(ZoneOffset.UTC))
                        .onConflictDoNothing()
                        .execute();
            } catch (IntegrityConstraintViolationException e) {
                throw new UnknownReferenceException(Kind.CONTACT, contactId);
            }
            return null;
        });
    }

    @Override
    public List<Choice> statuses(HostCall call) {
        return tx.choices(call, CONTACT_STATUS, CONTACT_STATUS.TENANT_ID, CONTACT_STATUS.CODE, CONTACT_STATUS.LABEL,
                CONTACT_STATUS.POSITION, CONTACT_STATUS.CODE);
    }

    /** The owner if they are on the tenant's team, else null (which the caller reports). */
    static Field<UUID> member(UUID tenant, UUID user) {
        return DSL.select(TENANT_MEMBER.USER_ID).from(TENANT_MEMBER)
                .where(TENANT_MEMBER.TENANT_ID.eq(tenant)).and(TENANT_MEMBER.USER_ID.eq(user))
                .asField();
    }

    /** In an upsert's update: the inserted row's value, or the stored one where the draft had none. */
    private static <T> Field<T> incomingOrKept(Field<T> column) {
        return DSL.coalesce(DSL.excluded(column), column);
    }

    /** The contact's fields with {@code incoming} laid over them (jsonb {@code ||}). */
    private static Field<JSONB> merged(Field<JSONB> incoming) {
        return DSL.field("{0} || {1}", SQLDataType.JSONB, CONTACT.CUSTOM_FIELDS, incoming);
    }

    static UUID contactId(String contactId) {
        UUID id = CrmTx.uuidOrNull(contactId);
        if (id == null) {
            throw new UnknownReferenceException(Kind.CONTACT, contactId);
        }
        return id;
    }

    private static void requireContact(int updated, String contactId) {
        if (updated == 0) {
            throw new UnknownReferenceException(Kind.CONTACT, contactId);
        }
    }

    private static boolean isNotNull(IntegrityConstraintViolationException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && "23502".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
