package io.calbridge.sandbox.internal.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Switches that make the sandbox misbehave on purpose. Thread-safe. */
public final class FaultState {
    /** An injected API answer: the status and, for 429, the {@code X-RateLimit-Reset} seconds. */
    public record InjectedFailure(int status, int resetSeconds) {
    }

    private static final class ApiFault {
        int remaining;
        final int status;
        final String prefix;
        final int resetSeconds;

        ApiFault(int remaining, int status, String prefix, int resetSeconds) {
            this.remaining = remaining;
            this.status = status;
            this.prefix = prefix;
            this.resetSeconds = resetSeconds;
        }
    }

    /** Every delivery attempt to a URL starting with {@code urlPrefix} (null: any) fails until {@code until} (sandbox time). */
    private record Outage(String urlPrefix, Instant until) {
    }

    /** Messages of {@code event} (null: any) about {@code invitee} (URI or e-mail; null: any) are lost. */
    private record DropRule(String event, String invitee) {
    }

    private final List<ApiFault> apiFaults = new ArrayList<>();
    private final List<Outage> outages = new ArrayList<>();
    private final List<DropRule> dropRules = new ArrayList<>();
    /** Requests served whose answer is then lost: {@code remaining} and the path prefix (null: any API path). */
    private final List<ApiFault> lostReplies = new ArrayList<>();
    public final AtomicInteger dropNext = new AtomicInteger();
    public final AtomicInteger duplicateNext = new AtomicInteger();
    public final AtomicInteger reorderNextReschedules = new AtomicInteger();
    public final AtomicBoolean breakSignatures = new AtomicBoolean();
    private int delayNext;
    private Duration delay = Duration.ZERO;

    /**
     * Queues {@code n} failures with {@code status} for requests whose path starts with {@code prefix};
     * a {@code null} prefix means every API path (not /oauth, not /_sandbox).
     */
    public synchronized void failNext(int n, int status, String prefix) {
        failNext(n, status, prefix, 60);
    }

    public synchronized void failNext(int n, int status, String prefix, int resetSeconds) {
        apiFaults.add(new ApiFault(n, status, prefix, resetSeconds));
    }

    /** The failure to answer {@code path} with instead of serving it, or {@code null}. Consumes one failure. */
    public synchronized InjectedFailure takeApiFault(String path, boolean isAuthServerPath) {
        Iterator<ApiFault> it = apiFaults.iterator();
        while (it.hasNext()) {
            ApiFault f = it.next();
            boolean matches = f.prefix == null ? !isAuthServerPath : path.startsWith(f.prefix);
            if (matches) {
                f.remaining--;
                if (f.remaining <= 0) {
                    it.remove();
                }
                return new InjectedFailure(f.status, f.resetSeconds);
            }
        }
        return null;
    }

    public synchronized void loseReplies(int n, String prefix) {
        lostReplies.add(new ApiFault(n, 502, prefix, 60));
    }

    /** Whether the answer to {@code path} is to be lost after serving it. Consumes one. */
    public synchronized boolean takeLostReply(String path, boolean isAuthServerPath) {
        Iterator<ApiFault> it = lostReplies.iterator();
        while (it.hasNext()) {
            ApiFault f = it.next();
            if (f.prefix == null ? !isAuthServerPath : path.startsWith(f.prefix)) {
                if (--f.remaining <= 0) {
                    it.remove();
                }
                return true;
            }
        }
        return false;
    }

    public synchronized void outage(String urlPrefix, Instant until) {
        outages.add(new Outage(urlPrefix, until));
    }

    /** The end of the outage that covers a delivery attempt to {@code url} at sandbox time {@code at}, or null. */
    public synchronized Instant outageAt(String url, Instant at) {
        Instant end = null;
        for (Outage o : outages) {
            if ((o.urlPrefix() == null || url.startsWith(o.urlPrefix())) && at.isBefore(o.until())
                    && (end == null || o.until().isAfter(end))) {
                end = o.until();
            }
        }
        return end;
    }

    public synchronized void dropDeliveries(String event, String invitee) {
        dropRules.add(new DropRule(event, invitee));
    }

    /** Whether a message of {@code event} about the invitee with this URI and e-mail is to be lost. */
    public synchronized boolean dropped(String event, String inviteeUri, String inviteeEmail) {
        for (DropRule r : dropRules) {
            boolean eventMatches = r.event() == null || r.event().equals(event);
            boolean inviteeMatches = r.invitee() == null || r.invitee().equals(inviteeUri)
                    || r.invitee().equalsIgnoreCase(inviteeEmail == null ? "" : inviteeEmail);
            if (eventMatches && inviteeMatches) {
                return true;
            }
        }
        return false;
    }

    public synchronized void delayNext(int n, Duration d) {
        delayNext = n;
        delay = d;
    }

    /** The delay for the next delivery (consumed), or zero. */
    public synchronized Duration takeDelay() {
        if (delayNext > 0) {
            delayNext--;
            return delay;
        }
        return Duration.ZERO;
    }

    public static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
    }

    public synchronized void clear() {
        apiFaults.clear();
        lostReplies.clear();
        outages.clear();
        dropRules.clear();
        dropNext.set(0);
        duplicateNext.set(0);
        reorderNextReschedules.set(0);
        breakSignatures.set(false);
        delayNext = 0;
        delay = Duration.ZERO;
    }
}
