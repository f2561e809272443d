package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.internal.booking.Bookings;
import io.calbridge.calendly.internal.booking.ContactPins;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.sync.OneBookingPerInvitee;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.MailingLists;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.Waiting;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's batches through the real booking pipeline ({@code OneBookingPerInvitee} in front of
 * {@code BookingProcessor}), with hosts that count every effect by its idempotency key: one that
 * writes in the plugin's transaction (its rows roll back with a failed batch) and one outside it, as
 * an external CRM (what it applied stays, and it recognises a repeated key).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchedBookingsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    WebhookHarness h;
    TestIntegrations.TestIntegration integration;

    @BeforeEach
    void start() {
        Db plain = new Db(db.dataSource());
        plain.dsl().deleteFrom(io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX).execute();
        plain.dsl().execute("create table if not exists test_host_effect (idempotency_key text not null)");
        plain.dsl().execute("truncate test_host_effect");
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void node(KeyedHost host) {
        node(pipeline(db.dataSource(), host));
    }

    /** A node whose worker takes batches of up to 50 into {@code pipeline}, and one integration. */
    private void node(DeliveryProcessor pipeline) {
        h = new WebhookHarness(db.dataSource(), WebhookSettings.defaults()
                .withWorker(0, 3, Duration.ofMinutes(2), Duration.ofSeconds(1)).withBatchSize(50), p -> { }, pipeline);
        integration = h.integrations.create("tenant-" + UUID.randomUUID(), Secret.of("k-" + UUID.randomUUID()));
    }

    private static DeliveryProcessor pipeline(DataSource dataSource, KeyedHost host) {
        Db pluginDb = new Db(dataSource);
        return new OneBookingPerInvitee(pluginDb, Bookings.create(pluginDb, host.services(), Clock.systemUTC()).processor(),
                Clock.systemUTC());
    }

    @Test
    void deliveriesOfOneBookingInOneBatch_seeEachOther_withoutFallingBack() {
        KeyedHost host = new KeyedHost(false);
        node(host);
        List<Long> ids = new ArrayList<>();
        ids.add(store(created("a")));
        ids.add(store(created("b")));
        ids.add(store(canceled("a")));
        ids.add(store(created("c")));
        ids.add(store(canceled("c")));

        assertEquals(5, h.webhooks.worker().runOnce());

        assertEquals(0.0, h.counter("calendly.webhook.batch.fallbacks"), "applied as one batch");
        for (long id : ids) {
            assertEquals("DONE", h.row(id).status(), "delivery " + id);
        }
        host.appliedInTheDatabase().forEach((key, times) -> assertEquals(1, times, "effect " + key));
        assertEquals(3, bookings());
        assertEquals(List.of("a", "c"), new Db(db.dataSource()).dsl().select(CALENDLY_BOOKING.INVITEE_URI).from(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.INTEGRATION_ID.eq(integration.id())).and(CALENDLY_BOOKING.STATUS.eq("CANCELED"))
                .orderBy(CALENDLY_BOOKING.INVITEE_URI).fetch(r -> r.value1().substring(r.value1().length() - 1)));
    }

    @Test
    void aRescheduledBookingWhoseOtherHalfIsHeldBackInTheBatch_makesNoSecondTask() {
        KeyedHost host = new KeyedHost(false);
        node(host);
        // The same person books a, then books b "rescheduled from" an invitee whose cancel has not come:
        // b is the other half of a's chain, seen apart, so it makes no task (the planner's same-person
        // lookup), also when a is only held back by an earlier delivery of the same batch.
        store(created("a"));
        store(rescheduledFromUnknown("b", "a"));

        assertEquals(2, h.webhooks.worker().runOnce());

        assertEquals(0.0, h.counter("calendly.webhook.batch.fallbacks"));
        assertEquals(1, host.methods.getOrDefault("create", new AtomicInteger()).get(), "one task, a's");
    }

    @Test
    void aBatchOfNewBookings_readsTheBookingTableTwice_itsInviteesAndTheirPersonsOtherChains() {
        KeyedHost host = new KeyedHost(false);
        AtomicInteger bookingReads = new AtomicInteger();
        node(pipeline(readsOfBookings(db.dataSource(), bookingReads), host));
        for (int i = 0; i < 10; i++) {
            store(created("n" + i));
        }

        assertEquals(10, h.webhooks.worker().runOnce());

        assertEquals(0.0, h.counter("calendly.webhook.batch.fallbacks"));
        assertEquals(10, host.methods.getOrDefault("create", new AtomicInteger()).get(), "a task each");
        // Not one same-person lookup per new booking (2 statements each before): one for the batch.
        assertEquals(2, bookingReads.get(), "the batch's invitees, then their e-mails' chains");
    }

    @Test
    void aRescheduledBookingWhoseOtherHalfTheBatchAlreadyWrote_makesNoSecondTask() {
        KeyedHost host = new KeyedHost(false);
        node(host);
        // As above, but c's second delivery makes the batch write what it holds back, a's chain too,
        // after the batch read a's person's chains and before b asks: the answer must come from what
        // the batch wrote, neither that read nor what it still holds back.
        store(created("a"));
        store(created("c"));
        store(noShowUnmarked("c"));
        store(rescheduledFromUnknown("b", "a"));

        assertEquals(4, h.webhooks.worker().runOnce());

        assertEquals(0.0, h.counter("calendly.webhook.batch.fallbacks"));
        assertEquals(2, host.methods.getOrDefault("create", new AtomicInteger()).get(), "a's task and c's");
    }

    @Test
    void sealed_aRescheduledBookingWhoseOtherHalfWasStoredBeforeTheBatch_makesNoSecondTask() {
        KeyedHost host = new KeyedHost(false);
        Db pluginDb = new Db(db.dataSource());
        node(new OneBookingPerInvitee(pluginDb, Bookings.create(pluginDb, host.services(), Clock.systemUTC(),
                PersonalData.sealedBy(WebhookHarness.keyring(pluginDb, Clock.systemUTC())), ContactPins.NONE)
                .processor(), Clock.systemUTC()));
        store(created("a"));
        assertEquals(1, h.webhooks.worker().runOnce());
        // The batch's one read of its new invitees' persons, by their e-mail index, finds a's chain
        // for b (and nothing for x).
        store(created("x"));
        store(rescheduledFromUnknown("b", "a"));

        assertEquals(2, h.webhooks.worker().runOnce());

        assertEquals(0.0, h.counter("calendly.webhook.batch.fallbacks"));
        assertEquals(2, host.methods.getOrDefault("create", new AtomicInteger()).get(), "a's task and x's");
        assertTrue(new Db(db.dataSource()).dsl().fetchCount(CALENDLY_BOOKING, CALENDLY_BOOKING.INTEGRATION_ID.eq(integration.id())
                .and(CALENDLY_BOOKING.EMAIL.isNotNull())) == 0, "sealed: no e-mail in clear");
    }

    /** The data source, counting the selects that read {@code calendly_booking}. */
    private static DataSource readsOfBookings(DataSource inner, AtomicInteger reads) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = KeyedHost.invoke(method, inner, args);
                    if (!(result instanceof java.sql.Connection c)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {java.sql.Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("prepareStatement") && a[0] instanceof String sql
                                        && sql.matches("(?s)select .* from calendly_booking\\b.*")) {
                                    reads.incrementAndGet();
                                }
                                return KeyedHost.invoke(m, c, a);
                            });
                });
    }

    @Test
    void aPoisonDeliveryInABatch_isRetriedAlone_andTheOthersAreAppliedExactlyOnce() {
        KeyedHost host = new KeyedHost(false);
        host.failWhen = (method, args) -> args[1] instanceof ContactDraft d && d.email().startsWith("poison");
        node(host);
        List<Long> ids = new ArrayList<>();
        ids.add(store(created("a")));
        ids.add(store(created("b")));
        ids.add(store(canceled("b"))); // the same chain again in the batch: it must see b's rows and ledger
        long poison = store(created("poison"));
        ids.add(store(created("c")));

        assertEquals(5, h.webhooks.worker().runOnce());

        for (long id : ids) {
            assertEquals("DONE", h.row(id).status(), "delivery " + id);
        }
        assertEquals("PENDING", h.row(poison).status());
        assertEquals("IllegalStateException: CRM refused the contact", h.row(poison).lastError());
        assertEquals(1.0, h.counter("calendly.webhook.batch.fallbacks"));
        Map<String, Integer> applied = host.appliedInTheDatabase();
        assertTrue(applied.size() > 6, "contacts, tasks, activities of three bookings: " + applied.keySet());
        applied.forEach((key, times) -> assertEquals(1, times, "effect " + key));
        assertEquals(3, bookings(), "a, b and c; nothing of the poison delivery");
    }

    @Test
    void aBatchThatRollsBackAfterAnExternalCrmApplied_sendsTheSameKeysAgain_soNothingIsAppliedTwice() {
        KeyedHost crm = new KeyedHost(true);
        AtomicInteger timeouts = new AtomicInteger(1);
        // The CRM times out once on the fourth booking's contact, after the first three were sent to it.
        crm.failWhen = (method, args) -> args[1] instanceof ContactDraft d && d.email().startsWith("d@")
                && timeouts.getAndDecrement() > 0;
        node(crm);
        List<Long> ids = new ArrayList<>();
        for (String who : List.of("a", "b", "c", "d", "e")) {
            ids.add(store(created(who)));
        }

        assertEquals(5, h.webhooks.worker().runOnce());

        for (long id : ids) {
            assertEquals("DONE", h.row(id).status(), "delivery " + id);
        }
        assertEquals(1.0, h.counter("calendly.webhook.batch.fallbacks"), "the batch failed once");
        crm.applied.forEach((key, times) -> assertEquals(1, times.get(), "the CRM applied " + key + " once"));
        long resent = crm.calls.entrySet().stream().filter(e -> e.getValue().get() == 2).count();
        assertTrue(resent >= 3, "the rolled-back bookings' effects came again with the keys of the first attempt: " + crm.calls);
        assertTrue(crm.calls.values().stream().allMatch(n -> n.get() <= 2), crm.calls.toString());
        assertEquals(5, bookings());
    }

    @Test
    void twoNodes_batchingOverTheSameInbox_applyEveryEffectOnce() {
        KeyedHost host = new KeyedHost(false);
        node(host);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(store(created("p" + i)));
            if (i % 3 == 0) {
                ids.add(store(canceled("p" + i)));
            }
        }
        var settings = WebhookSettings.defaults().withWorker(2, 3, Duration.ofMinutes(2), Duration.ofMillis(50)).withBatchSize(4);
        try (var poolA = db.newPool(4); var poolB = db.newPool(4)) {
            var nodeA = new WebhookHarness(poolA, settings, p -> { }, pipeline(poolA, host));
            var nodeB = new WebhookHarness(poolB, settings, p -> { }, pipeline(poolB, host));
            try {
                Waiting.eventually("every delivery DONE")
                        .until(() -> ids.stream().allMatch(id -> h.row(id).status().equals("DONE")));
            } finally {
                nodeA.close();
                nodeB.close();
            }
        }
        for (long id : ids) {
            assertEquals("DONE", h.row(id).status(), "delivery " + id);
        }
        host.appliedInTheDatabase().forEach((key, times) -> assertEquals(1, times, "effect " + key));
        assertEquals(30, bookings());
    }

    private long store(byte[] body) {
        var response = h.deliverSigned(integration, body);
        assertEquals(200, response.statusCode(), response.body());
        var rows = h.inbox(integration.id());
        return rows.get(rows.size() - 1).id();
    }

    private int bookings() {
        return new Db(db.dataSource()).dsl().fetchCount(CALENDLY_BOOKING, CALENDLY_BOOKING.INTEGRATION_ID.eq(integration.id()));
    }

    private static final String INVITEE = "899e8c60-9931-43be-8ab4-5d0ce9fe7fec";

    /** The recorded booking, for invitee {@code who} ({@code who@example.com}). */
    static byte[] created(String who) {
        String body = new String(CalendlyFixtures.webhook("invitee.created.basic.json"), StandardCharsets.UTF_8)
                .replace(INVITEE, "inv-" + who).replace("jamie.sample@example.com", who + "@example.com");
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code who} booked an hour later, as {@code email}'s reschedule of an invitee not seen yet. */
    static byte[] rescheduledFromUnknown(String who, String email) {
        try {
            ObjectNode root = (ObjectNode) Json.mapper().readTree(created(who));
            ObjectNode payload = (ObjectNode) root.get("payload");
            payload.put("email", email + "@example.com");
            payload.put("created_at", "2026-04-19T21:58:38.460659Z");
            payload.put("old_invitee", "https://api.calendly.com/scheduled_events/7c6376d9-bf8f-430c-ad97-76f4d11024eb/invitees/inv-gone");
            return Json.mapper().writeValueAsBytes(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The host took back a no-show mark {@code who} never had. */
    static byte[] noShowUnmarked(String who) {
        try {
            ObjectNode root = (ObjectNode) Json.mapper().readTree(created(who));
            root.put("event", "invitee_no_show.deleted");
            root.put("created_at", "2026-04-19T21:58:39.000000Z");
            return Json.mapper().writeValueAsBytes(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code who} canceled the booking, an hour after booking it. */
    static byte[] canceled(String who) {
        try {
            ObjectNode root = (ObjectNode) Json.mapper().readTree(created(who));
            root.put("event", "invitee.canceled");
            root.put("created_at", "2026-04-19T21:58:39.000000Z");
            ObjectNode payload = (ObjectNode) root.get("payload");
            payload.put("status", "canceled");
            payload.put("updated_at", "2026-04-19T21:58:39.000000Z");
            payload.putObject("cancellation").put("canceled_by", "Jamie").put("reason", "busy")
                    .put("canceler_type", "invitee").put("created_at", "2026-04-19T21:58:39.000000Z");
            return Json.mapper().writeValueAsBytes(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * TestHost behind a proxy that sees every call carrying an idempotency key. {@code external}:
     * the host ignores the plugin's transaction and keeps what it applied by key, returning the first
     * result for a repeated key (an external CRM). Otherwise it writes one row per effect in the
     * plugin's transaction, which a failed batch rolls back.
     */
    static final class KeyedHost {
        final TestHost inner = new TestHost();
        final boolean external;
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
        /** Effect calls that were applied (not refused), by method name. */
        final Map<String, AtomicInteger> methods = new ConcurrentHashMap<>();
        private final Map<String, Optional<Object>> results = new ConcurrentHashMap<>();
        volatile BiPredicate<String, Object[]> failWhen = (method, args) -> false;

        KeyedHost(boolean external) {
            this.external = external;
        }

        HostServices services() {
            HostServices base = inner.asServices();
            return new HostServices(proxy(Contacts.class, base.contacts()), proxy(MailingLists.class, base.mailingLists()),
                    proxy(Tasks.class, base.tasks()), base.teamMembers(), base.notifications(), base.tenants());
        }

        /** Effect key to how often it was committed in the plugin's database. */
        Map<String, Integer> appliedInTheDatabase() {
            Map<String, Integer> out = new java.util.TreeMap<>();
            new Db(db.dataSource()).dsl().fetch("select idempotency_key, count(*)::int from test_host_effect group by 1")
                    .forEach(r -> out.put(r.get(0, String.class), r.get(1, Integer.class)));
            return out;
        }

        private <T> T proxy(Class<T> type, T target) {
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
                HostCall call = args != null && args.length > 0 && args[0] instanceof HostCall c ? c : null;
                if (call == null || call.idempotencyKey() == null) {
                    return invoke(method, target, args);
                }
                String key = call.idempotencyKey();
                calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                if (failWhen.test(method.getName(), args)) {
                    throw new IllegalStateException(method.getName().equals("findOrCreate") ? "CRM refused the contact"
                            : "CRM timed out");
                }
                if (external) {
                    synchronized (results) {
                        Optional<Object> first = results.get(key);
                        if (first != null) {
                            return first.orElse(null);
                        }
                        Object result = invoke(method, target, args);
                        applied.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                        results.put(key, Optional.ofNullable(result));
                        return result;
                    }
                }
                methods.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                try (var insert = call.transaction().orElseThrow()
                        .prepareStatement("insert into test_host_effect (idempotency_key) values (?)")) {
                    insert.setString(1, key);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return invoke(method, target, args);
            }));
        }

        private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
