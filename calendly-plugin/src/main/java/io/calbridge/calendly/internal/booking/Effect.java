package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.ContactDraft;
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

    /** Finds the contact by e-mail or creates it; answers the host's {@code ContactRef}. */
    record FindOrCreateContact(String key, ContactDraft draft) implements Effect {
    }

    record UpdateFields(String key, String contactId, Map<String, String> fields) implements Effect {
    }

    record UpdateStatus(String key, String contactId, String status) implements Effect {
    }

    record UpdateOwner(String key, String contactId, String ownerId) implements Effect {
    }

    record Subscribe(String key, String contactId, List<String> listIds) implements Effect {
    }

    record Tag(String key, String contactId, List<String> tagIds) implements Effect {
    }

    record Untag(String key, String contactId, List<String> tagIds) implements Effect {
    }

    /** Creates an open task; answers its id. */
    record CreateTask(String key, TaskDraft draft) implements Effect {
    }

    record RescheduleTask(String key, String taskId, TaskDraft draft) implements Effect {
    }

    /** Moves a task to OPEN, DONE or CANCELED. */
    record SetTaskState(String key, String taskId, String state) implements Effect {
    }

    record AddActivity(String key, String contactId, ActivityEntry entry) implements Effect {
    }
}
