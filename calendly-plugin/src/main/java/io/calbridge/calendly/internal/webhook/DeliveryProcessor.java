package io.calbridge.calendly.internal.webhook;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Applies one stored delivery (booking processing implements this). Called by the inbox worker,
 * outside any inbox transaction. Must be idempotent in effect: after a crash the same delivery may
 * be handed over again, and Calendly may deliver the same event more than once.
 *
 * <p>Throwing {@link PermanentProcessingException} dead-letters the delivery at once with its
 * message; any other exception is retried with backoff until the attempt limit.
 */
public interface DeliveryProcessor {
    ProcessingResult process(StoredDelivery delivery) throws Exception;

    /**
     * Whether {@link #processAll} applies a batch in one transaction. False (the default): the worker
     * hands over one delivery at a time.
     */
    default boolean batches() {
        return false;
    }

    /**
     * Applies several deliveries, in order, in one transaction: all of them or none. Returns one result
     * per delivery. When it throws, the worker applies each delivery again on its own with
     * {@link #process}, so one that cannot be applied neither blocks the others nor is retried with
     * them; whatever the failed batch did before it threw must therefore have rolled back with it or be
     * recognised by its idempotency key when applied again. This default, for processors that do not
     * {@link #batches()}, applies them one by one.
     */
    default List<ProcessingResult> processAll(List<StoredDelivery> deliveries) throws Exception {
        List<ProcessingResult> results = new ArrayList<>(deliveries.size());
        for (StoredDelivery delivery : deliveries) {
            results.add(process(delivery));
        }
        return results;
    }

    /**
     * For a processor in front of another that passed only some deliveries of a batch on: the results
     * for all of {@code deliveries}, in order, taken from {@code theirs} for the {@code passed} ones
     * (the same objects, in the same order) and from {@code others} for the rest.
     */
    static List<ProcessingResult> rejoin(List<StoredDelivery> deliveries, List<StoredDelivery> passed,
                                         List<ProcessingResult> theirs, Function<StoredDelivery, ProcessingResult> others) {
        Iterator<ProcessingResult> applied = theirs.iterator();
        List<ProcessingResult> results = new ArrayList<>(deliveries.size());
        int next = 0;
        for (StoredDelivery d : deliveries) {
            if (next < passed.size() && passed.get(next) == d) {
                results.add(applied.next());
                next++;
            } else {
                results.add(others.apply(d));
            }
        }
        return results;
    }
}
