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
     *
     * @param call  the tenant and the idempotency key
     * @param draft the task
     * @return the host's id of the task, stable for the task's life (the plugin stores it)
     * @throws UnknownReferenceException when the draft's contact or owner does not exist for the tenant
     */
    String create(HostCall call, TaskDraft draft);

    /**
     * Moves the task to the draft's due time and takes over its title, description and owner.
     *
     * @param call   the tenant and the idempotency key
     * @param taskId an id {@link #create} returned
     * @param draft  the task as it should be now
     * @throws UnknownReferenceException when the task or the draft's owner does not exist for the tenant
     */
    void reschedule(HostCall call, String taskId, TaskDraft draft);

    /**
     * Marks the task canceled (it stays visible as canceled).
     *
     * @param call   the tenant and the idempotency key
     * @param taskId an id {@link #create} returned
     * @throws UnknownReferenceException when the task does not exist for the tenant
     */
    void cancel(HostCall call, String taskId);

    /**
     * Marks the task done. A canceled task stays canceled.
     *
     * @param call   the tenant and the idempotency key
     * @param taskId an id {@link #create} returned
     * @throws UnknownReferenceException when the task does not exist for the tenant
     */
    void complete(HostCall call, String taskId);

    /**
     * Opens a done task again (used when a no-show is taken back). A canceled task stays canceled.
     *
     * @param call   the tenant and the idempotency key
     * @param taskId an id {@link #create} returned
     * @throws UnknownReferenceException when the task does not exist for the tenant
     */
    void reopen(HostCall call, String taskId);
}
