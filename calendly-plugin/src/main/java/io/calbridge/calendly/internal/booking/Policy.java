package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.spi.UnknownReferenceException;
import java.util.List;
import java.util.Optional;

/**
 * The settings that apply to one booking: the integration's settings with the event type's mapping
 * laid over them field by field (a mapping field that is null inherits).
 */
record Policy(BookingSettings settings, EventTypeMapping mapping) {

    private MappingRules rules() {
        return mapping == null ? MappingRules.none() : mapping.rules();
    }

    boolean createContacts() {
        return settings.createContacts();
    }

    String contactStatus() {
        return rules().crmStatus() != null ? rules().crmStatus() : settings.contactStatus();
    }

    List<String> listIds() {
        return rules().listIds() != null ? rules().listIds() : settings.listIds();
    }

    List<String> tagIds() {
        return rules().tagIds() != null ? rules().tagIds() : settings.tagIds();
    }

    String mappedOwnerId() {
        return rules().ownerId();
    }

    boolean assignCalendlyHost() {
        return rules().assignCalendlyHost() != null ? rules().assignCalendlyHost() : settings.assignCalendlyHost();
    }

    String defaultOwnerId() {
        return settings.defaultOwnerId();
    }

    boolean taskEnabled() {
        return rules().createTask() != null ? rules().createTask() : settings.task().enabled();
    }

    String taskTitle() {
        return rules().taskTitle() != null ? rules().taskTitle() : settings.task().title();
    }

    String taskDescription() {
        return rules().taskDescription() != null ? rules().taskDescription() : settings.task().description();
    }

    int taskDueOffsetMinutes() {
        return rules().taskDueOffsetMinutes() != null ? rules().taskDueOffsetMinutes() : settings.task().dueOffsetMinutes();
    }

    /** Which setting names this id, in words for a tenant admin ("list_ids of the mapping for ..."). */
    String whereIs(UnknownReferenceException.Kind kind, String id) {
        MappingRules r = rules();
        String mappingName = mapping == null ? null
                : "the mapping for event type " + Optional.ofNullable(mapping.eventTypeName())
                        .map(n -> "\"" + n.strip() + "\" (" + mapping.eventTypeUri() + ")")
                        .orElse(mapping.eventTypeUri());
        String settingsName = "the integration's booking settings";
        return switch (kind) {
            case MAILING_LIST -> r.listIds() != null && r.listIds().contains(id) ? "list_ids of " + mappingName
                    : settings.listIds().contains(id) ? "list_ids of " + settingsName
                    : settings.routingForms().listIds().contains(id) ? "routing_forms.list_ids of " + settingsName
                    : "the lists of " + settingsName;
            case TAG -> r.tagIds() != null && r.tagIds().contains(id) ? "tag_ids of " + mappingName
                    : settings.tagIds().contains(id) ? "tag_ids of " + settingsName
                    : settings.onCancel().tagIds().contains(id) ? "on_cancel.tag_ids of " + settingsName
                    : settings.onNoShow().tagIds().contains(id) ? "on_no_show.tag_ids of " + settingsName
                    : settings.onReschedule().tagIds().contains(id) ? "on_reschedule.tag_ids of " + settingsName
                    : settings.routingForms().tagIds().contains(id) ? "routing_forms.tag_ids of " + settingsName
                    : "the tags of " + settingsName;
            case CONTACT_STATUS -> id.equals(r.crmStatus()) ? "crm_status of " + mappingName
                    : id.equals(settings.contactStatus()) ? "contact_status of " + settingsName
                    : id.equals(settings.onCancel().status()) ? "on_cancel.status of " + settingsName
                    : id.equals(settings.onNoShow().status()) ? "on_no_show.status of " + settingsName
                    : id.equals(settings.routingForms().status()) ? "routing_forms.status of " + settingsName
                    : "a status of " + settingsName;
            case TEAM_MEMBER -> id.equals(r.ownerId()) ? "owner_id of " + mappingName
                    : id.equals(settings.defaultOwnerId()) ? "default_owner_id of " + settingsName
                    : "the owner chosen for this booking";
            case CONTACT, TASK -> "the " + kind.name().toLowerCase(java.util.Locale.ROOT) + " this booking created earlier";
        };
    }
}
