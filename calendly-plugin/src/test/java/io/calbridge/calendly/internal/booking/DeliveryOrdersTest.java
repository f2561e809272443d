package io.calbridge.calendly.internal.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.fixtures.InviteeEvent;
import io.calbridge.testing.Permutations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every order of a chain's deliveries, on the planner alone (no database): the host a CRM user sees
 * at the end is the same in all of them.
 */
class DeliveryOrdersTest {
    static final String EMAIL = "chain@example.com";

    static BookingSettings settings() {
        return new BookingSettings(true, "booked", "owner-1", false, List.of("newsletter", "leads"), List.of("calendly", "booked"),
                null,
                new BookingSettings.CancelSettings(List.of("canceled"), "canceled", true),
                new BookingSettings.NoShowSettings(List.of("no-show"), "no_show", true, true, null, null, 60),
                new BookingSettings.RescheduleSettings(List.of("rescheduled"), true),
                null);
    }

    static InviteeEvent.RescheduledTwice chainOfTwo() {
        return InviteeEvent.rescheduledTwice(EMAIL);
    }

    private static MemoryBookings run(List<byte[]> deliveries) {
        return play(deliveries.stream().map(MemoryBookings::parse).toList());
    }

    private static MemoryBookings play(List<Planner.Delivery> deliveries) {
        MemoryBookings m = new MemoryBookings(settings());
        deliveries.forEach(m::deliver);
        return m;
    }

    @Test
    void chainOfTwoReschedules_inAll120Orders_showsOneContactAndOnlyTheLiveMeetingsTask() {
        InviteeEvent.RescheduledTwice chain = chainOfTwo();
        MemoryBookings reference = run(chain.inOrder());
        assertEquals(List.of(
                "activity calendly.booked", "activity calendly.rebooked", "activity calendly.rebooked",
                "activity calendly.rescheduled", "activity calendly.rescheduled",
                "contact chain@example.com booked owner-1 lists=[leads, newsletter] tags=[booked, calendly, rescheduled]",
                "task OPEN " + chain.startC() + " " + reference.host.tasks.values().iterator().next().title()),
                reference.host.visible());

        // Read once: 600 deliveries need not parse the same five bodies again.
        List<Planner.Delivery> deliveries = chain.inOrder().stream().map(MemoryBookings::parse).toList();
        List<String> wrong = new ArrayList<>();
        for (List<Integer> order : Permutations.of(5)) {
            MemoryBookings m = play(order.stream().map(deliveries::get).toList());
            if (!m.host.visible().equals(reference.host.visible())) {
                wrong.add(order + ": " + m.host.visible());
            }
        }
        assertEquals(List.of(), wrong, wrong.size() + " of 120 orders end otherwise");
    }

    /**
     * Ledger rows as the plugin wrote them before the planner (no null or zero fields, which the
     * typed ledger writes): read back, they mean the same, so a repeated delivery applies nothing.
     */
    @Test
    void ledgerRowsInTheirEarlierShape_readTheSame_andNothingIsAppliedAgain() {
        InviteeEvent.RescheduledTwice chain = chainOfTwo();
        MemoryBookings m = run(chain.inOrder());
        m.ledgers.replaceAll((id, rows) -> {
            Map<String, String> old = new HashMap<>();
            rows.forEach((name, json) -> old.put(name, json.replaceAll(
                    ",?\"(owner|undone_at|pinned|seq|completed_task|task_id)\":(null|false|0)(?=[,}])", "").replace("{,", "{")));
            return old;
        });
        assertTrue(m.ledgers.values().stream().flatMap(r -> r.values().stream()).noneMatch(j -> j.contains("\"seq\":0")));
        int sent = m.host.sent.size();

        chain.inOrder().forEach(m::deliver);

        assertEquals(List.of(), m.host.sent.subList(sent, m.host.sent.size()), "no call made again");
    }

    @Test
    void aSecondBookingOfTheSamePerson_getsItsOwnTask() {
        InviteeEvent a = InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(), EMAIL,
                Instant.parse("2026-05-04T15:00:00Z")).updatedAt(Instant.parse("2026-04-20T09:00:00Z"));
        InviteeEvent d = InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(), EMAIL,
                Instant.parse("2026-05-08T15:00:00Z")).updatedAt(Instant.parse("2026-04-21T09:00:00Z"));

        MemoryBookings m = run(List.of(a.bytes(), d.bytes()));

        assertEquals(List.of("OPEN", "OPEN"), m.host.tasks.values().stream().map(MemoryBookings.ModelHost.Task::state).toList());
    }

    @Test
    void theNewHalfOfAReschedule_nextToAnotherLiveBooking_waitsForItsOldHalf_thenGetsItsTask() {
        String evOld = UUID.randomUUID().toString(), invOld = UUID.randomUUID().toString();
        String oldUri = InviteeEvent.inviteeUri(evOld, invOld);
        InviteeEvent other = InviteeEvent.booking(UUID.randomUUID().toString(), UUID.randomUUID().toString(), EMAIL,
                Instant.parse("2026-05-04T15:00:00Z")).updatedAt(Instant.parse("2026-04-20T09:00:00Z"));
        InviteeEvent old = InviteeEvent.booking(evOld, invOld, EMAIL, Instant.parse("2026-05-05T15:00:00Z"))
                .updatedAt(Instant.parse("2026-04-19T09:00:00Z"));
        String evNew = UUID.randomUUID().toString(), invNew = UUID.randomUUID().toString();
        InviteeEvent fresh = InviteeEvent.booking(evNew, invNew, EMAIL, Instant.parse("2026-05-09T15:00:00Z"))
                .updatedAt(Instant.parse("2026-04-23T09:00:01Z")).oldInvitee(oldUri);
        MemoryBookings m = new MemoryBookings(settings());

        m.deliver(other.bytes());
        m.deliver(fresh.bytes());
        assertEquals(1, m.host.tasks.size(), "it could be the other half of the live booking's chain: no task yet");
        m.deliver(old.rescheduledTo(InviteeEvent.inviteeUri(evNew, invNew), Instant.parse("2026-04-23T09:00:00Z")).bytes());

        assertEquals(List.of("OPEN 2026-05-04T15:00:00Z", "OPEN 2026-05-09T15:00:00Z"), m.host.tasks.values().stream()
                .map(t -> t.state() + " " + t.due()).toList(), "its old half came and linked nothing: now it has its task");
    }
}
