package io.calbridge.host.web;

import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.APP_USER;
import static io.calbridge.db.host.Tables.CONTACT;
import static io.calbridge.db.host.Tables.CONTACT_STATUS;
import static io.calbridge.db.host.Tables.CONTACT_TAG;
import static io.calbridge.db.host.Tables.LIST_MEMBER;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static io.calbridge.db.host.Tables.TAG;
import static io.calbridge.db.host.Tables.TASK;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The read side of the pages: every query takes the caller's tenant and filters by it, so a row
 * of another tenant is simply not found. Single statements, no transactions.
 */
final class CrmReads {
    static final int PAGE_LIMIT = 200;

    record ContactRow(UUID id, String email, String firstName, String lastName, String fullName, String phone,
            String timezone, String statusCode, String statusLabel, String ownerName, String source,
            CustomFields customFields, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        String name() {
            return displayName(fullName, firstName, lastName, email);
        }
    }

    record Named(UUID id, String name) {
    }

    record ListRow(UUID id, String name, int members, OffsetDateTime createdAt) {
    }

    record TagRow(UUID id, String name, int contacts) {
    }

    record MemberRow(UUID contactId, String name, String email, OffsetDateTime since) {
    }

    record TaskRow(UUID id, String title, String description, OffsetDateTime dueAt, String status, String ownerName,
            UUID contactId, String contactName) {
    }

    record ActivityRow(long id, String kind, String summary, String details, OffsetDateTime occurredAt) {
    }

    record StatusRow(String code, String label) {
    }

    private final DSLContext dsl;

    CrmReads(DSLContext dsl) {
        this.dsl = dsl;
    }

    List<StatusRow> statuses(UUID tenant) {
        return dsl.select(CONTACT_STATUS.CODE, CONTACT_STATUS.LABEL).from(CONTACT_STATUS)
                .where(CONTACT_STATUS.TENANT_ID.eq(tenant))
                .orderBy(CONTACT_STATUS.LABEL)
                .fetch(r -> new StatusRow(r.value1(), r.value2()));
    }

    /** Newest first, at most {@link #PAGE_LIMIT}; {@code query} matches email or name, {@code status} the code. */
    List<ContactRow> contacts(UUID tenant, String query, String status) {
        Condition where = CONTACT.TENANT_ID.eq(tenant);
        if (query != null && !query.isBlank()) {
            String q = query.strip();
            where = where.and(CONTACT.EMAIL.containsIgnoreCase(q)
                    .or(CONTACT.FULL_NAME.containsIgnoreCase(q))
                    .or(CONTACT.FIRST_NAME.containsIgnoreCase(q))
                    .or(CONTACT.LAST_NAME.containsIgnoreCase(q)));
        }
        if (status != null && !status.isBlank()) {
            where = where.and(CONTACT.STATUS.eq(status));
        }
        return contactQuery().where(where).orderBy(CONTACT.CREATED_AT.desc(), CONTACT.ID).limit(PAGE_LIMIT)
                .fetch(CrmReads::contact);
    }

    Optional<ContactRow> contact(UUID tenant, UUID id) {
        return contactQuery().where(CONTACT.TENANT_ID.eq(tenant)).and(CONTACT.ID.eq(id)).fetchOptional(CrmReads::contact);
    }

    private org.jooq.SelectOnConditionStep<Record> contactQuery() {
        return dsl.select(CONTACT.fields()).select(CONTACT_STATUS.LABEL, APP_USER.DISPLAY_NAME)
                .from(CONTACT)
                .join(CONTACT_STATUS).on(CONTACT_STATUS.TENANT_ID.eq(CONTACT.TENANT_ID)).and(CONTACT_STATUS.CODE.eq(CONTACT.STATUS))
                .leftJoin(APP_USER).on(APP_USER.ID.eq(CONTACT.OWNER_USER_ID));
    }

    private static ContactRow contact(Record r) {
        JSONB custom = r.get(CONTACT.CUSTOM_FIELDS);
        return new ContactRow(r.get(CONTACT.ID), r.get(CONTACT.EMAIL), r.get(CONTACT.FIRST_NAME), r.get(CONTACT.LAST_NAME),
                r.get(CONTACT.FULL_NAME), r.get(CONTACT.PHONE), r.get(CONTACT.TIMEZONE), r.get(CONTACT.STATUS),
                r.get(CONTACT_STATUS.LABEL), r.get(APP_USER.DISPLAY_NAME), r.get(CONTACT.SOURCE),
                CustomFields.parse(custom == null ? null : custom.data()), r.get(CONTACT.CREATED_AT), r.get(CONTACT.UPDATED_AT));
    }

    /** Tag names per contact, for the given contacts of the tenant. */
    Map<UUID, List<Named>> tagsOf(UUID tenant, Collection<UUID> contacts) {
        return groupsOf(TAGS, tenant, contacts);
    }

    /** List names per contact, for the given contacts of the tenant. */
    Map<UUID, List<Named>> listsOf(UUID tenant, Collection<UUID> contacts) {
        return groupsOf(LISTS, tenant, contacts);
    }

    /** The contact's timeline, newest first. */
    List<ActivityRow> activities(UUID tenant, UUID contact) {
        return dsl.select(ACTIVITY.ID, ACTIVITY.KIND, ACTIVITY.SUMMARY, ACTIVITY.DETAILS, ACTIVITY.OCCURRED_AT).from(ACTIVITY)
                .where(ACTIVITY.TENANT_ID.eq(tenant)).and(ACTIVITY.CONTACT_ID.eq(contact))
                .orderBy(ACTIVITY.OCCURRED_AT.desc(), ACTIVITY.ID.desc())
                .limit(PAGE_LIMIT)
                .fetch(r -> new ActivityRow(r.value1(), r.value2(), r.value3(), r.value4() == null ? "{}" : r.value4().data(), r.value5()));
    }

    List<ListRow> lists(UUID tenant) {
        return dsl.select(MAILING_LIST.ID, MAILING_LIST.NAME, linked(LISTS), MAILING_LIST.CREATED_AT).from(MAILING_LIST)
                .where(MAILING_LIST.TENANT_ID.eq(tenant))
                .orderBy(MAILING_LIST.NAME)
                .fetch(r -> new ListRow(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    Optional<Named> list(UUID tenant, UUID id) {
        return named(LISTS, tenant, id);
    }

    List<MemberRow> listMembers(UUID tenant, UUID list) {
        return members(LISTS, tenant, list);
    }

    List<TagRow> tags(UUID tenant) {
        return dsl.select(TAG.ID, TAG.NAME, linked(TAGS)).from(TAG)
                .where(TAG.TENANT_ID.eq(tenant))
                .orderBy(TAG.NAME)
                .fetch(r -> new TagRow(r.value1(), r.value2(), r.value3()));
    }

    Optional<Named> tag(UUID tenant, UUID id) {
        return named(TAGS, tenant, id);
    }

    List<MemberRow> taggedContacts(UUID tenant, UUID tag) {
        return members(TAGS, tenant, tag);
    }

    /**
     * Mailing lists and tags have one shape: a named group of the tenant, and a link table from
     * contacts to it that says since when.
     */
    private record Grouping(Table<?> group, Field<UUID> groupTenant, Field<UUID> id, Field<String> name,
                            Table<?> link, Field<UUID> linkTenant, Field<UUID> contact, Field<UUID> linkGroup,
                            Field<OffsetDateTime> since) {
    }

    private static final Grouping LISTS = new Grouping(MAILING_LIST, MAILING_LIST.TENANT_ID, MAILING_LIST.ID,
            MAILING_LIST.NAME, LIST_MEMBER, LIST_MEMBER.TENANT_ID, LIST_MEMBER.CONTACT_ID, LIST_MEMBER.LIST_ID,
            LIST_MEMBER.SUBSCRIBED_AT);
    private static final Grouping TAGS = new Grouping(TAG, TAG.TENANT_ID, TAG.ID, TAG.NAME, CONTACT_TAG,
            CONTACT_TAG.TENANT_ID, CONTACT_TAG.CONTACT_ID, CONTACT_TAG.TAG_ID, CONTACT_TAG.TAGGED_AT);

    /** How many contacts a group of the outer query has. */
    private static Field<Integer> linked(Grouping g) {
        return DSL.field(DSL.selectCount().from(g.link())
                .where(g.linkTenant().eq(g.groupTenant())).and(g.linkGroup().eq(g.id())));
    }

    private Optional<Named> named(Grouping g, UUID tenant, UUID id) {
        return dsl.select(g.id(), g.name()).from(g.group())
                .where(g.groupTenant().eq(tenant)).and(g.id().eq(id))
                .fetchOptional(r -> new Named(r.value1(), r.value2()));
    }

    /** The group's contacts, the most recently added first. */
    private List<MemberRow> members(Grouping g, UUID tenant, UUID group) {
        return dsl.select(CONTACT.ID, CONTACT.FULL_NAME, CONTACT.FIRST_NAME, CONTACT.LAST_NAME, CONTACT.EMAIL, g.since())
                .from(g.link())
                .join(CONTACT).on(CONTACT.TENANT_ID.eq(g.linkTenant())).and(CONTACT.ID.eq(g.contact()))
                .where(g.linkTenant().eq(tenant)).and(g.linkGroup().eq(group))
                .orderBy(g.since().desc())
                .limit(PAGE_LIMIT)
                .fetch(r -> new MemberRow(r.value1(), displayName(r.value2(), r.value3(), r.value4(), r.value5()), r.value5(), r.value6()));
    }

    /** The names of the groups each of the given contacts is in, by name. */
    private Map<UUID, List<Named>> groupsOf(Grouping g, UUID tenant, Collection<UUID> contacts) {
        Map<UUID, List<Named>> out = new LinkedHashMap<>();
        if (contacts.isEmpty()) {
            return out;
        }
        dsl.select(g.contact(), g.id(), g.name()).from(g.link())
                .join(g.group()).on(g.groupTenant().eq(g.linkTenant())).and(g.id().eq(g.linkGroup()))
                .where(g.linkTenant().eq(tenant)).and(g.contact().in(contacts))
                .orderBy(g.name())
                .forEach(r -> out.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(new Named(r.value2(), r.value3())));
        return out;
    }

    /** One task of the tenant. */
    Optional<TaskRow> task(UUID tenant, UUID id) {
        return tasks(tenant, null, null, TASK.ID.eq(id)).stream().findFirst();
    }

    /** Tasks by due time (undated last); {@code status} null for all. */
    List<TaskRow> tasks(UUID tenant, String status, UUID contact) {
        return tasks(tenant, status, contact, null);
    }

    private List<TaskRow> tasks(UUID tenant, String status, UUID contact, Condition also) {
        Condition where = TASK.TENANT_ID.eq(tenant);
        if (also != null) {
            where = where.and(also);
        }
        if (status != null) {
            where = where.and(TASK.STATUS.eq(status));
        }
        if (contact != null) {
            where = where.and(TASK.CONTACT_ID.eq(contact));
        }
        return dsl.select(TASK.ID, TASK.TITLE, TASK.DESCRIPTION, TASK.DUE_AT, TASK.STATUS, APP_USER.DISPLAY_NAME,
                        TASK.CONTACT_ID, CONTACT.FULL_NAME, CONTACT.FIRST_NAME, CONTACT.LAST_NAME, CONTACT.EMAIL)
                .from(TASK)
                .leftJoin(APP_USER).on(APP_USER.ID.eq(TASK.OWNER_USER_ID))
                .leftJoin(CONTACT).on(CONTACT.TENANT_ID.eq(TASK.TENANT_ID)).and(CONTACT.ID.eq(TASK.CONTACT_ID))
                .where(where)
                .orderBy(TASK.DUE_AT.asc().nullsLast(), TASK.CREATED_AT)
                .limit(PAGE_LIMIT)
                .fetch(r -> new TaskRow(r.get(TASK.ID), r.get(TASK.TITLE), r.get(TASK.DESCRIPTION), r.get(TASK.DUE_AT),
                        r.get(TASK.STATUS), r.get(APP_USER.DISPLAY_NAME), r.get(TASK.CONTACT_ID),
                        r.get(TASK.CONTACT_ID) == null ? null : displayName(r.get(CONTACT.FULL_NAME), r.get(CONTACT.FIRST_NAME),
                                r.get(CONTACT.LAST_NAME), r.get(CONTACT.EMAIL))));
    }

    /** Full name, else first and last name, else the email. */
    static String displayName(String full, String first, String last, String email) {
        if (full != null && !full.isBlank()) {
            return full;
        }
        String joined = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
        return joined.isEmpty() ? email : joined;
    }
}
