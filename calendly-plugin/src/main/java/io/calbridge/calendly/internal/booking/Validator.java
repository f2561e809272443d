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
    /** Longest id of a list, tag, status or team member (characters). */
    public static final int MAX_ID_LENGTH = 200;
    /** Most ids in one list ({@code list_ids}, {@code tag_ids}...). */
    public static final int MAX_IDS = 100;
    /** Longest template of a task title. */
    public static final int MAX_TITLE_LENGTH = 500;
    /** Longest template of a task description. */
    public static final int MAX_DESCRIPTION_LENGTH = 10_000;
    /** Longest Calendly event type URI. */
    public static final int MAX_URI_LENGTH = 500;
    /** Longest event type name of a mapping. */
    public static final int MAX_NAME_LENGTH = 200;

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
        template("task.title", s.task().title(), true, MAX_TITLE_LENGTH);
        template("task.description", s.task().description(), false, MAX_DESCRIPTION_LENGTH);
        offset("task.due_offset_minutes", s.task().dueOffsetMinutes());
        ids("on_cancel.tag_ids", s.onCancel().tagIds(), k::tags, "unknown_tag", "tag");
        status("on_cancel.status", s.onCancel().status(), k);
        ids("on_no_show.tag_ids", s.onNoShow().tagIds(), k::tags, "unknown_tag", "tag");
        status("on_no_show.status", s.onNoShow().status(), k);
        template("on_no_show.task_title", s.onNoShow().taskTitle(), true, MAX_TITLE_LENGTH);
        template("on_no_show.task_description", s.onNoShow().taskDescription(), false, MAX_DESCRIPTION_LENGTH);
        offset("on_no_show.task_due_offset_minutes", s.onNoShow().taskDueOffsetMinutes());
        ids("on_reschedule.tag_ids", s.onReschedule().tagIds(), k::tags, "unknown_tag", "tag");
        ids("routing_forms.list_ids", s.routingForms().listIds(), k::lists, "unknown_list", "mailing list");
        ids("routing_forms.tag_ids", s.routingForms().tagIds(), k::tags, "unknown_tag", "tag");
        status("routing_forms.status", s.routingForms().status(), k);
    }

    void mapping(String tenantId, MappingInput m) {
        eventTypeUri("event_type_uri", m.eventTypeUri());
        length("event_type_name", m.eventTypeName(), MAX_NAME_LENGTH);
        rules(tenantId, "rules.", m.rules());
    }

    /**
     * The rules of a mapping, {@code prefix} before every field name ({@code "rules."} on the mapping
     * routes, {@code event_type_mappings[...].} in a settings body).
     */
    void rules(String tenantId, String prefix, MappingRules r) {
        Known k = new Known(tenantId);
        if (r.listIds() != null) {
            ids(prefix + "list_ids", r.listIds(), k::lists, "unknown_list", "mailing list");
        }
        if (r.tagIds() != null) {
            ids(prefix + "tag_ids", r.tagIds(), k::tags, "unknown_tag", "tag");
        }
        status(prefix + "crm_status", r.crmStatus(), k);
        owner(prefix + "owner_id", r.ownerId(), k);
        if (r.taskTitle() != null) {
            template(prefix + "task_title", r.taskTitle(), true, MAX_TITLE_LENGTH);
        }
        if (r.taskDescription() != null) {
            template(prefix + "task_description", r.taskDescription(), false, MAX_DESCRIPTION_LENGTH);
        }
        if (r.taskDueOffsetMinutes() != null) {
            offset(prefix + "task_due_offset_minutes", r.taskDueOffsetMinutes());
        }
    }

    /** 400 unless {@code uri} is a Calendly event type URI of at most {@link #MAX_URI_LENGTH} characters. */
    static void eventTypeUri(String field, String uri) {
        if (uri == null || uri.isBlank()) {
            throw ApiException.badRequest("missing_field", field + " is required: the Calendly event type's URI", field);
        }
        length(field, uri, MAX_URI_LENGTH);
        if (!isEventTypeUri(uri)) {
            throw ApiException.badRequest("invalid_event_type_uri",
                    field + " must be a Calendly event type URI such as https://api.calendly.com/event_types/<id>", field);
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

    // Messages name the field, never repeat its value: an error text holds no byte of the body.

    private static void ids(String field, List<String> ids, Supplier<Set<String>> known, String code, String what) {
        if (ids.size() > MAX_IDS) {
            throw ApiException.badRequest("too_long", field + " may hold at most " + MAX_IDS + " ids", field);
        }
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String path = field + "[" + i + "]";
            if (id == null || id.isBlank()) {
                throw ApiException.badRequest("missing_value", path + " must be the id of a " + what + ", not empty", path);
            }
            length(path, id, MAX_ID_LENGTH);
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!known.get().contains(ids.get(i))) {
                String path = field + "[" + i + "]";
                throw ApiException.badRequest(code, path + " is not the id of one of this tenant's " + what + "s", path);
            }
        }
    }

    private static void status(String field, String code, Known k) {
        known(field, code, k::statuses, "unknown_status", "one of this tenant's contact statuses");
    }

    private static void owner(String field, String id, Known k) {
        known(field, id, k::members, "unknown_owner", "the id of one of this tenant's team members");
    }

    /** An optional id (null: not set) that must be one of the tenant's; the tenant's are read only then. */
    private static void known(String field, String id, Supplier<Set<String>> known, String code, String what) {
        if (id == null) {
            return;
        }
        length(field, id, MAX_ID_LENGTH);
        if (!known.get().contains(id)) {
            throw ApiException.badRequest(code, field + " is not " + what, field);
        }
    }

    private static void template(String field, String template, boolean required, int maxLength) {
        if (required && template.isBlank()) {
            throw ApiException.badRequest("missing_value", field + " must not be empty", field);
        }
        length(field, template, maxLength);
        List<String> unknown = Templates.unknownPlaceholders(template);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_placeholder", field + " uses a placeholder that does not exist"
                    + "; see docs/booking.md for the placeholders", field);
        }
    }

    /** 400 {@code too_long} when {@code value} has more than {@code max} characters (code points). */
    static void length(String field, String value, int max) {
        if (value != null && value.length() > max && value.codePointCount(0, value.length()) > max) {
            throw ApiException.badRequest("too_long", field + " may be at most " + max + " characters long", field);
        }
    }

    private static void offset(String field, int minutes) {
        if (Math.abs(minutes) > MAX_OFFSET_MINUTES) {
            throw ApiException.badRequest("out_of_range", field + " must be between -" + MAX_OFFSET_MINUTES + " and "
                    + MAX_OFFSET_MINUTES + " minutes (30 days), not " + minutes, field);
        }
    }
}
