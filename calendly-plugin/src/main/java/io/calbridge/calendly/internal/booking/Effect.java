package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.TaskDraft;
import java.util.List;
import java.util.Map;

/**
 * One call the plan makes on the host. {@code key} is the idempotency key the host gets
 * ({@code calendly:<chain id>:<effect>}): the same effect of the same chain always has the same key,
 * so a retry after a crash is recognised by the host too.
 */
sealed interface Effect {
    String key();

    /** Makes the call; answers the host's reply where the plan needs one (a contact, a task id), else null. */
    Object apply(HostServices host, HostCall call);

    /** Finds the contact by e-mail or creates it; answers the host's {@code ContactRef}. */
    record FindOrCreateContact(String key, ContactDraft draft) implements Effect {
        public Object apply(HostServices host, HostCall call) {
            return host.contacts().findOrCreate(call, draft);
        }
    }

    record UpdateFields(String key, String contactId, Map<String, String> fields) implements Effect {
        public Object apply(HostServices host, HostCall call) {
            host.contacts().updateFields(call, contactId, fields);
            return null;
        }
    }

    /** Sets the contact's status or owner. */
    record SetContact(String key, Field field, String contactId, String value) implements Effect {
        enum Field { STATUS, OWNER }

        public Object apply(HostServices host, HostCall call) {
            if (field == Field.STATUS) {
                host.contacts().updateStatus(call, contactId, value);
            } else {
                host.contacts().updateOwner(call, contactId, value);
            }
            return null;
        }
    }

    /** Subscribes to mailing lists, tags or untags the contact. */
    record Membership(String key, Op op, String contactId, List<String> ids) implements Effect {
        enum Op { SUBSCRIBE, TAG, UNTAG }

        public Object apply(HostServices host, HostCall call) {
            switch (op) {
                case SUBSCRIBE -> host.mailingLists().subscribe(call, contactId, ids);
                case TAG -> host.mailingLists().tag(call, contactId, ids);
                case UNTAG -> host.mailingLists().untag(call, contactId, ids);
            }
            return null;
        }
    }

    /** Creates an open task; answers its id. */
    record CreateTask(String key, TaskDraft draft) implements Effect {
        public Object apply(HostServices host, HostCall call) {
            return host.tasks().create(call, draft);
        }
    }

    record RescheduleTask(String key, String taskId, TaskDraft draft) implements Effect {
        public Object apply(HostServices host, HostCall call) {
            host.tasks().reschedule(call, taskId, draft);
            return null;
        }
    }

    /** Moves a task to OPEN, DONE or CANCELED. */
    record SetTaskState(String key, String taskId, String state) implements Effect {
        public Object apply(HostServices host, HostCall call) {
            switch (state) {
                case "CANCELED" -> host.tasks().cancel(call, taskId);
                case "DONE" -> host.tasks().complete(call, taskId);
                default -> host.tasks().reopen(call, taskId);
            }
            return null;
        }
    }

    record AddActivity(String key, String contactId, ActivityEntry entry) implements Effect {
        public Object apply(HostServices host, HostCall call) {
            host.contacts().addActivity(call, contactId, entry);
            return null;
        }
    }
}
