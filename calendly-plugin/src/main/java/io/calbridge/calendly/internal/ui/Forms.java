package io.calbridge.calendly.internal.ui;

import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.MappingRules;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The UI's forms read into the records the services take. Field names are the settings API's JSON
 * paths ({@code task.title}, {@code on_cancel.tag_ids}), so a service's error names the field the
 * form shows it next to.
 */
final class Forms {
    private Forms() {
    }

    /**
     * A form read into {@code value}.
     *
     * @param raw            what was typed into number fields, to show it again
     * @param invalidNumbers number fields that hold no whole number
     * @param texts          the text fields as typed (to explain a template error)
     */
    record Parsed<T>(T value, Map<String, String> raw, List<String> invalidNumbers, Map<String, String> texts) {
    }

    private static final class Reader {
        final Context ctx;
        final Map<String, String> raw = new LinkedHashMap<>();
        final List<String> invalid = new ArrayList<>();
        final Map<String, String> texts = new LinkedHashMap<>();

        Reader(Context ctx) {
            this.ctx = ctx;
        }

        boolean check(String field) {
            return ctx.formParam(field) != null;
        }

        String choice(String field) {
            String v = ctx.formParam(field);
            return v == null || v.isBlank() ? null : v.strip();
        }

        String text(String field) {
            String v = ctx.formParam(field);
            texts.put(field, v == null ? "" : v);
            return v == null ? null : v.replace("\r\n", "\n");
        }

        List<String> ids(String field) {
            return ctx.formParams(field).stream().filter(s -> !s.isBlank()).toList();
        }

        /** null for "inherit" (the override box unticked), else the ticked ids. */
        List<String> idsOrInherit(String field) {
            return check(field + ".override") ? ids(field) : null;
        }

        Boolean tri(String field) {
            String v = choice(field);
            return v == null ? null : "true".equals(v);
        }

        Integer number(String field) {
            String v = ctx.formParam(field);
            if (v == null || v.isBlank()) {
                return null;
            }
            try {
                return Integer.valueOf(v.strip());
            } catch (NumberFormatException e) {
                raw.put(field, v);
                invalid.add(field);
                return null;
            }
        }

        <T> Parsed<T> done(T value) {
            return new Parsed<>(value, raw, invalid, texts);
        }
    }

    static Parsed<BookingSettings> bookingSettings(Context ctx) {
        Reader f = new Reader(ctx);
        BookingSettings s = new BookingSettings(
                f.check("create_contacts"),
                f.choice("contact_status"),
                f.choice("default_owner_id"),
                f.check("assign_calendly_host"),
                f.ids("list_ids"),
                f.ids("tag_ids"),
                new BookingSettings.TaskSettings(f.check("task.enabled"), f.text("task.title"), f.text("task.description"),
                        f.number("task.due_offset_minutes")),
                new BookingSettings.CancelSettings(f.ids("on_cancel.tag_ids"), f.choice("on_cancel.status"),
                        f.check("on_cancel.cancel_task")),
                new BookingSettings.NoShowSettings(f.ids("on_no_show.tag_ids"), f.choice("on_no_show.status"),
                        f.check("on_no_show.complete_task"), f.check("on_no_show.create_task"),
                        f.text("on_no_show.task_title"), f.text("on_no_show.task_description"),
                        f.number("on_no_show.task_due_offset_minutes")),
                new BookingSettings.RescheduleSettings(f.ids("on_reschedule.tag_ids"), f.check("on_reschedule.move_task")),
                new BookingSettings.RoutingFormSettings(f.check("routing_forms.enabled"), f.ids("routing_forms.list_ids"),
                        f.ids("routing_forms.tag_ids"), f.choice("routing_forms.status")));
        return f.done(s);
    }

    static Parsed<MappingRules> mappingRules(Context ctx) {
        Reader f = new Reader(ctx);
        String title = f.text("task_title");
        String description = f.text("task_description");
        MappingRules rules = new MappingRules(
                f.idsOrInherit("list_ids"),
                f.idsOrInherit("tag_ids"),
                f.choice("crm_status"),
                f.choice("owner_id"),
                f.tri("assign_calendly_host"),
                f.tri("create_task"),
                title == null || title.isBlank() ? null : title,
                description == null || description.isBlank() ? null : description,
                f.number("task_due_offset_minutes"));
        return f.done(rules);
    }

    /** {@code list_ids[1]} is shown at {@code list_ids}; a mapping's {@code rules.owner_id} at {@code owner_id}. */
    static String field(String apiField) {
        return apiField == null ? "" : apiField.replaceAll("\\[\\d+]$", "").replaceFirst("^rules\\.", "");
    }

    /** A service's message for people: without the pointers into our documentation meant for API users. */
    static String plain(String message) {
        return message == null ? "" : message.replaceAll(";? ?\\(?see docs/[^ )]+[^.;)]*\\)?", "").strip();
    }
}
