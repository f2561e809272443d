package io.calbridge.calendly.spi;

/**
 * The host's tasks. Implementations must be thread-safe; see {@link HostCall} for keys and
 * transactions, and {@link Contacts} for what exceptions mean.
 *
 * <p>The plugin never deletes a task: a canceled booking cancels its task, so the history stays.
 * A task id that does not exist for the tenant throws {@link UnknownReferenceException}.
 */
public interface Tasks {

    /**
     * Creates an open task and returns its id. A second call with the same key returns the first
     * task's id and creates nothing.
     */
    String create(HostCall call, TaskDraft draft);

    /** Moves the task to the draft's due time and takes over its title, description and owner. */
    void reschedule(HostCall call, String taskId, TaskDraft draft);

    /** Marks the task canceled (it stays visible as canceled). */
    void cancel(HostCall call, String taskId);

    /** Marks the task done. */
    void complete(HostCall call, String taskId);

    /** Opens a done task again (used when a no-show is taken back). A canceled task stays canceled. */
    void reopen(HostCall call, String taskId);
}
