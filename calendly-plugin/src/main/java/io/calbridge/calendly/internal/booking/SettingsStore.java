package io.calbridge.calendly.internal.booking;

import static io.calbridge.db.calendly.Tables.CALENDLY_EVENT_TYPE_MAPPING;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.db.calendly.tables.records.CalendlyEventTypeMappingRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.ArrayList;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertSetMoreStep;
import org.jooq.JSONB;

/** SQL of the booking settings (in {@code calendly_integration.settings}) and the event-type mappings. */
final class SettingsStore {

    /** An integration's tenant and settings, with the mapping for one event type if there is one. */
    record Loaded(String tenantId, BookingSettings settings, EventTypeMapping mapping) {
        Policy policy() {
            return new Policy(settings, mapping);
        }
    }

    Optional<Loaded> load(DSLContext dsl, UUID integrationId, String eventTypeUri) {
        return load(dsl, integrationId, eventTypeUri, List.of());
    }

    /**
     * Loads as {@link #load(DSLContext, UUID, String)} and, in the same round trip, takes these
     * locks (see {@link Locks#invitees}). What is read here may be older than the locks; anything
     * that must be read after them needs a statement of its own.
     */
    Optional<Loaded> load(DSLContext dsl, UUID integrationId, String eventTypeUri, List<Field<?>> locks) {
        var m = CALENDLY_EVENT_TYPE_MAPPING;
        var i = CALENDLY_INTEGRATION;
        List<Field<?>> fields = new ArrayList<>(List.of(i.TENANT_ID, i.SETTINGS));
        fields.addAll(List.of(m.fields()));
        fields.addAll(locks);
        return dsl.select(fields)
                .from(i)
                .leftJoin(m).on(m.INTEGRATION_ID.eq(i.ID).and(m.EVENT_TYPE_URI.eq(eventTypeUri == null ? "" : eventTypeUri)))
                .where(i.ID.eq(integrationId))
                .fetchOptional(r -> new Loaded(r.get(i.TENANT_ID), parseSettings(r.get(i.SETTINGS)),
                        r.get(m.ID) == null ? null : toMapping(r.into(m))));
    }

    /** The integration's settings when it belongs to {@code tenantId}. */
    Optional<BookingSettings> settings(DSLContext dsl, String tenantId, UUID integrationId) {
        return dsl.select(CALENDLY_INTEGRATION.SETTINGS)
                .from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(integrationId))
                .and(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId))
                .fetchOptional(r -> parseSettings(r.value1()));
    }

    /** The integration's settings column as stored (null: never set) when it belongs to {@code tenantId}. */
    Optional<Optional<JSONB>> storedSettings(DSLContext dsl, String tenantId, UUID integrationId) {
        return dsl.select(CALENDLY_INTEGRATION.SETTINGS)
                .from(CALENDLY_INTEGRATION)
                .where(CALENDLY_INTEGRATION.ID.eq(integrationId))
                .and(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId))
                .fetchOptional(r -> Optional.ofNullable(r.value1()));
    }

    /** Stores {@code settings} if the column still holds {@code expected}; false when someone changed it meanwhile. */
    boolean replaceSettings(DSLContext dsl, String tenantId, UUID integrationId, Optional<JSONB> expected,
                            BookingSettings settings, Instant now) {
        return dsl.update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.SETTINGS, JSONB.jsonb(write(settings)))
                .set(CALENDLY_INTEGRATION.UPDATED_AT, now.atOffset(ZoneOffset.UTC))
                .where(CALENDLY_INTEGRATION.ID.eq(integrationId))
                .and(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId))
                .and(expected.map(CALENDLY_INTEGRATION.SETTINGS::eq).orElse(CALENDLY_INTEGRATION.SETTINGS.isNull()))
                .execute() == 1;
    }

    /** Creates the integration's mapping of {@code m.eventTypeUri()}, or replaces its rules (name and id kept). */
    void upsertMapping(DSLContext dsl, String tenantId, EventTypeMapping m) {
        var t = CALENDLY_EVENT_TYPE_MAPPING;
        insertMappingRow(dsl, tenantId, m)
                .onConflict(t.INTEGRATION_ID, t.EVENT_TYPE_URI)
                .doUpdate()
                .set(t.MAPPING, JSONB.jsonb(write(m.rules())))
                .set(t.UPDATED_AT, m.updatedAt().atOffset(ZoneOffset.UTC))
                .where(t.TENANT_ID.eq(tenantId))
                .execute();
    }

    boolean saveSettings(DSLContext dsl, String tenantId, UUID integrationId, BookingSettings settings, Instant now) {
        return dsl.update(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.SETTINGS, JSONB.jsonb(write(settings)))
                .set(CALENDLY_INTEGRATION.UPDATED_AT, now.atOffset(ZoneOffset.UTC))
                .where(CALENDLY_INTEGRATION.ID.eq(integrationId))
                .and(CALENDLY_INTEGRATION.TENANT_ID.eq(tenantId))
                .execute() == 1;
    }

    List<EventTypeMapping> mappings(DSLContext dsl, String tenantId, UUID integrationId) {
        return dsl.selectFrom(CALENDLY_EVENT_TYPE_MAPPING)
                .where(CALENDLY_EVENT_TYPE_MAPPING.INTEGRATION_ID.eq(integrationId))
                .and(CALENDLY_EVENT_TYPE_MAPPING.TENANT_ID.eq(tenantId))
                .orderBy(CALENDLY_EVENT_TYPE_MAPPING.EVENT_TYPE_NAME.asc().nullsLast(), CALENDLY_EVENT_TYPE_MAPPING.EVENT_TYPE_URI)
                .fetch(this::toMapping);
    }

    Optional<EventTypeMapping> mapping(DSLContext dsl, String tenantId, UUID integrationId, UUID mappingId) {
        return dsl.selectFrom(CALENDLY_EVENT_TYPE_MAPPING)
                .where(CALENDLY_EVENT_TYPE_MAPPING.ID.eq(mappingId))
                .and(CALENDLY_EVENT_TYPE_MAPPING.INTEGRATION_ID.eq(integrationId))
                .and(CALENDLY_EVENT_TYPE_MAPPING.TENANT_ID.eq(tenantId))
                .fetchOptional(this::toMapping);
    }

    /** Inserts the mapping; false when the integration already has one for this event type. */
    boolean insertMapping(DSLContext dsl, String tenantId, EventTypeMapping m) {
        return insertMappingRow(dsl, tenantId, m)
                .onConflict(CALENDLY_EVENT_TYPE_MAPPING.INTEGRATION_ID, CALENDLY_EVENT_TYPE_MAPPING.EVENT_TYPE_URI)
                .doNothing()
                .execute() == 1;
    }

    /** The insert of a mapping's row, every column; the caller says what a conflict on its event type does. */
    private static InsertSetMoreStep<CalendlyEventTypeMappingRecord> insertMappingRow(DSLContext dsl, String tenantId,
                                                                                      EventTypeMapping m) {
        var t = CALENDLY_EVENT_TYPE_MAPPING;
        return dsl.insertInto(t)
                .set(t.ID, m.id())
                .set(t.TENANT_ID, tenantId)
                .set(t.INTEGRATION_ID, m.integrationId())
                .set(t.EVENT_TYPE_URI, m.eventTypeUri())
                .set(t.EVENT_TYPE_NAME, m.eventTypeName())
                .set(t.MAPPING, JSONB.jsonb(write(m.rules())))
                .set(t.CREATED_AT, m.createdAt().atOffset(ZoneOffset.UTC))
                .set(t.UPDATED_AT, m.updatedAt().atOffset(ZoneOffset.UTC));
    }

    void updateMapping(DSLContext dsl, String tenantId, EventTypeMapping m) {
        dsl.update(CALENDLY_EVENT_TYPE_MAPPING)
                .set(CALENDLY_EVENT_TYPE_MAPPING.EVENT_TYPE_URI, m.eventTypeUri())
                .set(CALENDLY_EVENT_TYPE_MAPPING.EVENT_TYPE_NAME, m.eventTypeName())
                .set(CALENDLY_EVENT_TYPE_MAPPING.MAPPING, JSONB.jsonb(write(m.rules())))
                .set(CALENDLY_EVENT_TYPE_MAPPING.UPDATED_AT, m.updatedAt().atOffset(ZoneOffset.UTC))
                .where(CALENDLY_EVENT_TYPE_MAPPING.ID.eq(m.id()))
                .and(CALENDLY_EVENT_TYPE_MAPPING.TENANT_ID.eq(tenantId))
                .execute();
    }

    boolean deleteMapping(DSLContext dsl, String tenantId, UUID integrationId, UUID mappingId) {
        return dsl.deleteFrom(CALENDLY_EVENT_TYPE_MAPPING)
                .where(CALENDLY_EVENT_TYPE_MAPPING.ID.eq(mappingId))
                .and(CALENDLY_EVENT_TYPE_MAPPING.INTEGRATION_ID.eq(integrationId))
                .and(CALENDLY_EVENT_TYPE_MAPPING.TENANT_ID.eq(tenantId))
                .execute() == 1;
    }

    private EventTypeMapping toMapping(CalendlyEventTypeMappingRecord r) {
        MappingRules rules = parseRules(r.getId(), r.getMapping());
        return new EventTypeMapping(r.getId(), r.getIntegrationId(), r.getEventTypeUri(), r.getEventTypeName(), rules,
                r.getCreatedAt().toInstant(), r.getUpdatedAt().toInstant());
    }

    /**
     * Parsed settings and mapping rules by their JSON text: every delivery reads them, they are
     * immutable values, and the text changes whenever they do, so nothing can go stale.
     */
    private final Cache<String, Object> parsed = Caffeine.newBuilder().maximumSize(10_000).build();

    BookingSettings parseSettings(JSONB json) {
        if (json == null) {
            return BookingSettings.defaults();
        }
        return (BookingSettings) parsed.get("s" + json.data(), k -> {
            try {
                BookingSettings s = Json.mapper().readValue(json.data(), BookingSettings.class);
                return s == null ? BookingSettings.defaults() : s;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("calendly_integration.settings holds unreadable JSON", e);
            }
        });
    }

    private MappingRules parseRules(UUID mappingId, JSONB json) {
        if (json == null) {
            return MappingRules.none();
        }
        return (MappingRules) parsed.get("m" + json.data(), k -> {
            try {
                return Json.mapper().readValue(json.data(), MappingRules.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("mapping " + mappingId + " holds unreadable JSON", e);
            }
        });
    }

    static String write(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
