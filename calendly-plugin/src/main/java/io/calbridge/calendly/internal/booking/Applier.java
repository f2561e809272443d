package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.client.ScheduledEvent;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import java.sql.Connection;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Carries out a {@link Planner}'s effects on the host's interfaces, each with its idempotency key
 * and, when host and plugin share the database, the plugin's transaction; and answers the plan's
 * {@link Planner.Lookups} from the host (read-only calls, remembered for the delivery).
 */
final class Applier implements Planner.Host, Planner.Lookups {
    private final HostServices host;
    private final String tenantId;
    private final Connection connection;
    private final Supplier<ZoneId> zone;
    private final Supplier<Optional<String>> pinned;
    private final Function<String, List<Planner.Stored>> samePerson;
    private List<Planner.Stored> samePersonAnswer;
    private ZoneId zoneAnswer;
    private Planner.Owner owner;

    /**
     * @param zone   the tenant's time zone (the caller caches it across deliveries)
     * @param pinned the contact something else tied the booking to, asked only while the chain has none
     * @param samePerson the plugin's other chains of an e-mail ({@link Planner.Lookups#samePerson})
     */
    Applier(HostServices host, String tenantId, Connection connection, Supplier<ZoneId> zone, Supplier<Optional<String>> pinned,
            Function<String, List<Planner.Stored>> samePerson) {
        this.samePerson = samePerson;
        this.host = host;
        this.tenantId = tenantId;
        this.connection = connection;
        this.zone = zone;
        this.pinned = pinned;
    }

    private HostCall call(Effect effect) {
        return HostCall.effect(tenantId, effect.key(), connection);
    }

    private HostCall read() {
        return new HostCall(tenantId, null, connection);
    }

    @Override
    public void apply(Effect effect) {
        effect.apply(host, call(effect));
    }

    @Override
    public Object answer(Planner.Ask ask) {
        return ask.effect().apply(host, call(ask.effect()));
    }

    @Override
    public ZoneId zone() {
        if (zoneAnswer == null) {
            zoneAnswer = zone.get();
        }
        return zoneAnswer;
    }

    @Override
    public Planner.Owner owner(Policy policy, Invitee invitee) {
        if (owner == null) {
            owner = resolveOwner(host, read(), policy, invitee);
        }
        return owner;
    }

    @Override
    public Optional<ContactRef> contactByEmail(String email) {
        return host.contacts().findByEmail(read(), email);
    }

    @Override
    public Optional<String> pinnedContact() {
        return pinned.get();
    }

    @Override
    public List<Planner.Stored> samePerson(String email) {
        if (samePersonAnswer == null) {
            samePersonAnswer = samePerson.apply(email);
        }
        return samePersonAnswer;
    }

    /** The mapping's owner, else the Calendly host when on the team (if asked for), else the default. */
    static Planner.Owner resolveOwner(HostServices host, HostCall read, Policy policy, Invitee p) {
        if (policy.mappedOwnerId() != null) {
            return new Planner.Owner(policy.mappedOwnerId(), "mapping");
        }
        if (policy.assignCalendlyHost()) {
            for (ScheduledEvent.Membership m : p.memberships()) {
                if (m != null && m.userEmail() != null && !m.userEmail().isBlank()) {
                    var member = host.teamMembers().findByEmail(read, m.userEmail().strip());
                    if (member.isPresent()) {
                        return new Planner.Owner(member.get().id(), "calendly_host");
                    }
                }
            }
        }
        if (policy.defaultOwnerId() != null) {
            return new Planner.Owner(policy.defaultOwnerId(), "default");
        }
        return new Planner.Owner(null, "none");
    }
}
