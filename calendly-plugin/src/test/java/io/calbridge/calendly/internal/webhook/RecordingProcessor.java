package io.calbridge.calendly.internal.webhook;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A DeliveryProcessor that remembers what it saw and does what the test tells it to. With
 * {@link #batching} it takes batches as one transaction would: a batch in which any delivery throws
 * applies none of them ({@link #applied} counts only what a successful call or batch applied).
 */
final class RecordingProcessor implements DeliveryProcessor {
    final List<StoredDelivery> seen = new CopyOnWriteArrayList<>();
    final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<Long, AtomicInteger> applied = new ConcurrentHashMap<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private volatile Function<StoredDelivery, ProcessingResult> behaviour = d -> ProcessingResult.PROCESSED;
    private volatile boolean batching;

    void behave(Function<StoredDelivery, ProcessingResult> f) {
        behaviour = f;
    }

    void batching(boolean on) {
        batching = on;
    }

    @Override
    public boolean batches() {
        return batching;
    }

    @Override
    public List<ProcessingResult> processAll(List<StoredDelivery> deliveries) {
        batchSizes.add(deliveries.size());
        List<ProcessingResult> results = new java.util.ArrayList<>();
        for (StoredDelivery d : deliveries) {
            seen.add(d);
            calls.computeIfAbsent(d.inboxId(), id -> new AtomicInteger()).incrementAndGet();
            results.add(behaviour.apply(d)); // a throw ends the batch: nothing of it was applied
        }
        deliveries.forEach(d -> applied.computeIfAbsent(d.inboxId(), id -> new AtomicInteger()).incrementAndGet());
        return results;
    }

    int appliedTimes(long inboxId) {
        AtomicInteger n = applied.get(inboxId);
        return n == null ? 0 : n.get();
    }

    @Override
    public ProcessingResult process(StoredDelivery delivery) {
        seen.add(delivery);
        calls.computeIfAbsent(delivery.inboxId(), id -> new AtomicInteger()).incrementAndGet();
        ProcessingResult result = behaviour.apply(delivery);
        applied.computeIfAbsent(delivery.inboxId(), id -> new AtomicInteger()).incrementAndGet();
        return result;
    }

    int callsFor(long inboxId) {
        AtomicInteger n = calls.get(inboxId);
        return n == null ? 0 : n.get();
    }
}
