package io.calbridge.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tests' one clock, in UTC, thread-safe. Two kinds:
 * <ul>
 *   <li>{@link #fixed(Instant)} / {@link #atNow()}: stands still; the test moves it by hand;</li>
 *   <li>{@link #shifted()}: real time plus an offset the test moves forward, for code that also waits
 *       in real time (a sandbox, a worker polling) but must see hours pass.</li>
 * </ul>
 */
public final class TestClock extends Clock {
    /** The fixed instant, or null when the clock follows real time. */
    private final Instant anchor;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    private TestClock(Instant anchor) {
        this.anchor = anchor;
    }

    /** A clock that stands at {@code start} until moved. */
    public static TestClock fixed(Instant start) {
        return new TestClock(start);
    }

    /** A clock that stands at the current time, to the microsecond (what PostgreSQL stores). */
    public static TestClock atNow() {
        return new TestClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /** Real time, plus whatever the test {@link #advance}s it by. */
    public static TestClock shifted() {
        return new TestClock(null);
    }

    public void advance(Duration by) {
        offset.accumulateAndGet(by, Duration::plus);
    }

    /** Moves the clock so that it reads {@code t} now. */
    public void set(Instant t) {
        offset.set(Duration.between(anchor != null ? anchor : Instant.now(), t));
    }

    @Override
    public Instant instant() {
        return (anchor != null ? anchor : Instant.now()).plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
