package io.calbridge.calendly.internal.webhook;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A DeliveryProcessor that remembers what it saw and does what the test tells it to. */
final class RecordingProcessor implements DeliveryProcessor {
    final List<StoredDelivery> seen = new CopyOnWriteArrayList<>();
    final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile Function<StoredDelivery, ProcessingResult> behaviour = d -> ProcessingResult.PROCESSED;

    void behave(Function<StoredDelivery, ProcessingResult> f) {
        behaviour = f;
    }

    @Override
    public ProcessingResult process(StoredDelivery delivery) {
        seen.add(delivery);
        calls.computeIfAbsent(delivery.inboxId(), id -> new AtomicInteger()).incrementAndGet();
        return behaviour.apply(delivery);
    }

    int callsFor(long inboxId) {
        AtomicInteger n = calls.get(inboxId);
        return n == null ? 0 : n.get();
    }
}
