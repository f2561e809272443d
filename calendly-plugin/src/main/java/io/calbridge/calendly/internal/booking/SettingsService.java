package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TeamMember;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

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

    /** The tenant's lists, tags, statuses and team, for pickers. */
    public Choices choices(String tenantId) {
        HostCall read = HostCall.read(tenantId);
        return new Choices(host.mailingLists().lists(read), host.mailingLists().tags(read),
                host.contacts().statuses(read), host.teamMembers().list(read));
    }
}
