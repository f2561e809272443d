package io.calbridge.sandbox.internal.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sandbox's notion of "now": a base clock plus an offset that tests can advance (to expire codes,
 * tokens and rate-limit windows without sleeping).
 */
public final class SandboxClock extends Clock {
    private final Clock base;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public SandboxClock(Clock base) {
        this.base = base;
    }

    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time only moves forward, got " + by);
        }
        offset.accumulateAndGet(by, Duration::plus);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the sandbox clock is always UTC");
    }

    /**
     * The base clock's time without {@link #advance} offsets. Delivery signatures use it: receivers
     * check {@code t} against their own clock, and moving the sandbox's time to expire tokens must not
     * make every later delivery look like a replay.
     */
    public Instant baseInstant() {
        return base.instant();
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }
}
