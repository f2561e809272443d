package io.calbridge.calendly.internal.booking;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.calbridge.calendly.internal.common.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one booking chain has applied to the host, typed. Stored as one {@code calendly_effect_ledger}
 * row per entry, keyed {@code <chain id>/<name>}, with the result as JSON; the names and fields are
 * those the plugin has always written, so rows stored by earlier versions read the same:
 * <ul>
 *   <li>{@code contact}: {@link Contact}; id null when no contact is kept</li>
 *   <li>{@code status}: {@link Status}; base is the status the booking set</li>
 *   <li>{@code lists}, {@code tags}, {@code reschedule_tags}, {@code cancel_tags}: {@code {ids}}</li>
 *   <li>{@code task}: {@link Task}</li>
 *   <li>{@code noshow@<id>}: {@link NoShow}</li>
 *   <li>{@code activity:<what>@<id>}: {@code {at}}, once per timeline entry</li>
 * </ul>
 * Immutable: the planner makes a new one per change, and what to write is the difference.
 */
record ChainLedger(Contact contact, Status status, Map<String, IdSet> sets, Task task, Map<String, NoShow> noShows,
                   Map<String, Activity> activities, Map<String, String> unknown) {
    static final List<String> SETS = List.of("lists", "tags", "reschedule_tags", "cancel_tags");
    static final String NO_SHOW = "noshow@";
    static final ChainLedger EMPTY = new ChainLedger(null, null, Map.of(), null, Map.of(), Map.of(), Map.of());

    ChainLedger {
        sets = Map.copyOf(sets);
        noShows = Map.copyOf(noShows);
        activities = Map.copyOf(activities);
        unknown = Map.copyOf(unknown);
    }

    /** @param person hash of what the chain said about the person when the contact was last written */
    record Contact(String id, String owner, String invitee, String email, int person, int seq, boolean pinned) {
        Contact withId(String newId, String newOwner) {
            return new Contact(newId, newOwner, invitee, email, person, seq, pinned);
        }
    }

    record Status(String base, String current, int seq) {
    }

    record IdSet(List<String> ids) {
        IdSet {
            ids = ids == null ? List.of() : List.copyOf(ids);
        }
    }

    record Task(String id, String state, String due, String owner, String title, String description, String invitee, int seq) {
        Task withId(String newId) {
            return new Task(newId, state, due, owner, title, description, invitee, seq);
        }
    }

    record NoShow(String at, List<String> tags, @JsonProperty("completed_task") boolean completedTask,
                  @JsonProperty("task_id") String taskId, boolean undone, @JsonProperty("undone_at") String undoneAt) {
        NoShow {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    record Activity(String at) {
    }

    // ---- changes -------------------------------------------------------------------------------

    ChainLedger withContact(Contact c) {
        return new ChainLedger(c, status, sets, task, noShows, activities, unknown);
    }

    ChainLedger withStatus(Status s) {
        return new ChainLedger(contact, s, sets, task, noShows, activities, unknown);
    }

    ChainLedger withSet(String name, List<String> ids) {
        return new ChainLedger(contact, status, put(sets, name, new IdSet(ids)), task, noShows, activities, unknown);
    }

    ChainLedger withTask(Task t) {
        return new ChainLedger(contact, status, sets, t, noShows, activities, unknown);
    }

    ChainLedger withNoShow(String id, NoShow n) {
        return new ChainLedger(contact, status, sets, task, put(noShows, id, n), activities, unknown);
    }

    ChainLedger withActivity(String name, Activity a) {
        return new ChainLedger(contact, status, sets, task, noShows, put(activities, name, a), unknown);
    }

    private static <V> Map<String, V> put(Map<String, V> map, String key, V value) {
        Map<String, V> next = new LinkedHashMap<>(map);
        next.put(key, value);
        return next;
    }

    String contactId() {
        return contact == null ? null : contact.id();
    }

    String taskId() {
        return task == null ? null : task.id();
    }

    String taskState() {
        return task == null ? null : task.state();
    }

    // ---- stored form ---------------------------------------------------------------------------

    /** Reads the stored entries (effect name to JSON); an unreadable entry reads as empty, as it always did. */
    static ChainLedger read(Map<String, String> stored) {
        ChainLedger l = EMPTY;
        Map<String, String> unknown = new LinkedHashMap<>();
        for (var e : new TreeMap<>(stored).entrySet()) {
            String name = e.getKey();
            String raw = e.getValue();
            if (name.equals("contact")) {
                l = l.withContact(parse(raw, Contact.class));
            } else if (name.equals("status")) {
                l = l.withStatus(parse(raw, Status.class));
            } else if (SETS.contains(name)) {
                l = l.withSet(name, parse(raw, IdSet.class).ids());
            } else if (name.equals("task")) {
                l = l.withTask(parse(raw, Task.class));
            } else if (name.startsWith(NO_SHOW)) {
                l = l.withNoShow(name.substring(NO_SHOW.length()), parse(raw, NoShow.class));
            } else if (name.startsWith("activity:")) {
                l = l.withActivity(name, parse(raw, Activity.class));
            } else {
                unknown.put(name, raw);
            }
        }
        return new ChainLedger(l.contact, l.status, l.sets, l.task, l.noShows, l.activities, unknown);
    }

    private static <T> T parse(String raw, Class<T> type) {
        try {
            // Straight to the record, not through a tree: a chain's ledger is read on every delivery.
            if (raw.stripLeading().startsWith("{")) {
                return Json.mapper().readValue(raw, type);
            }
            return Json.mapper().treeToValue(Json.mapper().createObjectNode(), type);
        } catch (JsonProcessingException e) {
            try {
                return Json.mapper().treeToValue(Json.mapper().createObjectNode(), type);
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** Every entry, by effect name, as stored. */
    Map<String, String> rows() {
        Map<String, String> out = new LinkedHashMap<>(unknown);
        if (contact != null) {
            out.put("contact", json(contact));
        }
        if (status != null) {
            out.put("status", json(status));
        }
        sets.forEach((name, ids) -> out.put(name, json(ids)));
        if (task != null) {
            out.put("task", json(task));
        }
        noShows.forEach((id, n) -> out.put(NO_SHOW + id, json(n)));
        activities.forEach((name, a) -> out.put(name, json(a)));
        return out;
    }

    /** The entries that differ from {@code before}: what to write. */
    Map<String, String> writesSince(ChainLedger before) {
        Map<String, String> old = before.rows();
        Map<String, String> out = new TreeMap<>();
        rows().forEach((name, raw) -> {
            if (!Objects.equals(old.get(name), raw)) {
                out.put(name, raw);
            }
        });
        return out;
    }

    private static String json(Object entry) {
        try {
            return Json.mapper().writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
