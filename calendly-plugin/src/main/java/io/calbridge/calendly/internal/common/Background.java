package io.calbridge.calendly.internal.common;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * A feature's background threads between {@code start} and {@code stop}: daemons named for thread
 * dumps ({@link Daemons}). Starting again while they run does nothing; stopping interrupts them.
 */
public final class Background {
    private final String threadName;
    private ScheduledExecutorService scheduler;

    /** @param threadName the name every thread of the feature gets */
    public Background(String threadName) {
        this.threadName = threadName;
    }

    /** Starts {@code threads} threads and hands them to {@code schedule} for their work, unless they run already. */
    public synchronized void start(int threads, Consumer<ScheduledExecutorService> schedule) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newScheduledThreadPool(threads, Daemons.named(threadName));
        schedule.accept(scheduler);
    }

    /** Stops the threads (interrupting their work), if they run; {@code start} may start them again. */
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
