package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.StrictJson;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TeamMember;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jooq.JSONB;

/**
 * Reads and replaces an integration's {@link BookingSettings}. Every method takes the caller's
 * tenant: an integration of another tenant answers 404 exactly like one that does not exist.
 */
public final class SettingsService {
    private final Db db;
    private final Clock clock;
    private final HostServices host;
    private final SettingsStore store = new SettingsStore();
    private final Validator validator;

    public SettingsService(Db db, HostServices host, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.host = Objects.requireNonNull(host, "host");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validator = new Validator(host);
    }

    /** What the tenant can pick from in the settings and mappings. */
    public record Choices(List<Choice> lists, List<Choice> tags, List<Choice> statuses, List<TeamMember> teamMembers) {
    }

    /** The integration's settings, defaults filled in. 404 when it is not the tenant's. */
    public BookingSettings get(String tenantId, UUID integrationId) {
        return store.settings(db.dsl(), tenantId, integrationId).orElseThrow(() -> ApiException.notFound("integration"));
    }

    /**
     * Validates and stores {@code settings} in place of the current ones; returns them as stored
     * (defaults filled in). 404 when the integration is not the tenant's, 400 naming the field when
     * an id is not the tenant's or a template uses an unknown placeholder; nothing is stored then.
     */
    public BookingSettings update(String tenantId, UUID integrationId, BookingSettings settings) {
        if (settings == null) {
            throw ApiException.badRequest("missing_body", "send the settings as a JSON object", null);
        }
        get(tenantId, integrationId);
        validator.settings(tenantId, settings);
        if (!db.tx(dsl -> store.saveSettings(dsl, tenantId, integrationId, settings, clock.instant()))) {
            throw ApiException.notFound("integration");
        }
        return settings;
    }

    /** How many times a change is re-applied when another request changed the settings meanwhile. */
    private static final int ATTEMPTS = 5;
    /** The key of a settings body that carries event-type mappings (the seed's shape). */
    public static final String MAPPINGS_KEY = "event_type_mappings";

    /**
     * Changes the settings and creates or replaces event-type mappings in one transaction: the
     * settings' API (merge semantics). {@code change} turns the current settings into the wanted ones
     * (it may throw a 400); the result and every mapping are validated before anything is written, so
     * a 400 stores nothing. Two requests changing different keys at once both take effect: the write
     * only succeeds if the stored settings are still the ones {@code change} saw, else it is re-applied.
     *
     * @param mappings event type URI to the rules of its mapping (validated by the caller as URIs)
     */
    public BookingSettings change(String tenantId, UUID integrationId, UnaryOperator<BookingSettings> change,
                                  Map<String, MappingRules> mappings) {
        int position = 0;
        for (Map.Entry<String, MappingRules> m : mappings.entrySet()) {
            String field = StrictJson.child(MAPPINGS_KEY, m.getKey(), ++position);
            Validator.eventTypeUri(field, m.getKey());
            validator.rules(tenantId, field + ".", m.getValue());
        }
        for (int attempt = 1; ; attempt++) {
            Optional<JSONB> stored = store.storedSettings(db.dsl(), tenantId, integrationId)
                    .orElseThrow(() -> ApiException.notFound("integration"));
            BookingSettings current = stored.map(store::parseSettings).orElseGet(BookingSettings::defaults);
            BookingSettings next = change.apply(current);
            validator.settings(tenantId, next);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            boolean saved = db.tx(dsl -> {
                if (!store.replaceSettings(dsl, tenantId, integrationId, stored, next, now)) {
                    return false;
                }
                mappings.forEach((uri, rules) -> store.upsertMapping(dsl, tenantId,
                        new EventTypeMapping(UUID.randomUUID(), integrationId, uri, null, rules, now, now)));
                return true;
            });
            if (saved) {
                return next;
            }
            if (store.settings(db.dsl(), tenantId, integrationId).isEmpty()) {
                throw ApiException.notFound("integration");
            }
            if (attempt == ATTEMPTS) {
                throw new ApiException(409, "concurrent_change",
                        "the settings were changed by someone else at the same time; send the change again");
            }
        }
    }

    /** The tenant's lists, tags, statuses and team, for pickers. */
    public Choices choices(String tenantId) {
        HostCall read = HostCall.read(tenantId);
        return new Choices(host.mailingLists().lists(read), host.mailingLists().tags(read),
                host.contacts().statuses(read), host.teamMembers().list(read));
    }
}
