package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.ACTIVITY;
import static io.calbridge.db.host.Tables.MAILING_LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** tenant-host's host-interface implementations on their own: idempotency, transactions, references. */
class CrmTablesTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static HostServices host;

    @BeforeAll
    static void wire() {
        host = Crm.hostServices(db.dataSource());
    }

    private static HostCall key(TestTenant t, String key) {
        return HostCall.effect(t.tenantId, key, null);
    }

    private static ContactDraft draft(String email, String status, String owner, Map<String, String> fields) {
        return new ContactDraft(email, "Pat Example", "Pat", null, null, "Europe/Berlin", status, owner, fields, "test");
    }

    private static void unknown(Kind kind, String id, Executable call) {
        var e = assertThrows(UnknownReferenceException.class, call);
        assertEquals(kind, e.kind());
        assertEquals(id, e.id());
    }

    @Test
    void findOrCreate_matchesEmailIgnoringCase_mergesFields_andSetsTheOwnerOnlyOnce() {
        TestTenant t = TestTenant.create(db.dataSource(), "UTC");

        ContactRef first = host.contacts().findOrCreate(key(t, "a"), draft("Pat@Example.com", null, t.user("owner@tenant.example"),
                Map.of("Phone", "1", "Source", "web")));
        ContactRef second = host.contacts().findOrCreate(key(t, "b"), new ContactDraft("pat@example.COM", null, null, "Example",
                "+49 1", null, "booked", t.user("other@tenant.example"), Map.of("Phone", "2"), "test"));

        assertTrue(first.created());
        assertEquals("lead", first.status(), "the first status by position");
        assertFalse(second.created());
        assertEquals(first.id(), second.id());
        assertEquals("booked", second.status());
        assertEquals(t.user("owner@tenant.example"), second.ownerId(), "an owner is never replaced by findOrCreate");
        var c = new CrmView(db.dataSource(), t).contact("pat@example.com");
        assertEquals("Pat Example", c.fullName(), "null keeps what is there");
        assertEquals("Example", c.lastName());
        assertEquals("+49 1", c.phone());
        assertEquals("Europe/Berlin", c.timezone());
        assertEquals(Map.of("Phone", "2", "Source", "web"), c.fields());
        assertEquals("Pat@Example.com", c.email(), "the first spelling stays");
        assertEquals(Set.of(first.id()), Set.of(host.contacts().findByEmail(HostCall.read(t.tenantId), "PAT@example.com").orElseThrow().id()));
    }

    @Test
    void findOrCreate_racingForTheSameEmail_makesOneContact() throws Exception {
        TestTenant t = TestTenant.create(db.dataSource(), "UTC");
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            CyclicBarrier start = new CyclicBarrier(6);
            List<Future<ContactRef>> refs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String k = "race-" + i;
                refs.add(threads.submit(() -> {
                    start.await();
                    return host.contacts().findOrCreate(key(t, k), draft("race@example.com", null, null, Map.of()));
                }));
            }
            Set<String> ids = new java.util.HashSet<>();
            int created = 0;
            for (var f : refs) {
                ids.add(f.get().id());
                created += f.get().created() ? 1 : 0;
            }
            assertEquals(1, ids.size());
            assertEquals(1, created);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRetriedKey_isNotAppliedAgain_evenAfterLaterChanges() {
        TestTenant t = TestTenant.create(db.dataSource(), "UTC");
        String id = host.contacts().findOrCreate(key(t, "c"), draft("k@example.com", "booked", null, Map.of())).id();
        String tag = t.tag("vip");

        host.contacts().updateStatus(key(t, "s1"), id, "canceled");
        host.contacts().updateStatus(key(t, "s2"), id, "booked");
        host.contacts().updateStatus(key(t, "s1"), id, "canceled");
        host.mailingLists().tag(key(t, "t1"), id, List.of(tag));
        host.mailingLists().untag(key(t, "u1"), id, List.of(tag));
        host.mailingLists().tag(key(t, "t2"), id, List.of(tag));
        host.mailingLists().untag(key(t, "u1"), id, List.of(tag));
        host.contacts().updateFields(key(t, "f1"), id, Map.of("a", "1"));
        host.contacts().updateFields(key(t, "f2"), id, Map.of("a", "2"));
        host.contacts().updateFields(key(t, "f1"), id, Map.of("a", "1"));

        var c = new CrmView(db.dataSource(), t).contact("k@example.com");
        assertEquals("booked", c.status());
        assertEquals(Set.of("vip"), new CrmView(db.dataSource(), t).tags("k@example.com"));
        assertEquals("2", c.fields().get("a"));
    }

    @Test
    void tasks_createOncePerKey_andMoveThroughTheirStates() {
        TestTenant t = TestTenant.create(db.dataSource(), "UTC");
        TaskDraft d = new TaskDraft(null, t.user("owner@tenant.example"), "Call", "", Instant.parse("2026-05-01T10:00:00Z"));

        String id = host.tasks().create(key(t, "task"), d);
        assertEquals(id, host.tasks().create(key(t, "task"), d));
        host.tasks().complete(key(t, "done"), id);
        host.tasks().reopen(key(t, "open"), id);
        host.tasks().reschedule(key(t, "move"), id, new TaskDraft(null, t.user("other@tenant.example"), "Call later", "x",
                Instant.parse("2026-05-02T10:00:00Z")));
        host.tasks().cancel(key(t, "cancel"), id);
        host.tasks().reopen(key(t, "open2"), id);

        var tasks = new CrmView(db.dataSource(), t).tasks();
        assertEquals(1, tasks.size());
        assertEquals("CANCELED", tasks.get(0).status(), "a canceled task stays canceled");
        assertEquals("Call later", tasks.get(0).title());
        assertEquals(Instant.parse("2026-05-02T10:00:00Z"), tasks.get(0).dueAt());
        assertEquals("other@tenant.example", tasks.get(0).ownerEmail());
    }

    @Test
    void idsThatAreNotTheTenants_areReportedAsUnknown_andChangeNothing() {
        TestTenant t = TestTenant.create(db.dataSource(), "UTC");
        TestTenant other = TestTenant.create(db.dataSource(), "UTC");
        String contact = host.contacts().findOrCreate(key(t, "c"), draft("u@example.com", null, null, Map.of())).id();
        String otherContact = host.contacts().findOrCreate(key(other, "c"), draft("u@example.com", null, null, Map.of())).id();
        String outsider = UUID.randomUUID().toString();

        unknown(Kind.MAILING_LIST, other.list("Leads"), () -> host.mailingLists().subscribe(key(t, "l"), contact,
                List.of(t.list("Leads"), other.list("Leads"))));
        unknown(Kind.TAG, "not-a-uuid", () -> host.mailingLists().tag(key(t, "g"), contact, List.of("not-a-uuid")));
        unknown(Kind.CONTACT, otherContact, () -> host.mailingLists().tag(key(t, "g2"), otherContact, List.of(t.tag("vip"))));
        unknown(Kind.CONTACT_STATUS, "gone", () -> host.contacts().updateStatus(key(t, "s"), contact, "gone"));
        unknown(Kind.CONTACT_STATUS, "gone", () -> host.contacts().findOrCreate(key(t, "n"), draft("n@example.com", "gone", null, Map.of())));
        unknown(Kind.TEAM_MEMBER, outsider, () -> host.contacts().updateOwner(key(t, "o"), contact, outsider));
        unknown(Kind.TEAM_MEMBER, outsider, () -> host.tasks().create(key(t, "t"),
                new TaskDraft(contact, outsider, "x", "", Instant.parse("2026-05-01T10:00:00Z"))));
        // An owner id that cannot be a uuid names nobody, on each path that takes one.
        unknown(Kind.TEAM_MEMBER, "not-a-uuid", () -> host.contacts().updateOwner(key(t, "o2"), contact, "not-a-uuid"));
        unknown(Kind.TEAM_MEMBER, "not-a-uuid", () -> host.contacts().findOrCreate(key(t, "n2"),
                draft("n2@example.com", null, "not-a-uuid", Map.of())));
        unknown(Kind.TEAM_MEMBER, "not-a-uuid", () -> host.tasks().create(key(t, "t2"),
                new TaskDraft(contact, "not-a-uuid", "x", "", Instant.parse("2026-05-01T10:00:00Z"))));
        unknown(Kind.TASK, outsider, () -> host.tasks().cancel(key(t, "x"), outsider));
        unknown(Kind.CONTACT, outsider, () -> host.contacts().addActivity(key(t, "a"), outsider,
                new ActivityEntry("k", "s", Map.of(), Instant.EPOCH)));

        CrmView v = new CrmView(db.dataSource(), t);
        assertTrue(v.lists("u@example.com").isEmpty(), "the valid list was not subscribed either");
        assertEquals(1, v.contacts().size());
        assertTrue(v.tasks().isEmpty());
        assertNull(v.contact("u@example.com").ownerEmail());
    }

    @Test
    void inThePluginsTransaction_hostEffectsCommitAndRollBackWithIt() throws Exception {
        TestTenant t = TestTenant.create(db.dataSource(), "UTC");
        try (Connection conn = db.dataSource().getConnection()) {
            conn.setAutoCommit(false);
            host.contacts().findOrCreate(HostCall.effect(t.tenantId, "rolled-back", conn), draft("tx@example.com", null, null, Map.of()));
            assertTrue(host.contacts().findByEmail(new HostCall(t.tenantId, null, conn), "tx@example.com").isPresent(),
                    "visible inside the transaction");
            conn.rollback();
            assertTrue(host.contacts().findByEmail(HostCall.read(t.tenantId), "tx@example.com").isEmpty());

            host.contacts().findOrCreate(HostCall.effect(t.tenantId, "committed", conn), draft("tx@example.com", null, null, Map.of()));
            conn.commit();
            conn.setAutoCommit(true);
        }
        assertTrue(host.contacts().findByEmail(HostCall.read(t.tenantId), "tx@example.com").isPresent());
    }

    @Test
    void notifications_areTenantActivitiesWrittenOncePerKey() {
        TestTenant t = TestTenant.create(db.dataSource(), "UTC");
        Notification n = new Notification(Notification.Kind.DELIVERY_DEAD_LETTERED, "A booking could not be applied",
                "Mailing list x no longer exists.", Map.of("delivery", 42));

        host.notifications().notify(key(t, "dead-42"), n);
        host.notifications().notify(key(t, "dead-42"), n);

        var rows = DSL.using(db.dataSource(), SQLDialect.POSTGRES).selectFrom(ACTIVITY).where(ACTIVITY.TENANT_ID.eq(t.id)).fetch();
        assertEquals(1, rows.size());
        assertEquals("notification.delivery_dead_lettered", rows.get(0).getKind());
        assertNull(rows.get(0).getContactId());
        assertTrue(rows.get(0).getDetails().data().contains("Mailing list x no longer exists."));
    }

    @Test
    void teamMembersAndTenantZone() {
        TestTenant t = TestTenant.create(db.dataSource(), "Australia/Perth");
        TestTenant other = TestTenant.create(db.dataSource(), "UTC");
        DSL.using(db.dataSource(), SQLDialect.POSTGRES).deleteFrom(io.calbridge.db.host.Tables.TENANT_MEMBER)
                .where(io.calbridge.db.host.Tables.TENANT_MEMBER.TENANT_ID.eq(other.id))
                .and(io.calbridge.db.host.Tables.TENANT_MEMBER.USER_ID.eq(UUID.fromString(other.user("other@tenant.example"))))
                .execute();

        assertEquals(t.user("host-alpha@example.org"),
                host.teamMembers().findByEmail(HostCall.read(t.tenantId), "Host-Alpha@Example.org").orElseThrow().id());
        assertTrue(host.teamMembers().findByEmail(HostCall.read(other.tenantId), "other@tenant.example").isEmpty(),
                "not on that tenant's team");
        assertEquals(TestTenant.MEMBERS.size(), host.teamMembers().list(HostCall.read(t.tenantId)).size());
        assertEquals(ZoneId.of("Australia/Perth"), host.tenants().timeZone(HostCall.read(t.tenantId)));
        assertEquals(List.of("Leads", "Newsletter", "Webinar"),
                host.mailingLists().lists(HostCall.read(t.tenantId)).stream().map(io.calbridge.calendly.spi.Choice::label).toList());
        DSL.using(db.dataSource(), SQLDialect.POSTGRES).deleteFrom(MAILING_LIST).where(MAILING_LIST.TENANT_ID.eq(t.id)).execute();
        assertTrue(host.mailingLists().lists(HostCall.read(t.tenantId)).isEmpty());
    }
}
