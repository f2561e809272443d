package io.calbridge.calendly.internal.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.fixtures.InviteeEvent;
import io.calbridge.testing.Permutations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * A booked, rescheduled to B, B rescheduled to C: five deliveries (A created; A canceled and B
     * created, the first reschedule; B canceled and C created, the second).
     */
    record ChainOfTwo(List<byte[]> inOrder, Instant startC) {
    }

    static ChainOfTwo chainOfTwo() {
        String evA = UUID.randomUUID().toString(), evB = UUID.randomUUID().toString(), evC = UUID.randomUUID().toString();
        String invA = UUID.randomUUID().toString(), invB = UUID.randomUUID().toString(), invC = UUID.randomUUID().toString();
        String uriA = InviteeEvent.inviteeUri(evA, invA), uriB = InviteeEvent.inviteeUri(evB, invB), uriC = InviteeEvent.inviteeUri(evC, invC);
        Instant startA = Instant.parse("2026-05-04T15:00:00Z"), startB = Instant.parse("2026-05-06T16:30:00Z"),
                startC = Instant.parse("2026-05-11T13:15:00Z");
        Instant booked = Instant.parse("2026-04-20T09:00:00Z"), moved1 = Instant.parse("2026-04-22T10:00:00Z"),
                moved2 = Instant.parse("2026-04-25T11:00:00Z");
        InviteeEvent a = InviteeEvent.booking(evA, invA, EMAIL, startA).updatedAt(booked);
        // As in the recorded pair, the new invitee is created a moment after the old one is canceled.
        InviteeEvent b = InviteeEvent.booking(evB, invB, EMAIL, startB).updatedAt(moved1.plusSeconds(1)).oldInvitee(uriA);
        InviteeEvent c = InviteeEvent.booking(evC, invC, EMAIL, startC).updatedAt(moved2.plusSeconds(1)).oldInvitee(uriB);
        return new ChainOfTwo(List.of(a.bytes(), a.copy().rescheduledTo(uriB, moved1).bytes(), b.bytes(),
                b.copy().rescheduledTo(uriC, moved2).bytes(), c.bytes()), startC);
    }

    private static MemoryBookings run(List<byte[]> deliveries) {
        MemoryBookings m = new MemoryBookings(settings());
        deliveries.forEach(m::deliver);
        return m;
    }

    @Test
    void chainOfTwoReschedules_inAll120Orders_showsOneContactAndOnlyTheLiveMeetingsTask() {
        ChainOfTwo chain = chainOfTwo();
        MemoryBookings reference = run(chain.inOrder());
        assertEquals(List.of(
                "activity calendly.booked", "activity calendly.rebooked", "activity calendly.rebooked",
                "activity calendly.rescheduled", "activity calendly.rescheduled",
                "contact chain@example.com booked owner-1 lists=[leads, newsletter] tags=[booked, calendly, rescheduled]",
                "task OPEN " + chain.startC() + " " + reference.host.tasks.values().iterator().next().title()),
                reference.host.visible());

        List<String> wrong = new ArrayList<>();
        long began = System.nanoTime();
        for (List<Integer> order : Permutations.of(5)) {
            MemoryBookings m = run(order.stream().map(chain.inOrder()::get).toList());
            if (!m.host.visible().equals(reference.host.visible())) {
                wrong.add(order + ": " + m.host.visible());
            }
        }
        System.out.printf("DeliveryOrdersTest: 120 orders of 5 deliveries in %d ms%n", (System.nanoTime() - began) / 1_000_000);
        assertEquals(List.of(), wrong, wrong.size() + " of 120 orders end otherwise");
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
