package io.calbridge.host.crm;

import io.calbridge.fixtures.InviteeEvent;
import io.calbridge.fixtures.InviteeEvent.RescheduledTwice;
import io.calbridge.testing.Permutations;
import io.calbridge.fixtures.CalendlyFixtures;
import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TwoNodeRace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reschedules, chains, group events, cancellations, no-shows, duplicates, races and failures, each
 * delivery sent to the tenant's webhook URL and processed by the plugin's worker before the next
 * ({@link Harness}). The rows the plugin keeps about a chain (links, placeholders, one chain) are
 * asserted in the plugin, {@code BookingRowsTest}.
 */
class BookingTimelineTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    /** While set, tenant-host's CRM refuses to create tasks (as the plugin's host), as if it were down. */
    static final AtomicBoolean TASKS_DOWN = new AtomicBoolean();
    static Harness h;

    static final String ZONE = "America/New_York";

    @BeforeAll
    static void start() {
        h = Harness.start(db.dataSource(), BookingTimelineTest::tasksGoDownOnRequest);
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    // ---- a reschedule: the real recorded pair ------------------------------------------------

    static final byte[] ORIGINAL = InviteeEvent.basedOn("invitee.canceled.reschedule-old.json").asCreated().bytes();
    static final byte[] RESCHEDULE_CANCEL = CalendlyFixtures.webhook("invitee.canceled.reschedule-old.json");
    static final byte[] RESCHEDULE_CREATE = CalendlyFixtures.webhook("invitee.created.reschedule-new.json");

    private List<String> run(TestTenant t, byte[]... bodies) {
        for (byte[] b : bodies) {
            h.deliver(t, b);
        }
        return h.snapshot(t);
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
        assertEquals(List.of("ACTIVE", "RESCHEDULED"), h.bookings(createFirst, c.email()).stream()
                .map(row -> row.get("status").asText()).toList());
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
    void chainOfTwoReschedules_inEveryOrder_endsWithOneContactAndOneLiveTaskAtTheLastTime() throws Exception {
        RescheduledTwice chain = chainOfTwo("chain@example.com");
        TestTenant reference = h.tenant(ZONE);
        run(reference, chain.inOrder().toArray(byte[][]::new));
        CrmView ref = h.view(reference);
        assertEquals(1, ref.tasks().size());
        assertEquals(chain.startC(), ref.tasks().get(0).dueAt());
        assertEquals(List.of("RESCHEDULED", "RESCHEDULED", "ACTIVE"), List.of(
                h.booking(reference, chain.email(), chain.uriA()).get("status").asText(),
                h.booking(reference, chain.email(), chain.uriB()).get("status").asText(),
                h.booking(reference, chain.email(), chain.uriC()).get("status").asText()));
        assertEquals(List.of("calendly.booked", "calendly.rescheduled", "calendly.rebooked", "calendly.rescheduled", "calendly.rebooked"),
                ref.activityKinds(chain.email()));

        List<String> expected = h.snapshot(reference, chain.email(), aliases(chain));

        // One person per order (the same story under another e-mail and other invitee URIs), six
        // tenants side by side, each taking its people's deliveries one at a time.
        List<List<Integer>> orders = Permutations.of(5);
        List<TestTenant> tenants = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            tenants.add(h.tenant(ZONE));
        }
        ExecutorService threads = Executors.newFixedThreadPool(tenants.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int k = 0; k < tenants.size(); k++) {
                TestTenant t = tenants.get(k);
                int first = k;
                done.add(threads.submit(() -> {
                    for (int n = first; n < orders.size(); n += tenants.size()) {
                        List<Integer> order = orders.get(n);
                        RescheduledTwice person = chainOfTwo("chain-" + n + "@example.com");
                        List<byte[]> bodies = person.inOrder();
                        order.forEach(i -> h.deliver(t, bodies.get(i)));
                        CrmView v = h.view(t);
                        var tasks = v.tasks(person.email());
                        // Also when the middle invitee came last, after both ends were seen apart (their chains
                        // merge then): the merge keeps one task, and no canceled duplicate is left behind.
                        assertEquals(1, tasks.size(), "order " + order + ": " + tasks);
                        assertEquals("OPEN", tasks.get(0).status(), "order " + order);
                        assertEquals(person.startC(), tasks.get(0).dueAt(), "order " + order);
                        v.contact(person.email()); // exactly one
                        assertEquals(expected, h.snapshot(t, person.email(), aliases(person)), "order " + order);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        for (TestTenant t : tenants) {
            assertEquals(orders.size() / tenants.size(), h.view(t).contacts().size(), "one contact per person");
        }
    }

    /** The chain's invitee URIs, each under a name of its place in the chain. */
    private static java.util.Map<String, String> aliases(RescheduledTwice chain) {
        return java.util.Map.of(chain.uriA(), "<A>", chain.uriB(), "<B>", chain.uriC(), "<C>");
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
        assertEquals("CANCELED", h.bookings(reversed, "dana.testerson@example.com").get(0).get("status").asText());
    }

    // ---- no-show -------------------------------------------------------------------------------

    @Test
    void noShow_thenUnmark_appliesAndUndoesTheConfiguredEffects_eachDeliveredThreeTimes() {
        TestTenant t = h.tenant(ZONE);
        InviteeEvent booking = InviteeEvent.basedOn("invitee.created.basic.json");
        byte[] marked = booking.copy().noShow("ns-1", Instant.parse("2026-04-21T03:00:00Z")).bytes();
        byte[] unmarked = booking.copy().noShowDeleted(Instant.parse("2026-04-21T09:30:00Z")).bytes();
        String email = "jamie.sample@example.com";
        h.deliver(t, booking.bytes());

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
        assertTrue(h.bookings(t, email).get(0).get("no_show").asBoolean());

        run(t, unmarked, unmarked, unmarked);

        v = h.view(t);
        assertEquals("booked", v.contact(email).status(), "the booking's status is back");
        assertEquals(Set.of("calendly", "booked"), v.tags(email));
        tasks = v.tasks(email);
        assertEquals(List.of("OPEN", "CANCELED"), tasks.stream().map(CrmView.TaskRow::status).toList());
        assertFalse(h.bookings(t, email).get(0).get("no_show").asBoolean());
        assertEquals(List.of("calendly.booked", "calendly.no_show", "calendly.no_show_removed"), v.activityKinds(email));

        List<String> before = h.snapshot(t);
        h.deliver(t, marked);
        assertEquals(before, h.snapshot(t), "a late copy of the taken-back no-show changes nothing");

        h.deliver(t, booking.copy().noShow("ns-2", Instant.parse("2026-04-22T10:00:00Z")).event("invitee.no_show").bytes());
        assertEquals("no_show", h.view(t).contact(email).status(), "a new no-show (seed's event name) applies again");
        assertEquals(3, h.view(t).tasks(email).size());
    }

    @Test
    void noShowTagAlsoAppliedByTheBooking_staysWhenTheNoShowIsTakenBack() {
        TestTenant t = h.tenant(ZONE);
        h.settings(t, Harness.JSON.createObjectNode().set("tag_ids", Harness.ids(t.tag("calendly"), t.tag("no-show"))));
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
        var rules = Harness.JSON.createObjectNode().put("crm_status", "customer").put("owner_id", t.user("other@tenant.example"))
                .put("task_title", "Demo for {{invitee.first_name}} at {{event.time_local}}").put("task_due_offset_minutes", -30);
        rules.set("list_ids", Harness.ids(t.list("Webinar")));
        rules.set("tag_ids", Harness.ids(t.tag("vip")));
        h.mapping(t, mapped, "Demo call", rules);
        Instant start = Instant.parse("2026-05-05T18:00:00Z");

        h.deliver(t, InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "m@example.com", start)
                .name("Mia", "Mapped").eventType(mapped, "Demo call").bytes());
        h.deliver(t, InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "d@example.com", start)
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
        h.mapping(t, eventType, "Content Strategy", Harness.JSON.createObjectNode().set("list_ids", Harness.ids(t.list("Webinar"))));
        DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES).deleteFrom(io.calbridge.db.host.Tables.MAILING_LIST)
                .where(io.calbridge.db.host.Tables.MAILING_LIST.ID.eq(UUID.fromString(t.list("Webinar")))).execute();

        var e = h.fixture(t, "invitee.created.basic.json");

        assertEquals("DEAD", e.status(), "dead-lettered at once: " + e);
        assertEquals("Mailing list " + t.list("Webinar") + " no longer exists, but list_ids of the mapping for event type "
                + "\"Content Strategy\" (" + eventType + ") still names it. Change that setting, then replay this delivery.", e.lastError());
        assertEquals(List.of(), h.bookings(t, "jamie.sample@example.com"));
        assertTrue(h.view(t).contacts().isEmpty(), "the host's effects rolled back with the plugin's transaction");
    }

    /** tenant-host's CRM as the plugin's host, its tasks refusing to be created while {@link #TASKS_DOWN} is set. */
    static HostServices tasksGoDownOnRequest(HostServices real) {
        Tasks flaky = new Tasks() {
            public String create(HostCall call, TaskDraft draft) {
                if (TASKS_DOWN.get()) {
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
        return new HostServices(real.contacts(), real.mailingLists(), flaky, real.teamMembers(), real.notifications(), real.tenants());
    }

    @Test
    void hostFailure_propagatesForRetry_rollsEverythingBack_andTheRetryEndsAsIfItNeverFailed() {
        TestTenant t = h.tenant(ZONE);
        TestTenant reference = h.tenant(ZONE);
        Harness.Outcome failed;
        TASKS_DOWN.set(true);
        try {
            failed = h.fixture(t, "invitee.created.basic.json");

            assertEquals("PENDING", failed.status(), "to be retried: " + failed);
            assertTrue(failed.lastError().contains("CRM is down"), failed.lastError());
            assertTrue(h.view(t).contacts().isEmpty());
            assertEquals(List.of(), h.bookings(t, "jamie.sample@example.com"));
        } finally {
            TASKS_DOWN.set(false);
        }

        // The worker's own retry, or an admin's replay if the retries ran out meanwhile.
        Harness.Outcome retried = h.awaitProcessed(t, failed.inboxId());
        if (!retried.status().equals("DONE")) {
            h.replay(t, failed.inboxId());
            retried = h.awaitProcessed(t, failed.inboxId());
        }
        assertEquals("DONE", retried.status(), retried.toString());
        h.fixture(reference, "invitee.created.basic.json");
        assertEquals(h.snapshot(reference), h.snapshot(t));
    }

    @Test
    void unreadableBodies_areRefusedOrDeadLetteredWithAReason() {
        TestTenant t = h.tenant(ZONE);

        // Not a JSON object, or no payload object: refused at the door, never stored (the booking
        // engine's own messages for such bodies, should one be stored, are asserted in the plugin,
        // BookingRowsTest).
        var notJson = h.post(t, "{not json".getBytes(), t.integration.webhookUrl());
        var array = h.post(t, "[1]".getBytes(), t.integration.webhookUrl());
        var noPayload = h.post(t, "{\"event\":\"invitee.created\",\"payload\":[]}".getBytes(), t.integration.webhookUrl());
        var noUri = h.deliver(t, "{\"event\":\"invitee.created\",\"payload\":{\"email\":\"x@example.com\"}}".getBytes());

        assertEquals(400, notJson.statusCode(), notJson.body());
        assertTrue(notJson.body().contains("invalid_payload"), notJson.body());
        assertEquals(400, array.statusCode(), array.body());
        assertTrue(array.body().contains("invalid_payload"), array.body());
        assertEquals(400, noPayload.statusCode(), noPayload.body());
        assertTrue(noPayload.body().contains("invalid_payload"), noPayload.body());
        assertEquals("DEAD", noUri.status());
        assertTrue(noUri.lastError().contains("payload.uri is missing"), noUri.lastError());
        assertEquals(List.of(), h.bookings(t, "x@example.com"));
        assertTrue(h.view(t).contacts().isEmpty());
        assertTrue(h.view(t).tasks().isEmpty());
        // The worker tells the host after it committed DEAD: the log can show DEAD a moment before the notice.
        assertEquals(List.of("notification.delivery_dead_lettered"),
                eventually("the admin is told").until(() -> h.view(t).activities().stream().map(CrmView.ActivityRow::kind)
                        .toList(), kinds -> !kinds.isEmpty()), "the admin was told, nothing else");
    }

    // ---- concurrency ---------------------------------------------------------------------------

    @Test
    void twoNodesProcessingTheSameChainAtOnce_applyEveryEffectOnce() throws Exception {
        TestTenant t = h.tenant(ZONE);
        String nodeA = t.integration.webhookUrl();
        String nodeB = h.startNode();
        List<RescheduledTwice> chains = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            chains.add(chainOfTwo("race" + i + "@example.com"));
        }
        // Calendly delivers each event to both nodes (a retry after a timeout, say): each node's worker,
        // and the other's, take the chain's deliveries as they come.
        TwoNodeRace.run(chains.stream().map(RescheduledTwice::inOrder).toList(),
                body -> assertEquals(200, h.post(t, body, nodeA).statusCode()),
                body -> assertEquals(200, h.post(t, body, nodeB).statusCode()));
        // A deadlock between the nodes aborts one transaction; the worker retries it.
        h.awaitAllProcessed(t);
        assertEquals(0, h.webhookLog(t, "status=DEAD").size(), h.webhookLog(t, "status=DEAD").toString());
        CrmView v = h.view(t);
        for (RescheduledTwice chain : chains) {
            assertEquals(1, v.tasks(chain.email()).stream().filter(x -> !x.status().equals("CANCELED")).count(), chain.email());
            assertEquals(chain.startC(), v.tasks(chain.email()).stream().filter(x -> x.status().equals("OPEN"))
                    .findFirst().orElseThrow().dueAt());
            assertEquals(List.of("calendly.booked", "calendly.rescheduled", "calendly.rebooked", "calendly.rescheduled",
                    "calendly.rebooked"), v.activityKinds(chain.email()), chain.email());
            assertEquals(List.of("RESCHEDULED", "RESCHEDULED", "ACTIVE"), List.of(
                    h.booking(t, chain.email(), chain.uriA()).get("status").asText(),
                    h.booking(t, chain.email(), chain.uriB()).get("status").asText(),
                    h.booking(t, chain.email(), chain.uriC()).get("status").asText()), chain.email());
        }
        assertEquals(12, v.contacts().size());
    }

    @Test
    void differentTenants_neverSeeEachOthersBookings() {
        TestTenant one = h.tenant(ZONE);
        TestTenant two = h.tenant(ZONE);

        h.fixture(one, "invitee.created.basic.json");

        assertEquals(1, h.view(one).contacts().size());
        assertTrue(h.view(two).contacts().isEmpty());
        assertEquals(List.of(), h.bookings(two, "jamie.sample@example.com"));
        assertNotEquals(h.snapshot(one), h.snapshot(two));
    }
}
