package io.calbridge.host.crm;

import io.calbridge.fixtures.InviteeEvent;
import io.calbridge.fixtures.InviteeEvent.RescheduledTwice;
import io.calbridge.testing.Permutations;
import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.MappingInput;
import io.calbridge.calendly.internal.booking.MappingRules;
import io.calbridge.calendly.internal.webhook.PermanentProcessingException;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reschedules, chains, group events, cancellations, no-shows, duplicates, races and failures. */
class BookingTimelineTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    static Harness h;

    static final String ZONE = "America/New_York";

    @BeforeAll
    static void wire() {
        h = new Harness(db.dataSource());
    }

    // ---- a reschedule: the real recorded pair ------------------------------------------------

    static final byte[] ORIGINAL = InviteeEvent.basedOn("invitee.canceled.reschedule-old.json").asCreated().bytes();
    static final byte[] RESCHEDULE_CANCEL = CalendlyFixtures.webhook("invitee.canceled.reschedule-old.json");
    static final byte[] RESCHEDULE_CREATE = CalendlyFixtures.webhook("invitee.created.reschedule-new.json");

    private List<String> run(TestTenant t, byte[]... bodies) {
        for (byte[] b : bodies) {
            h.process(t, b);
        }
        return h.view(t).snapshot();
    }

    @Test
    void reschedule_cancelFirstOrCreateFirst_isOneBookingWhoseTaskMoved() {
        TestTenant cancelFirst = h.tenant(ZONE);
        TestTenant createFirst = h.tenant(ZONE);

        List<String> a = run(cancelFirst, ORIGINAL, RESCHEDULE_CANCEL, RESCHEDULE_CREATE);
        List<String> b = run(createFirst, ORIGINAL, RESCHEDULE_CREATE, RESCHEDULE_CANCEL);

        assertEquals(a, b);
        CrmView v = h.view(createFirst);
        var c = v.contact("andi.mock@example.com");
        assertEquals("booked", c.status(), "no cancel effects");
        assertEquals(Set.of("calendly", "booked", "rescheduled"), v.tags(c.email()));
        var tasks = v.tasks();
        assertEquals(1, tasks.size(), "no second task: " + tasks);
        assertEquals("OPEN", tasks.get(0).status());
        assertEquals(Instant.parse("2026-04-17T19:45:00Z"), tasks.get(0).dueAt(), "moved to the new time");
        assertTrue(tasks.get(0).description().contains("Fri 17 Apr 2026 15:45 EDT"), tasks.get(0).description());
        assertEquals(List.of("calendly.booked", "calendly.rescheduled", "calendly.rebooked"), v.activityKinds(c.email()));
        assertEquals(1, v.bookings().stream().map(CrmView.BookingRow::chainId).distinct().count());
        assertEquals(List.of("ACTIVE", "RESCHEDULED"), v.bookings().stream().map(CrmView.BookingRow::status).toList());
    }

    @Test
    void reschedule_eachDeliveryThreeTimesInterleaved_endsLikeOnce() {
        TestTenant once = h.tenant(ZONE);
        TestTenant thrice = h.tenant(ZONE);

        List<String> expected = run(once, ORIGINAL, RESCHEDULE_CANCEL, RESCHEDULE_CREATE);
        List<String> actual = run(thrice, RESCHEDULE_CREATE, ORIGINAL, RESCHEDULE_CREATE, RESCHEDULE_CANCEL, ORIGINAL,
                RESCHEDULE_CANCEL, RESCHEDULE_CREATE, RESCHEDULE_CANCEL, ORIGINAL);

        assertEquals(expected, actual);
    }

    // ---- a chain of two reschedules: A -> B -> C --------------------------------------------

    static RescheduledTwice chainOfTwo(String email) {
        return InviteeEvent.rescheduledTwice(email);
    }

    @Test
    void chainOfTwoReschedules_inEveryOrder_endsWithOneContactAndOneLiveTaskAtTheLastTime() {
        RescheduledTwice chain = chainOfTwo("chain@example.com");
        TestTenant reference = h.tenant(ZONE);
        List<String> expected = run(reference, chain.inOrder().toArray(byte[][]::new));
        CrmView ref = h.view(reference);
        assertEquals(1, ref.tasks().size());
        assertEquals(chain.startC(), ref.tasks().get(0).dueAt());
        assertEquals(List.of("RESCHEDULED", "RESCHEDULED", "ACTIVE"),
                List.of(ref.booking(chain.uriA()).status(), ref.booking(chain.uriB()).status(), ref.booking(chain.uriC()).status()));
        assertEquals(List.of("calendly.booked", "calendly.rescheduled", "calendly.rebooked", "calendly.rescheduled", "calendly.rebooked"),
                ref.activityKinds(chain.email()));

        for (List<Integer> order : Permutations.of(5)) {
            TestTenant t = h.tenant(ZONE);
            List<String> actual = run(t, order.stream().map(chain.inOrder()::get).toArray(byte[][]::new));
            CrmView v = h.view(t);
            // Also when the middle invitee came last, after both ends were seen apart (their chains
            // merge then): the merge keeps one task, and no canceled duplicate is left behind.
            assertEquals(1, v.tasks().size(), "order " + order + ": " + v.tasks());
            assertEquals("OPEN", v.tasks().get(0).status(), "order " + order);
            assertEquals(chain.startC(), v.tasks().get(0).dueAt(), "order " + order);
            assertEquals(1, v.contacts().size(), "order " + order);
            assertEquals(1, v.bookings().stream().map(CrmView.BookingRow::chainId).distinct().count(), "order " + order);
            assertEquals(expected, actual, "order " + order);
        }
    }

    @Test
    void cancelBeforeCreate_endsLikeCreateThenCancel() {
        byte[] cancel = CalendlyFixtures.webhook("invitee.canceled.by-invitee.json");
        byte[] create = InviteeEvent.basedOn("invitee.canceled.by-invitee.json").asCreated().bytes();
        TestTenant inOrder = h.tenant(ZONE);
        TestTenant reversed = h.tenant(ZONE);

        List<String> expected = run(inOrder, create, cancel);
        List<String> actual = run(reversed, cancel, cancel, create, cancel, create, create);

        assertEquals(expected, actual);
        assertEquals("CANCELED", h.view(reversed).tasks().get(0).status());
        assertEquals("CANCELED", h.view(reversed).bookings().get(0).status());
    }

    // ---- no-show -------------------------------------------------------------------------------

    @Test
    void noShow_thenUnmark_appliesAndUndoesTheConfiguredEffects_eachDeliveredThreeTimes() {
        TestTenant t = h.tenant(ZONE);
        InviteeEvent booking = InviteeEvent.basedOn("invitee.created.basic.json");
        byte[] marked = booking.copy().noShow("ns-1", Instant.parse("2026-04-21T03:00:00Z")).bytes();
        byte[] unmarked = booking.copy().noShowDeleted(Instant.parse("2026-04-21T09:30:00Z")).bytes();
        String email = "jamie.sample@example.com";
        h.process(t, booking.bytes());

        run(t, marked, marked, marked);

        CrmView v = h.view(t);
        assertEquals("no_show", v.contact(email).status());
        assertEquals(Set.of("calendly", "booked", "no-show"), v.tags(email));
        var tasks = v.tasks(email);
        assertEquals(2, tasks.size(), tasks.toString());
        assertEquals("DONE", tasks.get(0).status(), "the meeting's task is done");
        assertEquals("Follow up: Jamie Sample missed Ex-Fit High Performance Content Strategy Meeting", tasks.get(1).title());
        assertEquals(Instant.parse("2026-04-21T04:00:00Z"), tasks.get(1).dueAt(), "an hour after the no-show was marked");
        assertEquals("OPEN", tasks.get(1).status());
        assertTrue(v.bookings().get(0).noShow());

        run(t, unmarked, unmarked, unmarked);

        v = h.view(t);
        assertEquals("booked", v.contact(email).status(), "the booking's status is back");
        assertEquals(Set.of("calendly", "booked"), v.tags(email));
        tasks = v.tasks(email);
        assertEquals(List.of("OPEN", "CANCELED"), tasks.stream().map(CrmView.TaskRow::status).toList());
        assertFalse(v.bookings().get(0).noShow());
        assertEquals(List.of("calendly.booked", "calendly.no_show", "calendly.no_show_removed"), v.activityKinds(email));

        List<String> before = v.snapshot();
        h.process(t, marked);
        assertEquals(before, h.view(t).snapshot(), "a late copy of the taken-back no-show changes nothing");

        h.process(t, booking.copy().noShow("ns-2", Instant.parse("2026-04-22T10:00:00Z")).event("invitee.no_show").bytes());
        assertEquals("no_show", h.view(t).contact(email).status(), "a new no-show (seed's event name) applies again");
        assertEquals(3, h.view(t).tasks(email).size());
    }

    @Test
    void noShowTagAlsoAppliedByTheBooking_staysWhenTheNoShowIsTakenBack() {
        TestTenant t = h.tenant(ZONE);
        BookingSettings s = Harness.standardSettings(t);
        h.bookings.settings().update(t.tenantId, t.integrationId, new BookingSettings(s.createContacts(), s.contactStatus(),
                s.defaultOwnerId(), s.assignCalendlyHost(), s.listIds(), List.of(t.tag("calendly"), t.tag("no-show")), s.task(),
                s.onCancel(), s.onNoShow(), s.onReschedule(), s.routingForms()));
        InviteeEvent booking = InviteeEvent.basedOn("invitee.created.basic.json");

        run(t, booking.bytes(), booking.copy().noShow("ns-1", Instant.parse("2026-04-21T03:00:00Z")).bytes(),
                booking.copy().noShowDeleted(Instant.parse("2026-04-21T04:00:00Z")).bytes());

        assertEquals(Set.of("calendly", "no-show"), h.view(t).tags("jamie.sample@example.com"));
    }

    // ---- owners --------------------------------------------------------------------------------

    @Test
    void rescheduleToAnotherHost_movesTaskAndContactOwnerToTheNewHost() {
        TestTenant t = h.tenant(ZONE);
        String evA = UUID.randomUUID().toString(), invA = UUID.randomUUID().toString();
        String evB = UUID.randomUUID().toString(), invB = UUID.randomUUID().toString();
        Instant at = Instant.parse("2026-04-25T10:00:00Z");
        InviteeEvent a = InviteeEvent.booking(evA, invA, "rr@example.com", Instant.parse("2026-05-01T14:00:00Z"))
                .host("host-alpha@example.org", "Host Alpha");
        InviteeEvent b = InviteeEvent.booking(evB, invB, "rr@example.com", Instant.parse("2026-05-02T14:00:00Z"))
                .host("HOST-CHARLIE@example.org", "Host Charlie").oldInvitee(a.uri()).updatedAt(at);

        run(t, a.bytes(), a.copy().rescheduledTo(b.uri(), at).bytes(), b.bytes());

        CrmView v = h.view(t);
        assertEquals("host-charlie@example.org", v.tasks().get(0).ownerEmail(), "matched ignoring case");
        assertEquals("host-charlie@example.org", v.contact("rr@example.com").ownerEmail());
    }

    @Test
    void mappingForOneEventType_andDefaultsForAnother_sideBySide() {
        TestTenant t = h.tenant(ZONE);
        String mapped = "https://api.calendly.com/event_types/mapped-" + UUID.randomUUID();
        String plain = "https://api.calendly.com/event_types/plain-" + UUID.randomUUID();
        h.bookings.mappings().create(t.tenantId, t.integrationId, new MappingInput(mapped, "Demo call",
                new MappingRules(List.of(t.list("Webinar")), List.of(t.tag("vip")), "customer", t.user("other@tenant.example"),
                        null, null, "Demo for {{invitee.first_name}} at {{event.time_local}}", null, -30)));
        Instant start = Instant.parse("2026-05-05T18:00:00Z");

        h.process(t, InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "m@example.com", start)
                .name("Mia", "Mapped").eventType(mapped, "Demo call").bytes());
        h.process(t, InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "d@example.com", start)
                .name("Dan", "Default").eventType(plain, "Intro").bytes());

        CrmView v = h.view(t);
        var m = v.contact("m@example.com");
        assertEquals("customer", m.status());
        assertEquals("other@tenant.example", m.ownerEmail(), "the mapping's owner wins over the Calendly host");
        assertEquals(Set.of("Webinar"), v.lists(m.email()));
        assertEquals(Set.of("vip"), v.tags(m.email()));
        var mt = v.tasks(m.email()).get(0);
        assertEquals("Demo for Mia at 14:00 EDT", mt.title());
        assertEquals(start.minusSeconds(30 * 60), mt.dueAt());
        assertEquals("other@tenant.example", mt.ownerEmail());

        var d = v.contact("d@example.com");
        assertEquals("booked", d.status());
        assertEquals("host-alpha@example.org", d.ownerEmail());
        assertEquals(Set.of("Newsletter", "Leads"), v.lists(d.email()));
        assertEquals(Set.of("calendly", "booked"), v.tags(d.email()));
        var dt = v.tasks(d.email()).get(0);
        assertEquals("Intro with Dan Default", dt.title());
        assertEquals(start, dt.dueAt());
    }

    // ---- failures ------------------------------------------------------------------------------

    @Test
    void mappingPointingAtADeletedList_deadLettersWithAMessageForTheAdmin_andStoresNothing() {
        TestTenant t = h.tenant(ZONE);
        String eventType = "https://api.calendly.com/event_types/53076e7d-d3a0-4ca0-97d5-bd327017a18e";
        h.bookings.mappings().create(t.tenantId, t.integrationId, new MappingInput(eventType, "Content Strategy",
                new MappingRules(List.of(t.list("Webinar")), null, null, null, null, null, null, null, null)));
        DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES).deleteFrom(io.calbridge.db.host.Tables.MAILING_LIST)
                .where(io.calbridge.db.host.Tables.MAILING_LIST.ID.eq(UUID.fromString(t.list("Webinar")))).execute();

        var e = assertThrows(PermanentProcessingException.class, () -> h.fixture(t, "invitee.created.basic.json"));

        assertEquals("Mailing list " + t.list("Webinar") + " no longer exists, but list_ids of the mapping for event type "
                + "\"Content Strategy\" (" + eventType + ") still names it. Change that setting, then replay this delivery.", e.getMessage());
        assertTrue(h.view(t).bookings().isEmpty());
        assertTrue(h.view(t).contacts().isEmpty(), "the host's effects rolled back with the plugin's transaction");
    }

    @Test
    void hostFailure_propagatesForRetry_rollsEverythingBack_andTheRetryEndsAsIfItNeverFailed() {
        TestTenant t = h.tenant(ZONE);
        TestTenant reference = h.tenant(ZONE);
        AtomicInteger failures = new AtomicInteger(1);
        HostServices real = Crm.hostServices(db.dataSource());
        Tasks flaky = new Tasks() {
            public String create(HostCall call, TaskDraft draft) {
                if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("CRM is down");
                }
                return real.tasks().create(call, draft);
            }

            public void reschedule(HostCall call, String id, TaskDraft d) {
                real.tasks().reschedule(call, id, d);
            }

            public void cancel(HostCall call, String id) {
                real.tasks().cancel(call, id);
            }

            public void complete(HostCall call, String id) {
                real.tasks().complete(call, id);
            }

            public void reopen(HostCall call, String id) {
                real.tasks().reopen(call, id);
            }
        };
        Harness failing = new Harness(db.dataSource(), new HostServices(real.contacts(), real.mailingLists(), flaky,
                real.teamMembers(), real.notifications(), real.tenants()));

        var e = assertThrows(IllegalStateException.class, () -> failing.fixture(t, "invitee.created.basic.json"));
        assertEquals("CRM is down", e.getMessage());
        assertTrue(h.view(t).contacts().isEmpty());
        assertTrue(h.view(t).bookings().isEmpty());

        failing.fixture(t, "invitee.created.basic.json");
        h.fixture(reference, "invitee.created.basic.json");
        assertEquals(h.view(reference).snapshot(), h.view(t).snapshot());
    }

    @Test
    void unreadableBodies_areDeadLetteredWithAReason() {
        TestTenant t = h.tenant(ZONE);

        var notJson = assertThrows(PermanentProcessingException.class, () -> h.process(t, "{not json".getBytes()));
        var array = assertThrows(PermanentProcessingException.class, () -> h.process(t, "[1]".getBytes()));
        var noPayload = assertThrows(PermanentProcessingException.class,
                () -> h.process(t, "{\"event\":\"invitee.created\",\"payload\":[]}".getBytes()));
        var noUri = assertThrows(PermanentProcessingException.class,
                () -> h.process(t, "{\"event\":\"invitee.created\",\"payload\":{\"email\":\"x@example.com\"}}".getBytes()));

        assertTrue(notJson.getMessage().startsWith("The delivery body is not a valid JSON object"), notJson.getMessage());
        assertTrue(noUri.getMessage().contains("payload.uri is missing"), noUri.getMessage());
        assertTrue(array.getMessage().startsWith("The delivery body is not a valid JSON object"), array.getMessage());
        assertEquals("The invitee.created delivery has no payload object, so there is nothing to apply.", noPayload.getMessage());
        assertTrue(h.view(t).bookings().isEmpty());
    }

    // ---- concurrency ---------------------------------------------------------------------------

    @Test
    void twoNodesProcessingTheSameChainAtOnce_applyEveryEffectOnce() throws Exception {
        TestTenant t = h.tenant(ZONE);
        try (var poolA = db.newPool(3); var poolB = db.newPool(3)) {
            Harness nodeA = new Harness(poolA);
            Harness nodeB = new Harness(poolB);
            List<RescheduledTwice> chains = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                chains.add(chainOfTwo("race" + i + "@example.com"));
            }
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                for (RescheduledTwice chain : chains) {
                    List<byte[]> forward = chain.inOrder();
                    List<byte[]> shuffled = new ArrayList<>(forward);
                    Collections.shuffle(shuffled, new Random(chain.email().hashCode()));
                    CyclicBarrier start = new CyclicBarrier(2);
                    Future<?> a = threads.submit(() -> {
                        start.await();
                        forward.forEach(b -> retryOnDeadlock(() -> nodeA.process(t, b)));
                        return null;
                    });
                    Future<?> b = threads.submit(() -> {
                        start.await();
                        shuffled.forEach(x -> retryOnDeadlock(() -> nodeB.process(t, x)));
                        return null;
                    });
                    a.get();
                    b.get();
                }
            } finally {
                threads.shutdownNow();
            }
            CrmView v = h.view(t);
            for (RescheduledTwice chain : chains) {
                assertEquals(1, v.tasks(chain.email()).stream().filter(x -> !x.status().equals("CANCELED")).count(), chain.email());
                assertEquals(chain.startC(), v.tasks(chain.email()).stream().filter(x -> x.status().equals("OPEN"))
                        .findFirst().orElseThrow().dueAt());
                assertEquals(List.of("calendly.booked", "calendly.rescheduled", "calendly.rebooked", "calendly.rescheduled",
                        "calendly.rebooked"), v.activityKinds(chain.email()), chain.email());
            }
            assertEquals(12, v.contacts().size());
            assertEquals(12, v.bookings().stream().map(CrmView.BookingRow::chainId).collect(Collectors.toSet()).size());
        }
    }

    /** A deadlock aborts one transaction; the inbox worker retries it, so this test does the same. */
    private static void retryOnDeadlock(Runnable work) {
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return;
            } catch (org.jooq.exception.DataAccessException e) {
                if (attempt >= 3 || !String.valueOf(e.sqlState()).equals("40P01")) {
                    throw e;
                }
            }
        }
    }

    @Test
    void differentTenants_neverSeeEachOthersBookings() {
        TestTenant one = h.tenant(ZONE);
        TestTenant two = h.tenant(ZONE);

        h.fixture(one, "invitee.created.basic.json");

        assertEquals(1, h.view(one).contacts().size());
        assertTrue(h.view(two).contacts().isEmpty());
        assertNotEquals(h.view(one).snapshot(), h.view(two).snapshot());
    }
}
