package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Overrides of {@link BookingSettings} for one Calendly event type. Each field that is null
 * inherits the integration's setting; a non-null field replaces it entirely (an empty
 * {@code list_ids} means "no lists for this event type", it is not merged with the defaults).
 *
 * @param listIds              replaces {@code list_ids}
 * @param tagIds               replaces {@code tag_ids}
 * @param crmStatus            replaces {@code contact_status}
 * @param ownerId              a team member who owns this event type's contacts and tasks; wins over
 *                             the Calendly host and the default owner
 * @param assignCalendlyHost   replaces {@code assign_calendly_host}
 * @param createTask           replaces {@code task.enabled}
 * @param taskTitle            replaces {@code task.title}
 * @param taskDescription      replaces {@code task.description}
 * @param taskDueOffsetMinutes replaces {@code task.due_offset_minutes}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MappingRules(
        List<String> listIds,
        List<String> tagIds,
        String crmStatus,
        String ownerId,
        Boolean assignCalendlyHost,
        Boolean createTask,
        String taskTitle,
        String taskDescription,
        Integer taskDueOffsetMinutes) {
    public MappingRules {
        listIds = listIds == null ? null : List.copyOf(listIds);
        tagIds = tagIds == null ? null : List.copyOf(tagIds);
    }

    public static MappingRules none() {
        return new MappingRules(null, null, null, null, null, null, null, null, null);
    }
}
