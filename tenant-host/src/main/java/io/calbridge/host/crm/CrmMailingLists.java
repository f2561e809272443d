package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.CONTACT_TAG;
import static io.calbridge.db.host.Tables.LIST_MEMBER;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;

import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.MailingLists;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/**
 * {@link MailingLists} on {@code mailing_list}/{@code list_member} and {@code tag}/{@code contact_tag}.
 * Subscribing and tagging insert only rows whose list or tag and contact belong to the tenant and
 * skip existing ones (primary keys), so they are idempotent by nature; an id that names nothing of
 * the tenant is reported without changing anything. Untagging claims its key first, so a retried
 * untag never removes a tag that was applied again since.
 */
record CrmMailingLists(CrmTx tx) implements MailingLists {
    @Override
    public void subscribe(HostCall call, String contactId, Collection<String> listIds) {
        add(call, contactId, listIds, Kind.MAILING_LIST, (dsl, tenant, contact, ids) ->
                dsl.insertInto(LIST_MEMBER, LIST_MEMBER.TENANT_ID, LIST_MEMBER.LIST_ID, LIST_MEMBER.CONTACT_ID)
                        .select(DSL.select(MAILING_LIST.TENANT_ID, MAILING_LIST.ID, DSL.val(contact))
                                .from(MAILING_LIST)
                                .where(MAILING_LIST.TENANT_ID.eq(tenant)).and(MAILING_LIST.ID.in(ids)))
                        .onConflictDoNothing()
                        .execute());
    }

    @Override
    public void tag(HostCall call, String contactId, Collection<String> tagIds) {
        add(call, contactId, tagIds, Kind.TAG, (dsl, tenant, contact, ids) ->
                dsl.insertInto(CONTACT_TAG, CONTACT_TAG.TENANT_ID, CONTACT_TAG.CONTACT_ID, CONTACT_TAG.TAG_ID)
                        .select(DSL.select(TAG.TENANT_ID, DSL.val(contact), TAG.ID)
                                .from(TAG)
                                .where(TAG.TENANT_ID.eq(tenant)).and(TAG.ID.in(ids)))
                        .onConflictDoNothing()
                        .execute());
    }

    /** Inserts the memberships or tags of one contact; returns how many rows went in. */
    private interface Insert {
        int execute(DSLContext dsl, UUID tenant, UUID contact, Set<UUID> ids);
    }

    /**
     * Adds lists or tags to a contact. The insert selects only the tenant's own lists or tags; the
     * contact is vouched for by the foreign key (tenant, contact), which fails for another tenant's
     * or a deleted contact. (Joining the contact instead lets the planner pick a scan of all the
     * tenant's contacts once its statistics are stale.) Fewer rows than asked means they were there
     * already or something is missing; only then is it looked up.
     */
    private void add(HostCall call, String contactId, Collection<String> asked, Kind kind, Insert insert) {
        UUID tenant = CrmTx.tenant(call);
        UUID contact = CrmContacts.contactId(contactId);
        Set<UUID> ids = ids(asked, kind);
        if (ids.isEmpty()) {
            return;
        }
        tx.run(call, dsl -> {
            int inserted;
            try {
                inserted = insert.execute(dsl, tenant, contact, ids);
            } catch (IntegrityConstraintViolationException e) {
                throw new UnknownReferenceException(Kind.CONTACT, contactId);
            }
            if (inserted < ids.size()) {
                requireAll(dsl, tenant, contactId, contact, ids, asked, kind);
            }
            return null;
        });
    }

    @Override
    public void untag(HostCall call, String contactId, Collection<String> tagIds) {
        UUID tenant = CrmTx.tenant(call);
        UUID contact = CrmContacts.contactId(contactId);
        Set<UUID> ids = ids(tagIds, Kind.TAG);
        if (ids.isEmpty()) {
            return;
        }
        tx.run(call, dsl -> {
            if (CrmTx.firstTime(dsl, tenant, call)) {
                dsl.deleteFrom(CONTACT_TAG)
                        .where(CONTACT_TAG.TENANT_ID.eq(tenant))
                        .and(CONTACT_TAG.CONTACT_ID.eq(contact))
                        .and(CONTACT_TAG.TAG_ID.in(ids))
                        .execute();
            }
            return null;
        });
    }

    @Override
    public List<Choice> lists(HostCall call) {
        return tx.choices(call, MAILING_LIST, MAILING_LIST.TENANT_ID, MAILING_LIST.ID, MAILING_LIST.NAME, MAILING_LIST.NAME);
    }

    @Override
    public List<Choice> tags(HostCall call) {
        return tx.choices(call, TAG, TAG.TENANT_ID, TAG.ID, TAG.NAME, DSL.lower(TAG.NAME));
    }


    private static Set<UUID> ids(Collection<String> ids, Kind kind) {
        Set<UUID> out = new LinkedHashSet<>();
        for (String id : ids) {
            UUID u = CrmTx.uuidOrNull(id);
            if (u == null) {
                throw new UnknownReferenceException(kind, id);
            }
            out.add(u);
        }
        return out;
    }

    /** Throws for the contact, list or tag that does not exist for the tenant, if any. */
    private static void requireAll(DSLContext dsl, UUID tenant, String contactId, UUID contact, Set<UUID> ids,
                                   Collection<String> asked, Kind kind) {
        if (!dsl.fetchExists(CONTACT, CONTACT.TENANT_ID.eq(tenant).and(CONTACT.ID.eq(contact)))) {
            throw new UnknownReferenceException(Kind.CONTACT, contactId);
        }
        Set<UUID> found = new LinkedHashSet<>(kind == Kind.TAG
                ? dsl.select(TAG.ID).from(TAG).where(TAG.TENANT_ID.eq(tenant)).and(TAG.ID.in(ids)).fetch(TAG.ID)
                : dsl.select(MAILING_LIST.ID).from(MAILING_LIST).where(MAILING_LIST.TENANT_ID.eq(tenant)).and(MAILING_LIST.ID.in(ids)).fetch(MAILING_LIST.ID));
        for (String id : asked) {
            if (!found.contains(UUID.fromString(id))) {
                throw new UnknownReferenceException(kind, id);
            }
        }
    }
}
