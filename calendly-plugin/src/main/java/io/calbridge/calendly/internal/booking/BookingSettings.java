package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What a tenant's bookings do in the host's CRM, per integration (stored as JSON in
 * {@code calendly_integration.settings}). Every field has a default, so {@code {}} is a complete
 * settings document; missing or null fields take the default. JSON names are snake_case.
 *
 * @param createContacts     create a contact for a booking's invitee (default true). Off: only an
 *                           existing contact with the invitee's email is updated.
 * @param contactStatus      status code set on the contact when a booking is made; null keeps the
 *                           contact's status (new contacts get the host's default)
 * @param defaultOwnerId     team member who owns contacts and tasks when neither a mapping nor the
 *                           Calendly host decides; null for none
 * @param assignCalendlyHost when the meeting's Calendly host is a team member (same email), they own
 *                           the task, and the contact if it has no owner (default true)
 * @param listIds            mailing lists the invitee is subscribed to
 * @param tagIds             tags applied to the contact
 * @param task               the follow-up task
 * @param onCancel           what a real cancellation does (a reschedule is not one)
 * @param onNoShow           what marking the invitee as a no-show does (undone when unmarked)
 * @param onReschedule       what a reschedule does
 * @param routingForms       what a routing-form submission does
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BookingSettings(
        Boolean createContacts,
        String contactStatus,
        String defaultOwnerId,
        Boolean assignCalendlyHost,
        List<String> listIds,
        List<String> tagIds,
        TaskSettings task,
        CancelSettings onCancel,
        NoShowSettings onNoShow,
        RescheduleSettings onReschedule,
        RoutingFormSettings routingForms) {

    public static final String DEFAULT_TASK_TITLE = "{{event.name}} with {{invitee.name}}";
    public static final String DEFAULT_TASK_DESCRIPTION = """
            {{event.name}} on {{event.start_local}}
            Invitee: {{invitee.name}} <{{invitee.email}}>
            Where: {{event.location}}

            {{answers}}""";
    public static final String DEFAULT_NO_SHOW_TASK_TITLE = "Follow up: {{invitee.name}} missed {{event.name}}";
    public static final String DEFAULT_NO_SHOW_TASK_DESCRIPTION =
            "{{invitee.name}} <{{invitee.email}}> did not show up on {{event.start_local}}.";

    public BookingSettings {
        createContacts = createContacts == null ? Boolean.TRUE : createContacts;
        assignCalendlyHost = assignCalendlyHost == null ? Boolean.TRUE : assignCalendlyHost;
        listIds = copy(listIds);
        tagIds = copy(tagIds);
        task = task == null ? new TaskSettings(null, null, null, null) : task;
        onCancel = onCancel == null ? new CancelSettings(null, null, null) : onCancel;
        onNoShow = onNoShow == null ? new NoShowSettings(null, null, null, null, null, null, null) : onNoShow;
        onReschedule = onReschedule == null ? new RescheduleSettings(null, null) : onReschedule;
        routingForms = routingForms == null ? new RoutingFormSettings(null, null, null, null) : routingForms;
    }

    /** The settings of an integration nobody has configured yet. */
    public static BookingSettings defaults() {
        return new BookingSettings(null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * @param enabled          create a task per booking (default true)
     * @param title            template, see docs/booking.md for placeholders
     * @param description      template
     * @param dueOffsetMinutes due time relative to the meeting's start (default 0: at the start;
     *                         -60 an hour before)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TaskSettings(Boolean enabled, String title, String description, Integer dueOffsetMinutes) {
        public TaskSettings {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            title = title == null ? DEFAULT_TASK_TITLE : title;
            description = description == null ? DEFAULT_TASK_DESCRIPTION : description;
            dueOffsetMinutes = dueOffsetMinutes == null ? 0 : dueOffsetMinutes;
        }
    }

    /**
     * @param tagIds     tags applied when the invitee cancels or is canceled
     * @param status     status code set on the contact, or null to leave it
     * @param cancelTask cancel (never delete) the booking's task (default true)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CancelSettings(List<String> tagIds, String status, Boolean cancelTask) {
        public CancelSettings {
            tagIds = copy(tagIds);
            cancelTask = cancelTask == null ? Boolean.TRUE : cancelTask;
        }
    }

    /**
     * @param tagIds               tags applied on a no-show, removed again when it is taken back
     * @param status               status set on the contact, or null; unmarking restores the
     *                             status the booking had set
     * @param completeTask         mark the booking's task done (reopened when unmarked); default false
     * @param createTask           create a follow-up task (canceled when unmarked); default false
     * @param taskTitle            template of the follow-up task
     * @param taskDescription      template
     * @param taskDueOffsetMinutes follow-up due time relative to when the no-show was marked (default 0)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NoShowSettings(
            List<String> tagIds,
            String status,
            Boolean completeTask,
            Boolean createTask,
            String taskTitle,
            String taskDescription,
            Integer taskDueOffsetMinutes) {
        public NoShowSettings {
            tagIds = copy(tagIds);
            completeTask = completeTask == null ? Boolean.FALSE : completeTask;
            createTask = createTask == null ? Boolean.FALSE : createTask;
            taskTitle = taskTitle == null ? DEFAULT_NO_SHOW_TASK_TITLE : taskTitle;
            taskDescription = taskDescription == null ? DEFAULT_NO_SHOW_TASK_DESCRIPTION : taskDescription;
            taskDueOffsetMinutes = taskDueOffsetMinutes == null ? 0 : taskDueOffsetMinutes;
        }
    }

    /**
     * @param tagIds   tags applied when the booking is rescheduled (once per booking)
     * @param moveTask move the task to the new time and re-render it (default true); off: the
     *                 task keeps its first due time
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RescheduleSettings(List<String> tagIds, Boolean moveTask) {
        public RescheduleSettings {
            tagIds = copy(tagIds);
            moveTask = moveTask == null ? Boolean.TRUE : moveTask;
        }
    }

    /**
     * @param enabled create or update a contact from each routing-form submission that contains an
     *                email answer (default false)
     * @param listIds lists the submitter is subscribed to
     * @param tagIds  tags applied
     * @param status  status set on the contact, or null to leave it
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RoutingFormSettings(Boolean enabled, List<String> listIds, List<String> tagIds, String status) {
        public RoutingFormSettings {
            enabled = enabled == null ? Boolean.FALSE : enabled;
            listIds = copy(listIds);
            tagIds = copy(tagIds);
        }
    }

    static List<String> copy(List<String> ids) {
        return ids == null ? List.of() : List.copyOf(ids);
    }
}
