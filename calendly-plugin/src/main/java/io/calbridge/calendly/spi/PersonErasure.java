package io.calbridge.calendly.spi;

/**
 * Optional host interface: erases or anonymises what the host keeps about one person of one tenant,
 * when the tenant erases that person through the plugin (an access-to-erasure request, "forget me").
 * Set it with {@code c.personErasure = ...}; without it the plugin erases only its own tables and says
 * in its answer that the host was not asked.
 *
 * <p>What it must do: remove, or anonymise beyond recognition, the tenant's contact(s) with this
 * e-mail (compared case-insensitively) and everything hanging off them that names the person: tasks,
 * timeline/activity entries, list memberships and tags. Other tenants' data and other people's data
 * stay untouched. It must be idempotent (an erasure may be repeated, e.g. after a timeout) and return
 * what it did, counted, never the e-mail or a name: the plugin keeps the answer in its audit trail.
 *
 * <p>Called outside any plugin transaction ({@link HostCall#connection()} is null), with an
 * idempotency key per person and tenant, from the thread that asked for the erasure.
 */
@FunctionalInterface
public interface PersonErasure {
    /**
     * Erases one person.
     *
     * @param call  the tenant (and an idempotency key); no transaction
     * @param email the person's e-mail, as the tenant admin or operator gave it
     * @return counts of what was erased or anonymised (zeros when the host had nothing)
     */
    Erased erase(HostCall call, String email);

    /**
     * What the host erased or anonymised.
     *
     * @param contacts   contacts removed or anonymised
     * @param tasks      tasks removed or anonymised
     * @param activities timeline entries removed or anonymised
     */
    record Erased(int contacts, int tasks, int activities) {
    }
}
