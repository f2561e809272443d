package io.calbridge.sandbox;

/**
 * Order in which the two deliveries of a reschedule are sent. Real Calendly sent the cancel first in
 * 28 of 29 recorded pairs, so {@link #CANCEL_FIRST} is the default.
 */
public enum RescheduleOrder {
    CANCEL_FIRST,
    CREATE_FIRST;

    public static RescheduleOrder parse(String s) {
        String n = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "CANCEL_FIRST", "CANCELED_FIRST" -> CANCEL_FIRST;
            case "CREATE_FIRST", "CREATED_FIRST" -> CREATE_FIRST;
            default -> throw new IllegalArgumentException("unknown order '" + s + "' (cancel_first, create_first)");
        };
    }
}
