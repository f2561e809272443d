package io.calbridge.calendly.internal.client;

import java.time.Duration;

/**
 * Waits between retries. Production uses {@link #SYSTEM}; tests pass one that records the waits
 * instead of sleeping, so retry behaviour is asserted without slow tests.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
