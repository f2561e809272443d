package io.calbridge.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The tests' one way to wait for what happens in the background (a worker, a sandbox's webhook, a
 * node's cache): Awaitility, polling from the first moment, with one patience for every module. The
 * patience is long because the build machine is shared; a test that passes waits only as long as the
 * work takes.
 */
public final class Waiting {
    /** How long anything the tests wait for may take on a loaded machine. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Waiting() {
    }

    /** {@code eventually("the contact").until(() -> ...)}; the name is in the timeout's message. */
    public static ConditionFactory eventually(String what) {
        return Awaitility.await(what).atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50));
    }
}
