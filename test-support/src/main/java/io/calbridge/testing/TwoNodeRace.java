package io.calbridge.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two nodes receiving the same deliveries at once, as when Calendly retries a delivery that timed
 * out at one node and lands at the other: for each chain, one node gets its deliveries in order and
 * the other a shuffled copy (seeded by the chain's position, so a failure repeats), both starting
 * together; the next chain starts when both are done.
 */
public final class TwoNodeRace {
    /** Hands one delivery to one node; may throw what the node's call throws. */
    @FunctionalInterface
    public interface Node {
        void deliver(byte[] body) throws Exception;
    }

    private TwoNodeRace() {
    }

    /** Runs every chain through both nodes; rethrows the first failure of either. */
    public static void run(List<List<byte[]>> chains, Node inOrder, Node shuffled) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int k = 0; k < chains.size(); k++) {
                List<byte[]> forward = chains.get(k);
                List<byte[]> mixed = new ArrayList<>(forward);
                Collections.shuffle(mixed, new Random(k));
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> a = threads.submit(() -> deliverAll(start, forward, inOrder));
                Future<?> b = threads.submit(() -> deliverAll(start, mixed, shuffled));
                a.get();
                b.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static Void deliverAll(CyclicBarrier start, List<byte[]> bodies, Node node) throws Exception {
        start.await();
        for (byte[] body : bodies) {
            node.deliver(body);
        }
        return null;
    }
}
