package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TeamMember;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Checks settings and mappings against the tenant's own lists, tags, statuses and team before they
 * are stored. The first problem found is thrown as a 400 {@link ApiException} whose field is the
 * JSON path of the offending value, e.g. {@code list_ids[1]} or {@code on_cancel.status}.
 */
final class Validator {
    static final int MAX_OFFSET_MINUTES = 30 * 24 * 60;

    private final HostServices host;

    Validator(HostServices host) {
        this.host = host;
    }

    /** The tenant's choices, each fetched from the host at most once per validation. */
    private final class Known {
        private final HostCall read;
        private Set<String> lists;
        private Set<String> tags;
        private Set<String> statuses;
        private Set<String> members;

        Known(String tenantId) {
            this.read = HostCall.read(tenantId);
        }

        Set<String> lists() {
            return lists = lists != null ? lists : ids(() -> host.mailingLists().lists(read));
        }

        Set<String> tags() {
            return tags = tags != null ? tags : ids(() -> host.mailingLists().tags(read));
        }

        Set<String> statuses() {
            return statuses = statuses != null ? statuses : ids(() -> host.contacts().statuses(read));
        }

        Set<String> members() {
            return members = members != null ? members
                    : host.teamMembers().list(read).stream().map(TeamMember::id).collect(Collectors.toSet());
        }

        private Set<String> ids(Supplier<List<Choice>> choices) {
            return choices.get().stream().map(Choice::id).collect(Collectors.toSet());
        }
    }

    void settings(String tenantId, BookingSettings s) {
        Known k = new Known(tenantId);
        ids("list_ids", s.listIds(), k::lists, "unknown_list", "mailing list");
        ids("tag_ids", s.tagIds(), k::tags, "unknown_tag", "tag");
        status("contact_status", s.contactStatus(), k);
        owner("default_owner_id", s.defaultOwnerId(), k);
        template("task.title", s.task().title(), true);
        template("task.description", s.task().description(), false);
        offset("task.due_offset_minutes", s.task().dueOffsetMinutes());
        ids("on_cancel.tag_ids", s.onCancel().tagIds(), k::tags, "unknown_tag", "tag");
        status("on_cancel.status", s.onCancel().status(), k);
        ids("on_no_show.tag_ids", s.onNoShow().tagIds(), k::tags, "unknown_tag", "tag");
        status("on_no_show.status", s.onNoShow().status(), k);
        template("on_no_show.task_title", s.onNoShow().taskTitle(), true);
        template("on_no_show.task_description", s.onNoShow().taskDescription(), false);
        offset("on_no_show.task_due_offset_minutes", s.onNoShow().taskDueOffsetMinutes());
        ids("on_reschedule.tag_ids", s.onReschedule().tagIds(), k::tags, "unknown_tag", "tag");
        ids("routing_forms.list_ids", s.routingForms().listIds(), k::lists, "unknown_list", "mailing list");
        ids("routing_forms.tag_ids", s.routingForms().tagIds(), k::tags, "unknown_tag", "tag");
        status("routing_forms.status", s.routingForms().status(), k);
    }

    void mapping(String tenantId, MappingInput m) {
        String uri = m.eventTypeUri();
        if (uri == null || uri.isBlank()) {
            throw ApiException.badRequest("missing_field", "event_type_uri is required: the Calendly event type's URI", "event_type_uri");
        }
        if (!isEventTypeUri(uri)) {
            throw ApiException.badRequest("invalid_event_type_uri",
                    "event_type_uri must be a Calendly event type URI such as https://api.calendly.com/event_types/<id>, not " + uri,
                    "event_type_uri");
        }
        Known k = new Known(tenantId);
        MappingRules r = m.rules();
        if (r.listIds() != null) {
            ids("list_ids", r.listIds(), k::lists, "unknown_list", "mailing list");
        }
        if (r.tagIds() != null) {
            ids("tag_ids", r.tagIds(), k::tags, "unknown_tag", "tag");
        }
        status("crm_status", r.crmStatus(), k);
        owner("owner_id", r.ownerId(), k);
        if (r.taskTitle() != null) {
            template("task_title", r.taskTitle(), true);
        }
        if (r.taskDescription() != null) {
            template("task_description", r.taskDescription(), false);
        }
        if (r.taskDueOffsetMinutes() != null) {
            offset("task_due_offset_minutes", r.taskDueOffsetMinutes());
        }
    }

    static boolean isEventTypeUri(String uri) {
        try {
            URI u = URI.create(uri.strip());
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
                    && u.getPath() != null && u.getPath().matches("/event_types/[^/]+/?");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void ids(String field, List<String> ids, Supplier<Set<String>> known, String code, String what) {
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String path = field + "[" + i + "]";
            if (id == null || id.isBlank()) {
                throw ApiException.badRequest("missing_value", path + " must be the id of a " + what + ", not empty", path);
            }
            if (!known.get().contains(id)) {
                throw ApiException.badRequest(code, path + ": this tenant has no " + what + " with id " + id, path);
            }
        }
    }

    private static void status(String field, String code, Known k) {
        if (code != null && !k.statuses().contains(code)) {
            throw ApiException.badRequest("unknown_status", field + ": this tenant has no contact status " + code, field);
        }
    }

    private static void owner(String field, String id, Known k) {
        if (id != null && !k.members().contains(id)) {
            throw ApiException.badRequest("unknown_owner", field + ": no team member of this tenant has id " + id, field);
        }
    }

    private static void template(String field, String template, boolean required) {
        if (required && template.isBlank()) {
            throw ApiException.badRequest("missing_value", field + " must not be empty", field);
        }
        List<String> unknown = Templates.unknownPlaceholders(template);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_placeholder", field + " uses unknown placeholder {{" + unknown.get(0)
                    + "}}; see docs/booking.md for the placeholders", field);
        }
    }

    private static void offset(String field, int minutes) {
        if (Math.abs(minutes) > MAX_OFFSET_MINUTES) {
            throw ApiException.badRequest("out_of_range", field + " must be between -" + MAX_OFFSET_MINUTES + " and "
                    + MAX_OFFSET_MINUTES + " minutes (30 days), not " + minutes, field);
        }
    }
}
