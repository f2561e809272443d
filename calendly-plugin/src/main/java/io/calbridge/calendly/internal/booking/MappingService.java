package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.spi.HostServices;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Event-type mappings of an integration: create, read, replace, delete. Validated like the
 * settings (400 naming the field); another tenant's integration or mapping answers 404; a second
 * mapping for the same event type answers 409.
 */
public record MappingService(Db db, Clock clock, SettingsStore store, Validator validator) {
    /** @param host answers whether the ids a mapping names are the tenant's */
    public MappingService(Db db, HostServices host, Clock clock) {
        this(Objects.requireNonNull(db, "db"), Objects.requireNonNull(clock, "clock"), new SettingsStore(),
                new Validator(Objects.requireNonNull(host, "host")));
    }

    public List<EventTypeMapping> list(String tenantId, UUID integrationId) {
        requireIntegration(tenantId, integrationId);
        return store.mappings(db.dsl(), tenantId, integrationId);
    }

    public EventTypeMapping get(String tenantId, UUID integrationId, UUID mappingId) {
        return store.mapping(db.dsl(), tenantId, integrationId, mappingId).orElseThrow(() -> ApiException.notFound("mapping"));
    }

    public EventTypeMapping create(String tenantId, UUID integrationId, MappingInput input) {
        requireIntegration(tenantId, integrationId);
        validate(tenantId, input);
        Instant now = now();
        EventTypeMapping m = new EventTypeMapping(UUID.randomUUID(), integrationId, input.eventTypeUri().strip(),
                blankToNull(input.eventTypeName()), input.rules(), now, now);
        if (!db.tx(dsl -> store.insertMapping(dsl, tenantId, m))) {
            throw conflict(m.eventTypeUri());
        }
        return m;
    }

    public EventTypeMapping update(String tenantId, UUID integrationId, UUID mappingId, MappingInput input) {
        EventTypeMapping current = get(tenantId, integrationId, mappingId);
        validate(tenantId, input);
        EventTypeMapping next = new EventTypeMapping(current.id(), integrationId, input.eventTypeUri().strip(),
                blankToNull(input.eventTypeName()), input.rules(), current.createdAt(), now());
        try {
            db.txRun(dsl -> store.updateMapping(dsl, tenantId, next));
        } catch (org.jooq.exception.IntegrityConstraintViolationException e) {
            throw conflict(next.eventTypeUri());
        }
        return next;
    }

    /** A mapping saved by {@link #put}; {@code created} false when it replaced the event type's mapping. */
    public record Saved(EventTypeMapping mapping, boolean created) {
    }

    /**
     * Creates or replaces the mapping of {@code input}'s event type (what an editor per event type
     * wants). Two editors saving the same new mapping at once: the second one replaces the first.
     */
    public Saved put(String tenantId, UUID integrationId, MappingInput input) {
        Optional<EventTypeMapping> existing = mappingFor(tenantId, integrationId, input);
        if (existing.isPresent()) {
            return new Saved(update(tenantId, integrationId, existing.get().id(), input), false);
        }
        try {
            return new Saved(create(tenantId, integrationId, input), true);
        } catch (ApiException e) {
            Optional<EventTypeMapping> raced = "mapping_exists".equals(e.code()) ? mappingFor(tenantId, integrationId, input)
                    : Optional.empty();
            if (raced.isEmpty()) {
                throw e;
            }
            return new Saved(update(tenantId, integrationId, raced.get().id(), input), false);
        }
    }

    private Optional<EventTypeMapping> mappingFor(String tenantId, UUID integrationId, MappingInput input) {
        String uri = input.eventTypeUri() == null ? null : input.eventTypeUri().strip();
        return uri == null ? Optional.empty() : list(tenantId, integrationId).stream()
                .filter(m -> m.eventTypeUri().equals(uri)).findFirst();
    }

    public void delete(String tenantId, UUID integrationId, UUID mappingId) {
        if (!db.tx(dsl -> store.deleteMapping(dsl, tenantId, integrationId, mappingId))) {
            throw ApiException.notFound("mapping");
        }
    }

    private void validate(String tenantId, MappingInput input) {
        if (input == null) {
            throw ApiException.badRequest("missing_body", "send the mapping as a JSON object", null);
        }
        validator.mapping(tenantId, input);
    }

    private void requireIntegration(String tenantId, UUID integrationId) {
        if (store.settings(db.dsl(), tenantId, integrationId).isEmpty()) {
            throw ApiException.notFound("integration");
        }
    }

    /** PostgreSQL keeps microseconds: what create returns must equal what get reads back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ApiException conflict(String uri) {
        return new ApiException(409, "mapping_exists", "this integration already has a mapping for event type " + uri,
                "event_type_uri");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
