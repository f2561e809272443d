package io.calbridge.sandbox;

/**
 * One-on-one ({@link #SOLO}, one invitee per scheduled event) or group ({@link #GROUP(int)}: up to
 * {@code limit} invitees share one scheduled event).
 */
public final class EventKind {
    public static final EventKind SOLO = new EventKind("solo", 1);

    private final String apiName;
    private final int limit;

    private EventKind(String apiName, int limit) {
        this.apiName = apiName;
        this.limit = limit;
    }

    /** A group event type with room for {@code limit} invitees per scheduled event. */
    @SuppressWarnings("checkstyle:MethodName")
    public static EventKind GROUP(int limit) {
        return group(limit);
    }

    public static EventKind group(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("group limit must be at least 1, was " + limit);
        }
        return new EventKind("group", limit);
    }

    /** {@code kind} of the event type: "solo" or "group". */
    public String apiName() {
        return apiName;
    }

    public int limit() {
        return limit;
    }

    public boolean isGroup() {
        return "group".equals(apiName);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventKind k && k.apiName.equals(apiName) && k.limit == limit;
    }

    @Override
    public int hashCode() {
        return apiName.hashCode() * 31 + limit;
    }

    @Override
    public String toString() {
        return isGroup() ? "GROUP(" + limit + ")" : "SOLO";
    }
}
